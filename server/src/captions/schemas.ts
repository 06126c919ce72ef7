import { Type } from '@sinclair/typebox';
import { SpaceDto } from '../spaces/schemas.js';

const UserSummary = Type.Object({
  id: Type.String(),
  handle: Type.String(),
  display_name: Type.String(),
  avatar_url: Type.Union([Type.String(), Type.Null()]),
});

export const CaptionsStatusDto = Type.Object({
  engine: Type.Union([Type.Literal('pocketsphinx'), Type.Literal('whisper-http'), Type.Null()]),
  languages: Type.Array(Type.String()),
});

export const TranscriptDto = Type.Object({
  space_id: Type.String(),
  duration_ms: Type.Union([Type.Integer(), Type.Null()]),
  lines: Type.Array(
    Type.Object({
      utterance_id: Type.String(),
      speaker: UserSummary,
      text: Type.String(),
      start_ms: Type.Integer({ description: 'Live time, epoch ms' }),
      end_ms: Type.Integer(),
      at_ms: Type.Union([Type.Integer(), Type.Null()], {
        description: 'Where the line plays in the replay (null: not recorded)',
      }),
      at_end_ms: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
});

export const VttQuery = Type.Object(
  {
    download: Type.Optional(
      Type.Boolean({ description: 'Send as an attachment (the host downloads the transcript)' }),
    ),
  },
  { additionalProperties: false },
);

export const SearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 200, description: 'Words that were said' }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const SearchPage = Type.Object({
  data: Type.Array(
    Type.Object({
      space: SpaceDto,
      snippet: Type.String({ description: 'The best line, matched words in [ ]' }),
      at_ms: Type.Integer({ description: 'Open the replay here (ms)' }),
      speaker: UserSummary,
    }),
  ),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});
