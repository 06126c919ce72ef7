/**
 * What the domain files of the schemas share: date-time strings, a page of a
 * list (or a whole one), and the short form of a person that many answers carry.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { ACCOUNT_ROLES } from '../moderation.js';

export const Iso = Type.String({ format: 'date-time' });
export const IsoOrNull = Type.Union([Iso, Type.Null()]);

/** One of a list of strings, in the list's order. */
export const Literals = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((v) => Type.Literal(v)));

/** An account's role on the instance: admins run it, moderators review reports. */
export const AccountRoleDto = Literals(ACCOUNT_ROLES);

/** The answer of a command that has nothing else to say. */
export const OkDto = Type.Object({ ok: Type.Boolean() });
export type OkDto = Static<typeof OkDto>;

/** A page of a list: an opaque cursor for the next one, null at the end. */
export function PageOf<T extends TSchema>(item: T) {
  return Type.Object({
    data: Type.Array(item),
    next_cursor: Type.Union([Type.String(), Type.Null()]),
  });
}

/** A whole list, in one answer: no cursor, nothing past it. */
export function ListOf<T extends TSchema>(item: T) {
  return Type.Object({ data: Type.Array(item) });
}

export const UserSummaryDto = Type.Object({
  id: Type.String(),
  handle: Type.String(),
  display_name: Type.String(),
  avatar_url: Type.Union([Type.String(), Type.Null()]),
});
export type UserSummaryDto = Static<typeof UserSummaryDto>;
