import { NOTIFICATION_KINDS, type NotificationPreferenceDto } from '@salon/protocol';
import type { Kysely, Transaction } from 'kysely';
import type { Storage } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { NotificationKind } from '../social/notifications.js';

/** Every kind a user can be notified of, in the order settings screens list them (declared once in the protocol). */
export { NOTIFICATION_KINDS };

export type Channel = 'in_app' | 'push';

/** Where one kind arrives: the protocol's, the schema the routes answer with. */
export type Preference = NotificationPreferenceDto;

/**
 * Follows and messages have their own places (follower lists, the inbox), so
 * their in-app notification stays; only their push alert can be turned off.
 */
const ALWAYS_IN_APP: ReadonlySet<string> = new Set(['follow', 'dm']);

/** Which kinds of notification a user gets, and where. Everything is on until turned off. */
export class NotificationPreferences {
  constructor(private readonly storage: Storage) {}

  private get db() {
    return this.storage.db;
  }

  async get(userId: string): Promise<Record<NotificationKind, Preference>> {
    const rows = await this.db
      .selectFrom('notification_preferences')
      .selectAll()
      .where('user_id', '=', userId)
      .execute();
    const stored = new Map(rows.map((r) => [r.kind, r]));
    const out = {} as Record<NotificationKind, Preference>;
    for (const kind of NOTIFICATION_KINDS) {
      const row = stored.get(kind);
      out[kind] = { in_app: row ? row.in_app === 1 : true, push: row ? row.push === 1 : true };
    }
    return out;
  }

  async update(
    userId: string,
    changes: Partial<Record<string, Partial<Preference>>>,
  ): Promise<Record<NotificationKind, Preference>> {
    const current = await this.get(userId);
    const next: Array<{ kind: NotificationKind; pref: Preference }> = [];
    for (const [kind, change] of Object.entries(changes)) {
      if (!(NOTIFICATION_KINDS as readonly string[]).includes(kind) || !change) continue;
      const k = kind as NotificationKind;
      if (change.in_app === false && ALWAYS_IN_APP.has(k)) {
        throw AppError.invalid(
          'preference_not_supported',
          'Follows and direct messages always appear in your notifications; you can turn off their push alerts.',
          { kind: k },
        );
      }
      next.push({ kind: k, pref: { ...current[k], ...change } });
    }
    if (next.length === 0) return current;
    await this.db.transaction().execute(async (trx) => {
      for (const { kind, pref } of next) {
        await trx
          .insertInto('notification_preferences')
          .values({
            user_id: userId,
            kind,
            in_app: pref.in_app ? 1 : 0,
            push: pref.push ? 1 : 0,
          })
          .onConflict((oc) =>
            oc.columns(['user_id', 'kind']).doUpdateSet({
              in_app: pref.in_app ? 1 : 0,
              push: pref.push ? 1 : 0,
            }),
          )
          .execute();
      }
    });
    return this.get(userId);
  }

  /**
   * Of these users, those who turned this channel off for this kind. Pass the caller's
   * transaction when inside one (SQLite has one connection: a query beside it would wait).
   */
  async optedOut(
    userIds: readonly string[],
    kind: string,
    channel: Channel,
    db: Kysely<Database> | Transaction<Database> = this.db,
  ): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await db
      .selectFrom('notification_preferences')
      .select('user_id')
      .where('kind', '=', kind)
      .where(channel, '=', 0)
      .where('user_id', 'in', [...new Set(userIds)])
      .execute();
    return new Set(rows.map((r) => r.user_id));
  }
}
