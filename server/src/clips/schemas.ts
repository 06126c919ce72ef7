import { Type } from '@sinclair/typebox';
import { Id } from '../accounts/schemas.js';

const UserSummary = Type.Object({
  id: Type.String(),
  handle: Type.String(),
  display_name: Type.String(),
  avatar_url: Type.Union([Type.String(), Type.Null()]),
});
const Iso = Type.String({ format: 'date-time' });

export const ClipDto = Type.Object({
  id: Type.String(),
  space_id: Type.String(),
  space: Type.Object({
    id: Type.String(),
    title: Type.String(),
    host: UserSummary,
    state: Type.String(),
  }),
  creator: UserSummary,
  title: Type.String(),
  duration_ms: Type.Integer(),
  source: Type.Union([Type.Literal('live'), Type.Literal('replay')]),
  /** Replay time (ms from the replay's start) of its first sample; null for a live clip. */
  start_ms: Type.Union([Type.Integer(), Type.Null()]),
  state: Type.Union([Type.Literal('processing'), Type.Literal('ready'), Type.Literal('failed')]),
  /** The m4a, once ready; fetching it needs the right to hear the space. */
  audio_url: Type.Union([Type.String(), Type.Null()]),
  /** The clip's page. */
  url: Type.String(),
  created_at: Iso,
  expires_at: Iso,
});

export const ClipPage = Type.Object({
  data: Type.Array(ClipDto),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

export const CreateClipBody = Type.Object(
  {
    from_ms: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1e12,
        description: 'Replay clips: the start, replay time',
      }),
    ),
    to_ms: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1e12,
        description: 'Replay clips: the end, replay time',
      }),
    ),
    title: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const ClipParams = Type.Object({ id: Id }, { additionalProperties: false });
