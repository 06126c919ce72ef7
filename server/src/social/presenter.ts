import { presentUser } from '../accounts/presenter.js';
import type { ClipDto } from '../clips/presenter.js';
import type {
  DirectMessagesTable,
  NotificationsTable,
  PostsTable,
  UsersTable,
} from '../db/schema.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** `clip`: the card of the post's clip, null when it has none or it is gone. */
export function presentPost(post: PostsTable, author: UsersTable, clip: ClipDto | null = null) {
  return {
    id: post.id,
    text: post.text,
    space_id: post.space_id,
    clip_id: post.clip_id ?? null,
    clip: post.clip_id ? clip : null,
    created_at: iso(post.created_at),
    author: presentUser(author),
  };
}

export function presentMessage(message: DirectMessagesTable) {
  return {
    id: message.id,
    sender_id: message.sender_id,
    recipient_id: message.recipient_id,
    text: message.text,
    space_id: message.space_id,
    created_at: iso(message.created_at),
    read_at: message.read_at === null ? null : iso(message.read_at),
  };
}

export function presentNotification(n: NotificationsTable, actor: UsersTable | undefined) {
  return {
    id: n.id,
    kind: n.kind,
    actor: actor ? presentUser(actor) : null,
    post_id: n.post_id,
    space_id: n.space_id,
    message_id: n.message_id,
    created_at: iso(n.created_at),
    read: n.read_at !== null,
  };
}
