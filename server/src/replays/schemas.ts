import { Type } from '@sinclair/typebox';

/** The replay's wire shapes are the protocol's, declared once for the server and the web. */
export {
  EmbedDto,
  ReplayDetailsDto,
  ReplayItemDto as ReplayListItemDto,
} from '@salon/protocol/schemas';

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
