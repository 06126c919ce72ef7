import { Type } from '@sinclair/typebox';

/**
 * The captions' answers are the protocol's (`@salon/protocol/schemas`),
 * declared once for the server's validation and OpenAPI and the web's types;
 * the queries are the routes' own.
 */
export {
  CaptionsStatusDto,
  TranscriptDto,
  TranscriptSearchPageDto as SearchPage,
} from '@salon/protocol/schemas';

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
