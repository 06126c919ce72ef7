import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { Viewer } from '../accounts/viewer.js';
import type { Storage } from '../db/database.js';
import { AppError } from '../errors.js';
import type { Delivery, NotificationCenter } from '../notifications/center.js';
import type { SpaceEvent, SpaceState } from '../spaces/model.js';
import { loadSpace, parseSpaceRow } from '../spaces/repository.js';
import type { SpaceService } from '../spaces/service.js';
import type { Clock } from '../util/clock.js';
import type { JobContext, JobScheduler } from './jobs.js';
import { rescheduleSpace } from './reschedule.js';

export const HOST_REMINDER_JOB = 'space_host_reminder';
export const SPACE_LIVE_JOB = 'space_live';
/** The host hears about their scheduled space this long before it. */
export const SOON_MS = 30 * 60 * 1000;
/** A space that went live this recently is still announced if its job went missing. */
const ANNOUNCE_WINDOW_MS = 3600 * 1000;
const PAGE = 500;

interface HostReminder {
  space_id: string;
  /** The scheduled start this reminder was planned for; a reschedule makes it stale. */
  start: number;
  when: 'soon' | 'now';
}

/**
 * Scheduled spaces: reminders people set, rescheduling, and the
 * notifications of a schedule, all as durable jobs —
 * - the host, 30 minutes before the scheduled time and at that time;
 * - when the space goes live: everyone with a reminder, and the host's
 *   followers (one notification each, the reminder winning).
 *
 * Jobs are enqueued after each committed change (`onCommitted`), and sweeps
 * re-derive them from the spaces table, so a crash between a commit and its
 * enqueue loses nothing. Handlers read the space afresh and do nothing when
 * it has moved on (rescheduled, started early, cancelled).
 */
export class SpaceSchedule {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly scheduler: JobScheduler,
    private readonly spaces: SpaceService,
    private readonly center: NotificationCenter,
    private readonly logger: FastifyBaseLogger,
  ) {
    scheduler.handle<HostReminder>(HOST_REMINDER_JOB, (ctx) => this.remindHost(ctx));
    scheduler.handle<{ space_id: string }>(SPACE_LIVE_JOB, (ctx) => this.announceLive(ctx));
    scheduler.every('plan_host_reminders', 10 * 60 * 1000, (now) => this.planUpcoming(now));
    scheduler.every('announce_live_spaces', 5 * 60 * 1000, (now) => this.announceRecent(now));
    spaces.onCommitted((state, events) => {
      this.committed(state, events).catch((error: unknown) =>
        this.logger.error({ err: error, space: state.id }, 'scheduling after a change failed'),
      );
    });
  }

  private get db() {
    return this.storage.db;
  }

  // ---- reminders ------------------------------------------------------------

  async setReminder(viewer: Viewer, spaceId: string): Promise<void> {
    const state = await this.spaces.get(spaceId);
    const actor = await this.spaces.actorFor(viewer, state);
    if (actor.kind !== 'user') {
      throw actor.kind === 'guest'
        ? AppError.forbidden('guest_not_allowed', 'Create an account to set reminders.')
        : AppError.unauthenticated();
    }
    if (state.removed_user_ids.includes(actor.userId)) {
      throw AppError.forbidden('removed_from_space', 'You were removed from this space.');
    }
    if (actor.blockedByHost) {
      throw AppError.forbidden('blocked_by_host', 'The host of this space has blocked you.');
    }
    if (state.state !== 'scheduled') {
      throw AppError.conflict(
        'space_not_scheduled',
        `This space is ${state.state}, not scheduled.`,
      );
    }
    await this.db
      .insertInto('space_reminders')
      .values({ space_id: spaceId, user_id: actor.userId, created_at: this.clock.now() })
      .onConflict((oc) => oc.columns(['space_id', 'user_id']).doNothing())
      .execute();
  }

  async removeReminder(userId: string, spaceId: string): Promise<void> {
    await this.spaces.get(spaceId);
    await this.db
      .deleteFrom('space_reminders')
      .where('space_id', '=', spaceId)
      .where('user_id', '=', userId)
      .execute();
  }

  async reminderCounts(spaceIds: readonly string[]): Promise<Map<string, number>> {
    if (spaceIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('space_reminders')
      .select(['space_id', sql<number>`count(*)`.as('n')])
      .where('space_id', 'in', [...new Set(spaceIds)])
      .groupBy('space_id')
      .execute();
    return new Map(rows.map((r) => [r.space_id, Number(r.n)]));
  }

  async remindedBy(userId: string | null, spaceIds: readonly string[]): Promise<Set<string>> {
    if (!userId || spaceIds.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('space_reminders')
      .select('space_id')
      .where('user_id', '=', userId)
      .where('space_id', 'in', [...new Set(spaceIds)])
      .execute();
    return new Set(rows.map((r) => r.space_id));
  }

  // ---- rescheduling -----------------------------------------------------------

  async reschedule(viewer: Viewer, spaceId: string, start: number): Promise<SpaceState> {
    const state = await this.spaces.run(viewer, spaceId, rescheduleSpace, {
      scheduled_start: start,
    });
    await this.planHostReminders(state);
    return state;
  }

  // ---- jobs ------------------------------------------------------------------

  private async committed(state: SpaceState, events: readonly SpaceEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'space_created' && state.state === 'scheduled') {
        await this.planHostReminders(state);
      }
      const wentLive =
        (event.type === 'space_created' && state.state === 'live') ||
        (event.type === 'state_changed' && event.state === 'live');
      if (wentLive) {
        await this.scheduler.schedule({
          kind: SPACE_LIVE_JOB,
          key: `space:${state.id}:live`,
          runAt: this.clock.now(),
          payload: { space_id: state.id },
        });
        this.scheduler.kick();
      }
      if (event.type === 'state_changed' && event.state !== 'live') {
        await this.scheduler.cancel(`space:${state.id}:host_`);
      }
      if (event.type === 'invitation_added') {
        const { user_id, role, invited_by } = event.invitation;
        await this.center.deliver([
          {
            key: `invitation:${state.id}:${user_id}:${event.version}`,
            input: {
              userId: user_id,
              kind: role === 'cohost' ? 'cohost_invite' : 'speaker_invite',
              actorId: invited_by,
              spaceId: state.id,
            },
          },
        ]);
      }
    }
  }

  /** Enqueues the host's two reminders for the space's current start time (idempotent). */
  async planHostReminders(state: SpaceState): Promise<void> {
    const start = state.scheduled_start;
    if (state.state !== 'scheduled' || start === null) return;
    const now = this.clock.now();
    const plan: Array<[HostReminder['when'], number]> = [
      ['soon', start - SOON_MS],
      ['now', start],
    ];
    for (const [when, runAt] of plan) {
      // Scheduled less than 30 minutes ahead: "in 30 minutes" would be wrong already.
      if (when === 'soon' && runAt <= now) continue;
      await this.scheduler.schedule({
        kind: HOST_REMINDER_JOB,
        key: `space:${state.id}:host_${when}:${start}`,
        runAt,
        payload: { space_id: state.id, start, when } satisfies HostReminder,
      });
    }
  }

  private async remindHost({ payload, now }: JobContext<HostReminder>): Promise<undefined> {
    const state = await loadSpace(this.db, payload.space_id);
    if (state?.state !== 'scheduled' || state.scheduled_start !== payload.start) return;
    // Caught up after downtime past the start: the "now" reminder says it all.
    if (payload.when === 'soon' && now >= payload.start) return;
    await this.center.deliver([
      {
        key: `host_${payload.when}:${state.id}:${payload.start}`,
        input: {
          userId: state.host_id,
          kind: payload.when === 'soon' ? 'space_starting_soon' : 'space_start_time',
          spaceId: state.id,
        },
      },
    ]);
  }

  /**
   * Reminder holders first (`space_reminder`), then the host's followers
   * (`space_started`), page by page. Both use the key `live:<space>:<user>`, so
   * someone who follows the host and set a reminder hears once, and a run that
   * resumes after a crash skips everyone already told.
   */
  private async announceLive(ctx: JobContext<{ space_id: string }>): Promise<undefined> {
    const state = await loadSpace(this.db, ctx.payload.space_id);
    if (state?.state !== 'live') return;
    // Two keyset pages over different tables and columns: alike in shape, each its own query.
    const sources = [
      {
        kind: 'space_reminder' as const,
        page: (after: string) =>
          this.db
            .selectFrom('space_reminders')
            .select('user_id')
            .where('space_id', '=', state.id)
            .where('user_id', '>', after)
            .orderBy('user_id')
            .limit(PAGE)
            .execute()
            .then((rows) => rows.map((r) => r.user_id)),
      },
      {
        kind: 'space_started' as const,
        page: (after: string) =>
          this.db
            .selectFrom('follows')
            .select('follower_id')
            .where('followee_id', '=', state.host_id)
            .where('follower_id', '>', after)
            .orderBy('follower_id')
            .limit(PAGE)
            .execute()
            .then((rows) => rows.map((r) => r.follower_id)),
      },
    ];
    for (const source of sources) {
      let after = '';
      for (;;) {
        const userIds = await source.page(after);
        if (userIds.length === 0) break;
        after = userIds[userIds.length - 1]!;
        const blocked = await this.blockedWithHost(state.host_id, userIds);
        const deliveries: Delivery[] = userIds
          .filter(
            (id) =>
              id !== state.host_id && !blocked.has(id) && !state.removed_user_ids.includes(id),
          )
          .map((userId) => ({
            key: `live:${state.id}:${userId}`,
            input: { userId, kind: source.kind, actorId: state.host_id, spaceId: state.id },
          }));
        await this.center.deliver(deliveries);
        if (!(await ctx.extendLease())) throw new Error('lost the lease; another node resumes');
        if (userIds.length < PAGE) break;
      }
    }
  }

  private async blockedWithHost(hostId: string, userIds: string[]): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('blocks')
      .select(['blocker_id', 'blocked_id'])
      .where((eb) =>
        eb.or([
          eb.and([eb('blocker_id', '=', hostId), eb('blocked_id', 'in', userIds)]),
          eb.and([eb('blocked_id', '=', hostId), eb('blocker_id', 'in', userIds)]),
        ]),
      )
      .execute();
    return new Set(rows.map((r) => (r.blocker_id === hostId ? r.blocked_id : r.blocker_id)));
  }

  // ---- sweeps --------------------------------------------------------------

  /** Spaces starting within the next hour have their host reminders enqueued. */
  private async planUpcoming(now: number): Promise<void> {
    const rows = await this.db
      .selectFrom('spaces')
      .select('data')
      .where('state', '=', 'scheduled')
      .where('scheduled_start', '<=', now + 2 * SOON_MS)
      .execute();
    for (const row of rows) await this.planHostReminders(parseSpaceRow(row));
  }

  /** Spaces that went live recently are announced, if their job never made it. */
  private async announceRecent(now: number): Promise<void> {
    const rows = await this.db
      .selectFrom('spaces')
      .select('id')
      .where('state', '=', 'live')
      .where('started_at', '>=', now - ANNOUNCE_WINDOW_MS)
      .execute();
    for (const { id } of rows) {
      await this.scheduler.schedule({
        kind: SPACE_LIVE_JOB,
        key: `space:${id}:live`,
        runAt: now,
        payload: { space_id: id },
      });
    }
  }
}
