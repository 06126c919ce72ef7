import type { UserSummaryDto } from './spaces.js';

/** An in-app notification, as listed over HTTP and pushed over the realtime WebSocket. */
export interface NotificationDto {
  id: string;
  kind: string;
  actor: (UserSummaryDto & { bio?: string }) | null;
  post_id: string | null;
  space_id: string | null;
  message_id: string | null;
  created_at: string;
  read: boolean;
}

/** Personal messages, sent only to the connections of one signed-in user. */
export type PersonalMessage = { type: 'notification'; notification: NotificationDto };

export const userChannel = (userId: string) => `user:${userId}`;

/**
 * WebSocket close codes of a connection whose account no longer stands. The
 * server sends an `error` with the same code first. Reconnecting will not help.
 */
export const CLOSE_ACCOUNT_SUSPENDED = 4003;
export const CLOSE_SIGNED_OUT = 4001;
