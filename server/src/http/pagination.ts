import { type TObject, type TProperties, type TSchema, Type } from '@sinclair/typebox';

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

export function PageOf<T extends TSchema>(item: T) {
  return Type.Object({
    data: Type.Array(item),
    next_cursor: Type.Union([Type.String(), Type.Null()]),
  });
}
