import type { NotificationKind } from '@salon/protocol';
import type { Kysely, Transaction } from 'kysely';
import type { Database, NotificationsTable } from '../db/schema.js';
import { newId } from '../util/ids.js';

/** The kinds are declared once in the protocol (the web app lists them too). */
export type { NotificationKind };

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
