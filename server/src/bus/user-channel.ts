import { type PersonalMessage, userChannel } from '@salon/protocol';
import type { Bus } from './bus.js';
import { open, seal } from './envelope.js';

/**
 * A person's channel, heard by every node that holds one of their sockets:
 * their personal messages (notifications), sent to each socket as they came,
 * and two notices the gateway applies and never forwards. An account change
 * (a suspension) drops their sockets' rights at once. A removal from a space
 * is also on the space's channel, which reaches only the nodes following the
 * space; this one also reaches a socket that holds the person's media in the
 * space without being subscribed to it.
 */
export type UserNotice =
  | { kind: 'personal'; message: PersonalMessage }
  | { kind: 'account_changed'; user_id: string; suspended: boolean }
  | { kind: 'removed_notice'; space_id: string };

const KINDS: ReadonlySet<UserNotice['kind']> = new Set([
  'personal',
  'account_changed',
  'removed_notice',
]);

export function publishToUser(bus: Bus, userId: string, notice: UserNotice): void {
  const json =
    notice.kind === 'personal'
      ? JSON.stringify(notice.message)
      : notice.kind === 'account_changed'
        ? JSON.stringify({ user_id: notice.user_id, suspended: notice.suspended })
        : JSON.stringify({ space_id: notice.space_id });
  bus.publish(userChannel(userId), seal(notice.kind, json));
}

export interface UserHandlers {
  /** A personal message, serialized once: sent to the socket as it is. */
  personal(json: string): void;
  account(userId: string, suspended: boolean): void;
  removed(spaceId: string): void;
}

export function onUser(bus: Bus, userId: string, handlers: UserHandlers): () => void {
  return bus.subscribe(userChannel(userId), (text) => {
    const m = open(text, KINDS);
    if (!m) return;
    switch (m.kind) {
      case 'personal':
        return handlers.personal(m.json);
      case 'account_changed': {
        const event = JSON.parse(m.json) as { user_id: string; suspended: boolean };
        return handlers.account(event.user_id, event.suspended === true);
      }
      case 'removed_notice':
        return handlers.removed((JSON.parse(m.json) as { space_id: string }).space_id);
    }
  });
}
