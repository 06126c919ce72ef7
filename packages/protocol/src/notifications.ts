/**
 * Notification kinds, declared once for the server (social/notifications.ts,
 * notifications/preferences.ts) and the web app (the notifications list and
 * the settings' preference table).
 */

/** Every kind a user can be notified of and set a preference for, in the order settings screens list them. */
export const NOTIFICATION_KINDS = [
  'follow',
  'dm',
  'space_started',
  'space_reminder',
  'space_starting_soon',
  'space_start_time',
  'space_invite',
  'speaker_invite',
  'cohost_invite',
  'ticket_refunded',
] as const;

/**
 * Answers from the instance's staff (admin/service.ts, moderation/service.ts):
 * always in the app, with no preference to set.
 */
export const STAFF_NOTIFICATION_KINDS = [
  'hosting_granted',
  'hosting_declined',
  'report_upheld',
  'appeal_granted',
  'appeal_denied',
] as const;

export type PreferenceKind = (typeof NOTIFICATION_KINDS)[number];
export type NotificationKind = PreferenceKind | (typeof STAFF_NOTIFICATION_KINDS)[number];

/** Every kind the server sends, the ones with a preference first. */
export const ALL_NOTIFICATION_KINDS: readonly NotificationKind[] = [
  ...NOTIFICATION_KINDS,
  ...STAFF_NOTIFICATION_KINDS,
];

/**
 * Preferences and push subscriptions: TypeBox schemas in
 * `@salon/protocol/schemas` (the server validates and documents with them),
 * their `Static<>` types exported here.
 */
export type {
  NotificationPreferenceDto,
  NotificationPreferencesDto,
  NotificationPreferencesPatch,
  PushSubscriptionBody,
  PushSubscriptionDto,
  PushUnsubscribeBody,
  VapidKeyDto,
} from './schemas.js';
