/**
 * An account's settings: its password and sessions, notification preferences
 * and push subscriptions.
 */
import { type Static, type TOptional, Type } from '@sinclair/typebox';
import { NOTIFICATION_KINDS, type PreferenceKind } from '../notifications.js';
import { Iso, IsoOrNull } from './common.js';
import { Password } from './social.js';

/** `PUT /me/password`. */
export const ChangePasswordBody = Type.Object(
  {
    current_password: Type.String({ minLength: 1, maxLength: 200 }),
    new_password: Password,
    sign_out_others: Type.Optional(
      Type.Boolean({ default: true, description: 'Sign out every other browser (default true)' }),
    ),
  },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

/** `POST /auth/sessions/sign_out_all`. */
export const SignOutAllBody = Type.Object(
  {
    include_tokens: Type.Optional(
      Type.Boolean({ default: false, description: 'Revoke every API token too' }),
    ),
  },
  { additionalProperties: false },
);
export type SignOutAllBody = Static<typeof SignOutAllBody>;

/** How many sessions a password change or a sign-out everywhere ended. */
export const SignedOutDto = Type.Object({ signed_out: Type.Integer() });
export type SignedOutDto = Static<typeof SignedOutDto>;

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

/** `GET /push/vapid_public_key`: the key browsers subscribe with (`applicationServerKey`). */
export const VapidKeyDto = Type.Object({ public_key: Type.String() });
export type VapidKeyDto = Static<typeof VapidKeyDto>;

const Base64Url = (maxLength: number) =>
  Type.String({ minLength: 1, maxLength, pattern: '^[A-Za-z0-9_-]+={0,2}$' });

/** `POST /push/subscriptions`: the browser's `PushSubscription.toJSON()`. */
export const PushSubscriptionBody = Type.Object(
  {
    endpoint: Type.String({ minLength: 1, maxLength: 2048 }),
    keys: Type.Object(
      { p256dh: Base64Url(120), auth: Base64Url(40) },
      { additionalProperties: false },
    ),
    // PushSubscription.toJSON() has it; accepted so that a browser's object can be posted as is.
    expirationTime: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  },
  { additionalProperties: false },
);
export type PushSubscriptionBody = Static<typeof PushSubscriptionBody>;

/** `DELETE /push/subscriptions`. */
export const PushUnsubscribeBody = Type.Object(
  { endpoint: Type.String({ minLength: 1, maxLength: 2048 }) },
  { additionalProperties: false },
);
export type PushUnsubscribeBody = Static<typeof PushUnsubscribeBody>;

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
