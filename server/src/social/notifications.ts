import type { Kysely, Transaction } from 'kysely';
import type { Database, NotificationsTable } from '../db/schema.js';
import { newId } from '../util/ids.js';

export type NotificationKind =
  | 'follow'
  | 'dm'
  | 'space_started'
  | 'space_reminder'
  | 'space_starting_soon'
  | 'space_start_time'
  | 'space_invite'
  | 'speaker_invite'
  | 'cohost_invite'
  // Answers from the instance's staff (admin/service.ts, moderation/service.ts).
  | 'hosting_granted'
  | 'hosting_declined'
  | 'report_upheld'
  | 'appeal_granted'
  | 'appeal_denied'
  // Ticketed spaces (tickets/notify.ts): a ticket's money went back to its buyer.
  | 'ticket_refunded';

export interface NotificationInput {
  userId: string;
  kind: NotificationKind;
  actorId?: string | null;
  postId?: string | null;
  spaceId?: string | null;
  messageId?: string | null;
}

/** Writes a notification inside the caller's transaction; delivery happens after commit. */
export async function insertNotification(
  db: Kysely<Database> | Transaction<Database>,
  input: NotificationInput,
  now: number,
): Promise<NotificationsTable> {
  const row: NotificationsTable = {
    id: newId(now),
    user_id: input.userId,
    kind: input.kind,
    actor_id: input.actorId ?? null,
    post_id: input.postId ?? null,
    space_id: input.spaceId ?? null,
    message_id: input.messageId ?? null,
    created_at: now,
    read_at: null,
  };
  await db.insertInto('notifications').values(row).execute();
  return row;
}
