import type { Transaction } from 'kysely';
import type { Storage } from '../db/database.js';
import type { Database, NotificationsTable } from '../db/schema.js';
import type { JobScheduler } from '../scheduler/jobs.js';
import { insertNotification, type NotificationInput } from '../social/notifications.js';
import type { SocialService } from '../social/service.js';
import type { Clock } from '../util/clock.js';
import type { NotificationPreferences } from './preferences.js';
import type { WebPush } from './webpush/service.js';

/** A notification to send at most once: its key names it across retries, jobs and nodes. */
export interface Delivery {
  key: string;
  input: NotificationInput;
  /**
   * Something to write with the notification, in its transaction, only when the key is
   * new (an invitation's DM card); what it returns is merged into the notification.
   */
  with?: (trx: Transaction<Database>) => Promise<Partial<NotificationInput>>;
}

/**
 * Writes notifications for the discovery, scheduling and invitation features:
 * honours each person's preferences, writes each keyed notification once, and
 * hands what it wrote to the realtime and Web Push channels.
 *
 * Once: a delivery's key goes into `notification_keys` in the same transaction
 * as the notification (keys inserted with ON CONFLICT DO NOTHING … RETURNING),
 * so a job that runs again after a crash, or on another node, writes nothing
 * new and announces nothing twice. Push jobs are enqueued in that transaction
 * too, so a crash right after it loses no alert.
 */
export class NotificationCenter {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly social: SocialService,
    private readonly preferences: NotificationPreferences,
    private readonly push: WebPush,
    private readonly scheduler: JobScheduler,
  ) {}

  /** Returns the notifications this call wrote (none for keys already used). */
  async deliver(deliveries: readonly Delivery[]): Promise<NotificationsTable[]> {
    const wanted = await this.wanted(deliveries);
    if (wanted.length === 0) return [];
    const now = this.clock.now();
    const rows = await this.storage.db.transaction().execute(async (trx) => {
      // Sorted: two nodes racing on overlapping keys lock them in the same order.
      const keys = [...new Set(wanted.map((d) => d.key))].sort();
      const inserted = await trx
        .insertInto('notification_keys')
        .values(keys.map((key) => ({ key, created_at: now })))
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('key')
        .execute();
      const fresh = new Set(inserted.map((r) => r.key));
      const written: NotificationsTable[] = [];
      for (const delivery of wanted) {
        if (!fresh.delete(delivery.key)) continue;
        const extra = delivery.with ? await delivery.with(trx) : {};
        written.push(await insertNotification(trx, { ...delivery.input, ...extra }, now));
      }
      await this.push.enqueue(trx, written);
      return written;
    });
    for (const row of rows) this.social.emit('notification', row);
    if (rows.length > 0) this.scheduler.kick();
    return rows;
  }

  /** Drops deliveries to people who turned this kind off in the app. */
  private async wanted(deliveries: readonly Delivery[]): Promise<Delivery[]> {
    const out: Delivery[] = [];
    for (const kind of new Set(deliveries.map((d) => d.input.kind))) {
      const ofKind = deliveries.filter((d) => d.input.kind === kind);
      const off = await this.preferences.optedOut(
        ofKind.map((d) => d.input.userId),
        kind,
        'in_app',
      );
      out.push(...ofKind.filter((d) => !off.has(d.input.userId)));
    }
    return out;
  }
}
