import { sql } from 'kysely';
import { decodeIdCursor } from '../db/cursor.js';
import type { Storage } from '../db/database.js';
import { AppError } from '../errors.js';
import type { Clock } from '../util/clock.js';
import { newId } from '../util/ids.js';
import { insertNotification } from './notifications.js';
import type { SocialService } from './service.js';

/** Two people's conversation key, the same whoever writes. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/**
 * Direct messages between two people. Writing one also writes the
 * recipient's notification, in the same transaction, and announces it through
 * the social service's events once committed.
 */
export class DirectMessages {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly people: Pick<SocialService, 'requireUser' | 'isBlockedEitherWay' | 'emit'>,
  ) {}

  private get db() {
    return this.storage.db;
  }

  async send(senderId: string, recipientId: string, text: string, spaceId: string | null = null) {
    if (senderId === recipientId)
      throw AppError.invalid('cannot_message_self', 'You cannot message yourself.');
    await this.people.requireUser(recipientId);
    if (await this.people.isBlockedEitherWay(senderId, recipientId)) {
      throw AppError.forbidden(
        'dm_blocked',
        'You cannot message this account: one of you has blocked the other.',
      );
    }
    const trimmed = text.trim();
    if (trimmed.length === 0 && !spaceId)
      throw AppError.invalid('empty_message', 'A message needs some text.');
    const now = this.clock.now();
    const message = {
      id: newId(now),
      sender_id: senderId,
      recipient_id: recipientId,
      pair_key: pairKey(senderId, recipientId),
      text: trimmed,
      space_id: spaceId,
      created_at: now,
      read_at: null,
    };
    const notification = await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('direct_messages').values(message).execute();
      return insertNotification(
        trx,
        { userId: recipientId, kind: 'dm', actorId: senderId, messageId: message.id, spaceId },
        now,
      );
    });
    this.people.emit('notification', notification);
    return message;
  }

  async conversation(userId: string, peerId: string, cursor: string | undefined, limit: number) {
    await this.people.requireUser(peerId);
    const after = decodeIdCursor(cursor);
    let query = this.db
      .selectFrom('direct_messages')
      .selectAll()
      .where('pair_key', '=', pairKey(userId, peerId));
    if (after) query = query.where('id', '<', after);
    return query
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
  }

  /** One row per conversation: its newest message and how many are unread. */
  async conversations(userId: string, cursor: string | undefined, limit: number) {
    const after = decodeIdCursor(cursor);
    let query = this.db
      .selectFrom('direct_messages')
      .selectAll()
      .where(
        'id',
        'in',
        this.db
          .selectFrom('direct_messages')
          .select((eb) => eb.fn.max('id').as('id'))
          .where((eb) => eb.or([eb('sender_id', '=', userId), eb('recipient_id', '=', userId)]))
          .groupBy('pair_key'),
      );
    if (after) query = query.where('id', '<', after);
    const latest = await query
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const unread = await this.db
      .selectFrom('direct_messages')
      .select(['pair_key', sql<number>`count(*)`.as('n')])
      .where('recipient_id', '=', userId)
      .where('read_at', 'is', null)
      .groupBy('pair_key')
      .execute();
    const unreadByPair = new Map(unread.map((r) => [r.pair_key, Number(r.n)]));
    return latest.map((m) => ({
      message: m,
      peerId: m.sender_id === userId ? m.recipient_id : m.sender_id,
      unread: unreadByPair.get(m.pair_key) ?? 0,
    }));
  }

  /** Messages sent to this user and not read yet, over every conversation (the inbox badge). */
  async unreadCount(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('direct_messages')
      .select(sql<number>`count(*)`.as('n'))
      .where('recipient_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async markRead(userId: string, peerId: string): Promise<void> {
    await this.db
      .updateTable('direct_messages')
      .set({ read_at: this.clock.now() })
      .where('pair_key', '=', pairKey(userId, peerId))
      .where('recipient_id', '=', userId)
      .where('read_at', 'is', null)
      .execute();
  }
}
