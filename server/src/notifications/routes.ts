import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ListOf,
  NotificationPreferencesDto as PreferencesDto,
  NotificationPreferencesPatch as PreferencesPatch,
  PushSubscriptionBody as SubscribeBody,
  PushSubscriptionDto as SubscriptionDto,
  PushUnsubscribeBody as UnsubscribeBody,
  VapidKeyDto,
} from '@salon/protocol/schemas';
import type { PushSubscriptionsTable } from '../db/schema.js';
import { rateLimits } from '../http/limits.js';
import { Ok } from '../http/responses.js';
import { requireUser } from '../http/viewer.js';
import type { Services } from '../services.js';

const iso = (ms: number) => new Date(ms).toISOString();
const present = (s: PushSubscriptionsTable) => ({
  id: s.id,
  endpoint: s.endpoint,
  created_at: iso(s.created_at),
  last_success_at: s.last_success_at === null ? null : iso(s.last_success_at),
});

/** Web Push subscriptions and notification preferences. */
export function notificationRoutes(
  services: Pick<Services, 'config' | 'notificationPreferences' | 'webPush'>,
): FastifyPluginAsyncTypebox {
  const { webPush, notificationPreferences: preferences } = services;
  const write = rateLimits(services.config).write;
  const push = ['push'];
  const notes = ['notifications'];

  return async (app) => {
    app.get(
      '/push/vapid_public_key',
      {
        schema: {
          tags: push,
          summary: 'The key browsers subscribe with (`applicationServerKey`)',
          response: { 200: VapidKeyDto },
        },
      },
      async () => ({ public_key: webPush.keys.publicKey }),
    );

    app.post(
      '/push/subscriptions',
      {
        ...write,
        schema: {
          tags: push,
          // Alike in shape only: each route declares its own schema (its OpenAPI entry) and handler.
          summary: 'Receive push alerts in this browser (post PushSubscription.toJSON())',
          body: SubscribeBody,
          response: { 201: SubscriptionDto },
        },
      },
      async (request, reply) => {
        const user = requireUser(request);
        const { endpoint, keys } = request.body;
        const row = await webPush.subscribe(user.id, { endpoint, ...keys });
        return reply.status(201).send(present(row));
      },
    );

    app.get(
      '/push/subscriptions',
      {
        schema: {
          tags: push,
          summary: 'Browsers that receive your push alerts',
          response: { 200: ListOf(SubscriptionDto) },
        },
      },
      async (request) => ({ data: (await webPush.list(requireUser(request).id)).map(present) }),
    );

    app.delete(
      '/push/subscriptions',
      {
        ...write,
        schema: {
          tags: push,
          summary: 'Stop push alerts to a browser',
          body: UnsubscribeBody,
          response: { 200: Ok },
        },
      },
      async (request) => {
        await webPush.unsubscribe(requireUser(request).id, request.body.endpoint);
        return { ok: true };
      },
    );

    app.get(
      '/notifications/preferences',
      {
        schema: {
          tags: notes,
          summary: 'Which kinds of notification you get, in the app and as push alerts',
          response: { 200: PreferencesDto },
        },
      },
      async (request) => preferences.get(requireUser(request).id),
    );

    app.patch(
      '/notifications/preferences',
      {
        ...write,
        schema: {
          tags: notes,
          summary: 'Turn kinds of notification on or off, per channel',
          body: PreferencesPatch,
          response: { 200: PreferencesDto },
        },
      },
      async (request) => preferences.update(requireUser(request).id, request.body),
    );
  };
}
