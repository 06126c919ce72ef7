import { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import { decodeIdCursor, decodeTimeIdCursor } from '../db/cursor.js';
import type { Storage } from '../db/database.js';
import type { NotificationsTable, UsersTable } from '../db/schema.js';
import { AppError } from '../errors.js';
import { escapeLike } from '../scheduler/jobs.js';
import type { Clock } from '../util/clock.js';
import { DirectMessages } from './messages.js';
import { insertNotification, type NotificationInput } from './notifications.js';
import { Posts } from './posts.js';

export interface SocialEvents {
  /** A notification was committed; realtime delivery listens here. */
  notification: [NotificationsTable];
}

/**
 * People and how they relate (follows, blocks, search), with their posts
 * (`posts.ts`), direct messages (`messages.ts`) and notifications.
 */
export class SocialService extends EventEmitter<SocialEvents> {
  readonly posts: Posts;
  readonly messages: DirectMessages;

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
  ) {
    super();
    this.posts = new Posts(storage, clock, this);
    this.messages = new DirectMessages(storage, clock, this);
  }

  private get db() {
    return this.storage.db;
  }

  async usersByIds(ids: readonly string[]): Promise<Map<string, UsersTable>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await this.db.selectFrom('users').selectAll().where('id', 'in', unique).execute();
    return new Map(rows.map((u) => [u.id, u]));
  }

  async requireUser(id: string): Promise<UsersTable> {
    const user = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!user) throw AppError.notFound('user');
    return user;
  }

  async counts(userId: string) {
    const count = (q: Promise<{ n: number | string } | undefined>) =>
      q.then((r) => Number(r?.n ?? 0));
    const [followers, following, posts] = await Promise.all([
      count(
        this.db
          .selectFrom('follows')
          .select(sql<number>`count(*)`.as('n'))
          .where('followee_id', '=', userId)
          .executeTakeFirst(),
      ),
      count(
        this.db
          .selectFrom('follows')
          .select(sql<number>`count(*)`.as('n'))
          .where('follower_id', '=', userId)
          .executeTakeFirst(),
      ),
      count(
        this.db
          .selectFrom('posts')
          .select(sql<number>`count(*)`.as('n'))
          .where('author_id', '=', userId)
          .executeTakeFirst(),
      ),
    ]);
    return { followers, following, posts };
  }

  /** `relationship` for a whole page of people, in two queries. */
  async relationships(viewerId: string, otherIds: readonly string[]) {
    const ids = [...new Set(otherIds)].filter((id) => id !== viewerId);
    const result = new Map<string, Awaited<ReturnType<SocialService['relationship']>>>();
    if (ids.length === 0) return result;
    const [follows, blocks] = await Promise.all([
      this.db
        .selectFrom('follows')
        .select(['follower_id', 'followee_id'])
        .where((eb) =>
          eb.or([
            eb.and([eb('follower_id', '=', viewerId), eb('followee_id', 'in', ids)]),
            eb.and([eb('follower_id', 'in', ids), eb('followee_id', '=', viewerId)]),
          ]),
        )
        .execute(),
      this.db
        .selectFrom('blocks')
        .select(['blocker_id', 'blocked_id'])
        .where((eb) =>
          eb.or([
            eb.and([eb('blocker_id', '=', viewerId), eb('blocked_id', 'in', ids)]),
            eb.and([eb('blocker_id', 'in', ids), eb('blocked_id', '=', viewerId)]),
          ]),
        )
        .execute(),
    ]);
    for (const id of ids) {
      result.set(id, {
        following: follows.some((f) => f.follower_id === viewerId && f.followee_id === id),
        followed_by: follows.some((f) => f.follower_id === id),
        blocking: blocks.some((b) => b.blocker_id === viewerId && b.blocked_id === id),
        blocked_by: blocks.some((b) => b.blocker_id === id),
      });
    }
    return result;
  }

  async relationship(viewerId: string, otherId: string) {
    const [follows, blocks] = await Promise.all([
      this.db
        .selectFrom('follows')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb.and([eb('follower_id', '=', viewerId), eb('followee_id', '=', otherId)]),
            eb.and([eb('follower_id', '=', otherId), eb('followee_id', '=', viewerId)]),
          ]),
        )
        .execute(),
      this.db
        .selectFrom('blocks')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb.and([eb('blocker_id', '=', viewerId), eb('blocked_id', '=', otherId)]),
            eb.and([eb('blocker_id', '=', otherId), eb('blocked_id', '=', viewerId)]),
          ]),
        )
        .execute(),
    ]);
    return {
      following: follows.some((f) => f.follower_id === viewerId),
      followed_by: follows.some((f) => f.follower_id === otherId),
      blocking: blocks.some((b) => b.blocker_id === viewerId),
      blocked_by: blocks.some((b) => b.blocker_id === otherId),
    };
  }

  async isBlockedEitherWay(a: string, b: string): Promise<boolean> {
    const r = await this.relationship(a, b);
    return r.blocking || r.blocked_by;
  }

  /** Whether `blockerId` blocked `blockedId` (one direction). */
  async hasBlocked(blockerId: string, blockedId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('blocks')
      .select('blocker_id')
      .where('blocker_id', '=', blockerId)
      .where('blocked_id', '=', blockedId)
      .executeTakeFirst();
    return row !== undefined;
  }

  // ---- follows -------------------------------------------------------------

  async follow(viewerId: string, targetId: string): Promise<void> {
    if (viewerId === targetId)
      throw AppError.invalid('cannot_follow_self', 'You cannot follow yourself.');
    await this.requireUser(targetId);
    const rel = await this.relationship(viewerId, targetId);
    if (rel.blocking)
      throw AppError.forbidden('blocking_user', 'Unblock this account to follow it.');
    if (rel.blocked_by)
      throw AppError.forbidden('blocked_by_user', 'This account has blocked you.');
    const now = this.clock.now();
    const created = await this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('follows')
        .values({ follower_id: viewerId, followee_id: targetId, created_at: now })
        .onConflict((oc) => oc.columns(['follower_id', 'followee_id']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return null;
      return insertNotification(trx, { userId: targetId, kind: 'follow', actorId: viewerId }, now);
    });
    if (created) this.emit('notification', created);
  }

  async unfollow(viewerId: string, targetId: string): Promise<void> {
    await this.requireUser(targetId);
    await this.db
      .deleteFrom('follows')
      .where('follower_id', '=', viewerId)
      .where('followee_id', '=', targetId)
      .execute();
  }

  /** Followers (or followees) of a user, newest first; cursor is [created_at, user id]. */
  async followList(
    userId: string,
    direction: 'followers' | 'following',
    cursor: string | undefined,
    limit: number,
  ) {
    await this.requireUser(userId);
    const after = decodeTimeIdCursor(cursor);
    const [mine, theirs] =
      direction === 'followers'
        ? (['followee_id', 'follower_id'] as const)
        : (['follower_id', 'followee_id'] as const);
    let query = this.db
      .selectFrom('follows')
      .innerJoin('users', 'users.id', `follows.${theirs}`)
      .selectAll('users')
      .select('follows.created_at as followed_at')
      .where(`follows.${mine}`, '=', userId);
    if (after) {
      const [at, id] = after;
      query = query.where((eb) =>
        eb.or([
          eb('follows.created_at', '<', at),
          eb.and([eb('follows.created_at', '=', at), eb('users.id', '<', id)]),
        ]),
      );
    }
    return query
      .orderBy('follows.created_at', 'desc')
      .orderBy('users.id', 'desc')
      .limit(limit + 1)
      .execute();
  }

  /**
   * People search: `q` matches the handle or the display name, ignoring case, as a
   * substring (LIKE wildcards are literal). Ordered by handle, so pages are stable.
   * Never lists someone who blocked the viewer or whom they blocked, nor suspended accounts.
   */
  async searchUsers(viewerId: string | null, q: string, cursor: string | undefined, limit: number) {
    const text = q.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase().replace(/^@/, '');
    if (!text) return [];
    const pattern = `%${escapeLike(text)}%`;
    let query = this.db
      .selectFrom('users')
      .selectAll()
      .where('suspended_at', 'is', null)
      .where((eb) =>
        eb.or([
          sql<boolean>`${sql.ref('handle_lower')} like ${pattern} escape '!'`,
          sql<boolean>`lower(${sql.ref('display_name')}) like ${pattern} escape '!'`,
        ]),
      );
    if (viewerId) {
      query = query
        .where(
          'id',
          'not in',
          this.db.selectFrom('blocks').select('blocker_id').where('blocked_id', '=', viewerId),
        )
        .where(
          'id',
          'not in',
          this.db.selectFrom('blocks').select('blocked_id').where('blocker_id', '=', viewerId),
        );
    }
    const after = decodeIdCursor(cursor);
    if (after) query = query.where('handle_lower', '>', after);
    return query
      .orderBy('handle_lower', 'asc')
      .limit(limit + 1)
      .execute();
  }

  // ---- blocks --------------------------------------------------------------

  /** Blocking removes follows in both directions, as on X. */
  async block(viewerId: string, targetId: string): Promise<void> {
    if (viewerId === targetId)
      throw AppError.invalid('cannot_block_self', 'You cannot block yourself.');
    await this.requireUser(targetId);
    const now = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('blocks')
        .values({ blocker_id: viewerId, blocked_id: targetId, created_at: now })
        .onConflict((oc) => oc.columns(['blocker_id', 'blocked_id']).doNothing())
        .execute();
      await trx
        .deleteFrom('follows')
        .where((eb) =>
          eb.or([
            eb.and([eb('follower_id', '=', viewerId), eb('followee_id', '=', targetId)]),
            eb.and([eb('follower_id', '=', targetId), eb('followee_id', '=', viewerId)]),
          ]),
        )
        .execute();
    });
  }

  async unblock(viewerId: string, targetId: string): Promise<void> {
    await this.requireUser(targetId);
    await this.db
      .deleteFrom('blocks')
      .where('blocker_id', '=', viewerId)
      .where('blocked_id', '=', targetId)
      .execute();
  }

  async blockList(viewerId: string, cursor: string | undefined, limit: number) {
    const after = decodeTimeIdCursor(cursor);
    let query = this.db
      .selectFrom('blocks')
      .innerJoin('users', 'users.id', 'blocks.blocked_id')
      .selectAll('users')
      .select('blocks.created_at as blocked_at')
      .where('blocks.blocker_id', '=', viewerId);
    if (after) {
      const [at, id] = after;
      query = query.where((eb) =>
        eb.or([
          eb('blocks.created_at', '<', at),
          eb.and([eb('blocks.created_at', '=', at), eb('users.id', '<', id)]),
        ]),
      );
    }
    return query
      .orderBy('blocks.created_at', 'desc')
      .orderBy('users.id', 'desc')
      .limit(limit + 1)
      .execute();
  }

  // ---- notifications -------------------------------------------------------

  /** For other domains: write a notification now and deliver it. */
  async notify(input: NotificationInput): Promise<NotificationsTable> {
    const row = await insertNotification(this.db, input, this.clock.now());
    this.emit('notification', row);
    return row;
  }

  async notifications(
    userId: string,
    unreadOnly: boolean,
    cursor: string | undefined,
    limit: number,
  ) {
    const after = decodeIdCursor(cursor);
    let query = this.db.selectFrom('notifications').selectAll().where('user_id', '=', userId);
    if (unreadOnly) query = query.where('read_at', 'is', null);
    if (after) query = query.where('id', '<', after);
    return query
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
  }

  async unreadNotificationCount(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('notifications')
      .select(sql<number>`count(*)`.as('n'))
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Marks the given notifications (or all) read; returns how many changed. */
  async markNotificationsRead(userId: string, ids: string[] | 'all'): Promise<number> {
    let query = this.db
      .updateTable('notifications')
      .set({ read_at: this.clock.now() })
      .where('user_id', '=', userId)
      .where('read_at', 'is', null);
    if (ids !== 'all') {
      if (ids.length === 0) return 0;
      query = query.where('id', 'in', ids);
    }
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
