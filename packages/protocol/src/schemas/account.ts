/** An account's sessions, notification preferences and push subscriptions. */
import { type Static, type TOptional, Type } from '@sinclair/typebox';
import { NOTIFICATION_KINDS, type PreferenceKind } from '../notifications.js';
import { Iso, IsoOrNull } from './common.js';

/** A signed-in browser (`GET /auth/sessions`). */
export const SessionDto = Type.Object({
  id: Type.String({ description: 'A short prefix of the session’s hash: enough to name it' }),
  user_agent: Type.Union([Type.String(), Type.Null()]),
  created_at: Iso,
  last_used_at: Iso,
  current: Type.Boolean({ description: 'The session this request was made with' }),
});
export type SessionDto = Static<typeof SessionDto>;

/** A browser that receives the account's push alerts (`/push/subscriptions`). */
export const PushSubscriptionDto = Type.Object({
  id: Type.String(),
  endpoint: Type.String(),
  created_at: Iso,
  last_success_at: IsoOrNull,
});
export type PushSubscriptionDto = Static<typeof PushSubscriptionDto>;

/** Where one kind of notification arrives. */
export const NotificationPreferenceDto = Type.Object({
  in_app: Type.Boolean(),
  push: Type.Boolean(),
});
export type NotificationPreferenceDto = Static<typeof NotificationPreferenceDto>;

/** `GET /notifications/preferences`: every kind that has a preference. */
export const NotificationPreferencesDto = Type.Object(
  Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, NotificationPreferenceDto])) as Record<
    PreferenceKind,
    typeof NotificationPreferenceDto
  >,
);
export type NotificationPreferencesDto = Static<typeof NotificationPreferencesDto>;

const PreferenceChange = Type.Object(
  { in_app: Type.Optional(Type.Boolean()), push: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
/** `PATCH /notifications/preferences`: only the kinds and channels to change. */
export const NotificationPreferencesPatch = Type.Object(
  Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, Type.Optional(PreferenceChange)])) as Record<
    PreferenceKind,
    TOptional<typeof PreferenceChange>
  >,
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'Only the kinds and channels to change.',
  },
);
export type NotificationPreferencesPatch = Static<typeof NotificationPreferencesPatch>;
