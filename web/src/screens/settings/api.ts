/**
 * The routes the settings screen uses, beside the app's client (`../../api`):
 * the account's security (password, sessions, tokens), notification
 * preferences, Web Push subscriptions and blocked people.
 */

import type {
  ChangePasswordBody,
  CreatedTokenDto,
  CreateTokenBody,
  List,
  NotificationPreferenceDto,
  NotificationPreferencesDto,
  NotificationPreferencesPatch,
  OkDto,
  Page,
  PreferenceKind,
  PushSubscriptionBody,
  PushSubscriptionDto,
  PushUnsubscribeBody,
  SessionDto,
  SignedOutDto,
  SignOutAllBody,
  TokenDto,
  UserDto,
  VapidKeyDto,
} from '@salon/protocol';
import { ApiError, request } from '../../api';
import { errorText } from '../../i18n';

// The answers are the protocol's types (the schemas the server answers with): screens import them from there.
const e = encodeURIComponent;

export const settingsApi = {
  changePassword: (input: ChangePasswordBody) =>
    request<SignedOutDto>('PUT', '/me/password', input),
  sessions: () => request<List<SessionDto>>('GET', '/auth/sessions'),
  revokeSession: (id: string) => request<OkDto>('DELETE', `/auth/sessions/${e(id)}`),
  signOutEverywhere: (includeTokens: boolean) =>
    request<SignedOutDto>('POST', '/auth/sessions/sign_out_all', {
      include_tokens: includeTokens,
    } satisfies SignOutAllBody),
  tokens: () => request<List<TokenDto>>('GET', '/auth/tokens'),
  createToken: (name: string) =>
    request<CreatedTokenDto>('POST', '/auth/tokens', {
      name,
    } satisfies CreateTokenBody),
  revokeToken: (id: string) => request<OkDto>('DELETE', `/auth/tokens/${e(id)}`),
  preferences: () => request<NotificationPreferencesDto>('GET', '/notifications/preferences'),
  setPreference: (kind: PreferenceKind, change: Partial<NotificationPreferenceDto>) =>
    request<NotificationPreferencesDto>('PATCH', '/notifications/preferences', {
      [kind]: change,
    } satisfies NotificationPreferencesPatch),
  vapidKey: () => request<VapidKeyDto>('GET', '/push/vapid_public_key'),
  pushSubscriptions: () => request<List<PushSubscriptionDto>>('GET', '/push/subscriptions'),
  subscribePush: (subscription: PushSubscriptionJSON) =>
    // The browser types toJSON()'s fields loosely (each optional); the server checks them.
    request<PushSubscriptionDto>('POST', '/push/subscriptions', {
      endpoint: subscription.endpoint,
      keys: subscription.keys,
    } as PushSubscriptionBody),
  unsubscribePush: (endpoint: string) =>
    request<OkDto>('DELETE', '/push/subscriptions', {
      endpoint,
    } satisfies PushUnsubscribeBody),
  blocked: (cursor?: string) =>
    request<Page<UserDto>>('GET', '/me/blocks', undefined, { cursor, limit: 50 }),
  unblock: (id: string) => request<unknown>('DELETE', `/users/${e(id)}/block`),
};

/** An error in the person's language: the server's code looked up, else the sentence. */
export function explain(error: unknown, fallback: string): string {
  if (error instanceof ApiError) return errorText({ code: error.code, message: error.message });
  if (error instanceof Error && error.message) return error.message;
  return fallback;
}
