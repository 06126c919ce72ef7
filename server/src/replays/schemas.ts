import { Type } from '@sinclair/typebox';
import { SpaceDto } from '../spaces/schemas.js';

const UserSummary = Type.Object({
  id: Type.String(),
  handle: Type.String(),
  display_name: Type.String(),
  avatar_url: Type.Union([Type.String(), Type.Null()]),
});
const Iso = Type.String({ format: 'date-time' });

const ReplaySpanDto = Type.Object({
  start_ms: Type.Integer({ description: 'Replay time: ms from the replay’s first sample' }),
  end_ms: Type.Integer(),
});

export const TimelineDto = Type.Object({
  duration_ms: Type.Integer(),
  speakers: Type.Array(Type.Object({ user: UserSummary, spans: Type.Array(ReplaySpanDto) }), {
    description: 'Who spoke when, in the order they first speak; pauses under 1.5 s are one span',
  }),
});

export const PinnedPostDto = Type.Object({
  post_id: Type.String(),
  pinned_by: Type.String(),
  pinned_at: Iso,
  post: Type.Union([
    Type.Object({
      id: Type.String(),
      author: UserSummary,
      text: Type.String(),
      created_at: Iso,
    }),
    Type.Null(),
  ]),
});

/** What `GET /spaces/:id/replay` adds to the audio (the page beside the player). */
export const ReplayExtrasDto = {
  timeline: Type.Union([TimelineDto, Type.Null()]),
  pins: Type.Array(PinnedPostDto, { description: 'The pins as they were when the space ended' }),
  peak_listeners: Type.Integer({ description: 'The most people present at once during the live' }),
  total_listeners: Type.Integer({ description: 'Different people who were there during the live' }),
};

export const ReplayListItemDto = Type.Object({
  space: SpaceDto,
  duration_ms: Type.Integer(),
  plays: Type.Integer(),
  peak_listeners: Type.Integer(),
  total_listeners: Type.Integer(),
  ended_at: Iso,
});

export const EmbedDto = Type.Object({
  space: SpaceDto,
  listener_count: Type.Integer({
    description: 'Live: people here now; ended: different people who were there',
  }),
  replay: Type.Union([Type.Object({ duration_ms: Type.Integer() }), Type.Null()]),
});

export const OembedQuery = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2000 }),
    format: Type.Optional(Type.String({ maxLength: 10, description: '`json` (xml is a 501)' })),
    maxwidth: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    maxheight: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  },
  { additionalProperties: false },
);

export const OembedDto = Type.Object({
  type: Type.Literal('rich'),
  version: Type.Literal('1.0'),
  title: Type.String(),
  author_name: Type.String(),
  author_url: Type.String(),
  provider_name: Type.String(),
  provider_url: Type.String(),
  cache_age: Type.Integer(),
  thumbnail_url: Type.Optional(Type.String()),
  thumbnail_width: Type.Optional(Type.Integer()),
  thumbnail_height: Type.Optional(Type.Integer()),
  html: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
});
