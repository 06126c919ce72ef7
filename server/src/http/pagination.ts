import { type TObject, type TProperties, Type } from '@sinclair/typebox';

/** A page's query: an opaque cursor (db/cursor.ts) and a limit. */
export const PageQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);

export function pageQuery(): typeof PageQuery;
export function pageQuery<P extends TProperties>(
  extra: P,
): TObject<typeof PageQuery.properties & P>;
export function pageQuery(extra: TProperties = {}) {
  return Type.Object({ ...PageQuery.properties, ...extra }, { additionalProperties: false });
}

/** A page of `item`s: the protocol's, so the web's `Page<T>` and the server's pages are one shape. */
export { PageOf } from '@salon/protocol/schemas';
