import type { FastifyBaseLogger } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import webPush from 'web-push';
import { presentUser } from '../../accounts/presenter.js';
import type { Storage } from '../../db/database.js';
import type { Database, NotificationsTable, PushSubscriptionsTable } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { JobContext, JobScheduler } from '../../scheduler/jobs.js';
import type { SocialService } from '../../social/service.js';
import type { Clock } from '../../util/clock.js';
import { newId } from '../../util/ids.js';
import { alertFor } from '../messages.js';
import type { NotificationPreferences } from '../preferences.js';
import { checkEndpoint } from './endpoints.js';
import { decodeSubscriptionKeys, InvalidSubscriptionKeys } from './subscription-keys.js';
import type { VapidKeys } from './vapid.js';

export const WEB_PUSH_JOB = 'web_push';
/** How long a push service keeps an undelivered message (seconds). */
const TTL_S = 6 * 3600;
const MAX_SUBSCRIPTIONS_PER_USER = 20;

type Db = Kysely<Database> | Transaction<Database>;

export interface WebPushOptions {
  /** The VAPID `sub` claim: a mailto: or https: contact for push services. */
  subject: string;
  publicUrl: () => string;
  allowLocalEndpoints: boolean;
  timeoutMs?: number;
}

export interface SubscriptionInput {
  endpoint: string;
  p256dh: string;
  auth: string;
}

interface PushJob {
  notification_id: string;
  subscription_id: string;
}

export class PushRejected extends Error {
  override readonly name = 'PushRejected';
}

/**
 * Web Push: browsers subscribe with the server's VAPID key; each committed
 * notification becomes one durable job per subscription (key
 * `push:<notification>:<subscription>`, so never two), and the job encrypts
 * the alert for that browser and posts it. Subscriptions the push service
 * says are gone (404, 410) are deleted.
 */
export class WebPush {
  /** Notifications whose push jobs were enqueued in their own transaction. */
  private readonly enqueued = new WeakSet<NotificationsTable>();

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly scheduler: JobScheduler,
    private readonly preferences: NotificationPreferences,
    private readonly social: SocialService,
    readonly keys: VapidKeys,
    private readonly options: WebPushOptions,
    private readonly logger: FastifyBaseLogger,
  ) {
    scheduler.handle<PushJob>(WEB_PUSH_JOB, (ctx) => this.deliver(ctx));
    // Notifications written elsewhere (follows, messages) get their pushes here.
    social.on('notification', (row) => {
      if (this.enqueued.has(row)) return;
      this.enqueue(this.storage.db, [row])
        .then(() => this.scheduler.kick())
        .catch((error: unknown) => this.logger.error({ err: error }, 'enqueueing a push failed'));
    });
  }

  private get db() {
    return this.storage.db;
  }

  async subscribe(userId: string, input: SubscriptionInput): Promise<PushSubscriptionsTable> {
    checkEndpoint(input.endpoint, this.options.allowLocalEndpoints);
    try {
      decodeSubscriptionKeys(input.p256dh, input.auth);
    } catch (error) {
      if (error instanceof InvalidSubscriptionKeys) {
        throw AppError.invalid('invalid_subscription_keys', `${error.message}.`);
      }
      throw error;
    }
    const now = this.clock.now();
    const row: PushSubscriptionsTable = {
      id: newId(now),
      user_id: userId,
      endpoint: input.endpoint,
      p256dh: input.p256dh,
      auth: input.auth,
      created_at: now,
      last_success_at: null,
    };
    const count = await this.db
      .selectFrom('push_subscriptions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where('endpoint', '!=', input.endpoint)
      .executeTakeFirst();
    if (Number(count?.n ?? 0) >= MAX_SUBSCRIPTIONS_PER_USER) {
      throw AppError.conflict(
        'too_many_subscriptions',
        `At most ${MAX_SUBSCRIPTIONS_PER_USER} browsers can receive push alerts; unsubscribe one first.`,
      );
    }
    // A browser has one subscription; if another account used it before, it moves here.
    await this.db
      .insertInto('push_subscriptions')
      .values(row)
      .onConflict((oc) =>
        oc.column('endpoint').doUpdateSet({
          user_id: userId,
          p256dh: input.p256dh,
          auth: input.auth,
          created_at: now,
        }),
      )
      .execute();
    return this.db
      .selectFrom('push_subscriptions')
      .selectAll()
      .where('endpoint', '=', input.endpoint)
      .executeTakeFirstOrThrow();
  }

  async unsubscribe(userId: string, endpoint: string): Promise<void> {
    const result = await this.db
      .deleteFrom('push_subscriptions')
      .where('user_id', '=', userId)
      .where('endpoint', '=', endpoint)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw AppError.notFound('subscription');
  }

  list(userId: string): Promise<PushSubscriptionsTable[]> {
    return this.db
      .selectFrom('push_subscriptions')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('id', 'desc')
      .execute();
  }

  /**
   * One push job per (notification, subscription) of people who did not turn push off
   * for that kind. Runs inside the notification's transaction when given one.
   */
  async enqueue(db: Db, rows: readonly NotificationsTable[]): Promise<void> {
    if (rows.length === 0) return;
    for (const row of rows) this.enqueued.add(row);
    const subscriptions = await db
      .selectFrom('push_subscriptions')
      .select(['id', 'user_id'])
      .where('user_id', 'in', [...new Set(rows.map((r) => r.user_id))])
      .execute();
    if (subscriptions.length === 0) return;
    const byUser = new Map<string, string[]>();
    for (const s of subscriptions) byUser.set(s.user_id, [...(byUser.get(s.user_id) ?? []), s.id]);
    const now = this.clock.now();
    for (const kind of new Set(rows.map((r) => r.kind))) {
      const ofKind = rows.filter((r) => r.kind === kind && byUser.has(r.user_id));
      const off = await this.preferences.optedOut(
        ofKind.map((r) => r.user_id),
        kind,
        'push',
        db,
      );
      for (const row of ofKind) {
        if (off.has(row.user_id)) continue;
        for (const subscriptionId of byUser.get(row.user_id) ?? []) {
          await this.scheduler.schedule(
            {
              kind: WEB_PUSH_JOB,
              key: `push:${row.id}:${subscriptionId}`,
              runAt: now,
              payload: { notification_id: row.id, subscription_id: subscriptionId },
            },
            db,
          );
        }
      }
    }
  }

  private async deliver({ payload }: JobContext<PushJob>): Promise<undefined> {
    const [notification, subscription] = await Promise.all([
      this.db
        .selectFrom('notifications')
        .selectAll()
        .where('id', '=', payload.notification_id)
        .executeTakeFirst(),
      this.db
        .selectFrom('push_subscriptions')
        .selectAll()
        .where('id', '=', payload.subscription_id)
        .executeTakeFirst(),
    ]);
    // Gone meanwhile, or the browser now belongs to someone else: nothing to send.
    if (!notification || !subscription || subscription.user_id !== notification.user_id) return;
    const body = await this.render(notification);
    const status = await this.post(subscription, body, notification.id);
    if (status === 404 || status === 410) {
      await this.db.deleteFrom('push_subscriptions').where('id', '=', subscription.id).execute();
      return;
    }
    if (status === 429 || status >= 500) throw new Error(`push service answered ${status}`);
    if (status >= 400) {
      this.logger.warn({ status, origin: new URL(subscription.endpoint).origin }, 'push refused');
      return;
    }
    await this.db
      .updateTable('push_subscriptions')
      .set({ last_success_at: this.clock.now() })
      .where('id', '=', subscription.id)
      .execute();
  }

  private async render(n: NotificationsTable): Promise<Buffer> {
    const [actors, space] = await Promise.all([
      this.social.usersByIds(n.actor_id ? [n.actor_id] : []),
      n.space_id
        ? this.db
            .selectFrom('spaces')
            .select('title')
            .where('id', '=', n.space_id)
            .executeTakeFirst()
        : Promise.resolve(undefined),
    ]);
    const actor = n.actor_id ? actors.get(n.actor_id) : undefined;
    const alert = alertFor(n, {
      actor,
      spaceTitle: space?.title ?? null,
      publicUrl: this.options.publicUrl(),
    });
    const message = {
      ...alert,
      notification: {
        id: n.id,
        kind: n.kind,
        actor: actor ? presentUser(actor) : null,
        space_id: n.space_id,
        message_id: n.message_id,
        post_id: n.post_id,
        created_at: new Date(n.created_at).toISOString(),
      },
    };
    let json = JSON.stringify(message);
    // Far below the 3993-byte limit in practice; a long bio must not make it fail.
    if (Buffer.byteLength(json) > 3000) json = JSON.stringify({ ...alert, id: n.id, kind: n.kind });
    return Buffer.from(json);
  }

  private async post(
    subscription: PushSubscriptionsTable,
    payload: Buffer,
    topic: string,
  ): Promise<number> {
    // web-push encrypts (aes128gcm) and signs; the request itself is ours, for the
    // timeout, no redirects, and http endpoints in tests (its own sender is https only).
    const request = webPush.generateRequestDetails(
      {
        endpoint: subscription.endpoint,
        keys: { p256dh: subscription.p256dh, auth: subscription.auth },
      },
      payload,
      {
        vapidDetails: this.keys.details(this.options.subject),
        TTL: TTL_S,
        urgency: 'normal',
        // A push service replaces an undelivered message with the same topic: a retry
        // after a lost answer does not show twice.
        topic,
      },
    );
    // fetch sets the length itself.
    const { 'Content-Length': _length, ...headers } = request.headers as Record<string, string>;
    const response = await fetch(request.endpoint, {
      method: request.method,
      redirect: 'manual',
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      headers,
      body: request.body,
    });
    await response.arrayBuffer().catch(() => undefined);
    return response.status;
  }
}
