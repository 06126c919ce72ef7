import type { FastifyBaseLogger } from 'fastify';
import type { Storage } from '../db/database.js';
import type { UsersTable } from '../db/schema.js';
import type { JobContext, JobScheduler } from '../scheduler/jobs.js';
import { cancelSpace, type SpaceEvent, type SpaceState } from '../spaces/model.js';
import { loadSpace } from '../spaces/repository.js';
import type { SpaceService } from '../spaces/service.js';
import type { Clock } from '../util/clock.js';
import type { Buying } from './buying.js';
import { offerOf } from './holders.js';
import type { RefundReason, Refunds } from './refunds.js';
import { noShowAt } from './rules.js';
import type { TicketSettings } from './settings.js';
import type { Settlement } from './settlement.js';
import { REFUND_TICKET_JOB } from './webhooks.js';

export const SETTLE_JOB = 'tickets_settle';
export const REFUND_SPACE_JOB = 'tickets_refund_space';
export const NO_SHOW_JOB = 'tickets_no_show';

const SWEEP_MS = 10 * 60_000;

/**
 * The money that moves when a space does, as durable jobs in the shared
 * scheduler (exactly once across nodes: scheduler/jobs.ts; effects keyed:
 * ledger.ts, refunds.ts):
 * - a space ends: its tickets settle (`tickets_settle`);
 * - a scheduled space is cancelled: every buyer is refunded (`tickets_refund_space`);
 * - a scheduled ticketed space not started TICKET_NO_SHOW_GRACE_MINUTES after
 *   its time is cancelled and every buyer refunded (`tickets_no_show`, keyed by
 *   the start it was planned for: a reschedule plans a new one, the old finds
 *   the time changed and does nothing);
 * - a holder removed from a space before it started is refunded (the rule:
 *   they never had what they paid for; once the space is live, a removal keeps
 *   the money with the host, as a ban mid-show does; admins can still refund).
 * Jobs are enqueued after each committed change, and sweeps re-derive them
 * from the tables, so a crash between a commit and its enqueue loses nothing.
 */
export class TicketJobs {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly settings: TicketSettings,
    private readonly scheduler: JobScheduler,
    private readonly spaces: SpaceService,
    private readonly buying: Buying,
    private readonly refunds: Refunds,
    private readonly settlement: Settlement,
    private readonly logger: FastifyBaseLogger,
  ) {
    scheduler.handle<{ space_id: string }>(SETTLE_JOB, async ({ payload }) => {
      await this.settlement.settleSpace(payload.space_id);
      return undefined;
    });
    scheduler.handle<{ space_id: string; reason: RefundReason }>(REFUND_SPACE_JOB, (ctx) =>
      this.refundSpace(ctx),
    );
    scheduler.handle<{ ticket_id: string; reason: RefundReason }>(
      REFUND_TICKET_JOB,
      async ({ payload }) => {
        await this.refunds.refund(payload.ticket_id, payload.reason);
        return undefined;
      },
    );
    scheduler.handle<{ space_id: string; start: number }>(NO_SHOW_JOB, (ctx) => this.noShow(ctx));
    scheduler.every('tickets_sweep', SWEEP_MS, (now) => this.sweep(now));
    scheduler.every('tickets_release_holds', 60_000, (now) => this.releaseHolds(now));
    spaces.onCommitted((state, events) => {
      this.committed(state, events).catch((error: unknown) =>
        this.logger.error({ err: error, space: state.id }, 'tickets after a change failed'),
      );
    });
  }

  private get db() {
    return this.storage.db;
  }

  private async committed(state: SpaceState, events: readonly SpaceEvent[]): Promise<void> {
    const relevant = events.some(
      (e) =>
        e.type === 'state_changed' ||
        e.type === 'participant_removed' ||
        e.type === 'space_created' ||
        e.type === 'space_updated',
    );
    if (!relevant) return;
    const offer = await offerOf(this.db, state.id);
    const sold = await this.db
      .selectFrom('tickets')
      .select('id')
      .where('space_id', '=', state.id)
      .where('state', '=', 'paid')
      .limit(1)
      .executeTakeFirst();
    if (!offer && !sold) return;
    for (const event of events) {
      if (event.type === 'state_changed' && event.state === 'ended') {
        await this.enqueue(SETTLE_JOB, `tickets:settle:${state.id}`, { space_id: state.id });
      }
      if (event.type === 'state_changed' && event.state === 'cancelled') {
        await this.enqueue(REFUND_SPACE_JOB, `tickets:refund_space:${state.id}`, {
          space_id: state.id,
          reason: 'cancelled',
        });
      }
      if (
        event.type === 'participant_removed' &&
        event.participant.kind === 'user' &&
        state.state === 'scheduled'
      ) {
        const ticket = await this.buying.ticketOf(state.id, event.participant.id);
        if (ticket?.state === 'paid') {
          await this.enqueue(REFUND_TICKET_JOB, `tickets:refund:${ticket.checkout_id}`, {
            ticket_id: ticket.id,
            reason: 'removed',
          });
        }
      }
    }
    await this.planNoShow(state);
  }

  private async enqueue(kind: string, key: string, payload: unknown): Promise<void> {
    await this.scheduler.schedule({ kind, key, runAt: this.clock.now(), payload });
    this.scheduler.kick();
  }

  /** Plans the no-show refund of a ticketed scheduled space, for its current start (idempotent). */
  async planNoShow(state: SpaceState): Promise<void> {
    if (state.state !== 'scheduled' || state.scheduled_start === null) return;
    if (!(await offerOf(this.db, state.id))) return;
    const start = state.scheduled_start;
    await this.scheduler.schedule({
      kind: NO_SHOW_JOB,
      key: `tickets:no_show:${state.id}:${start}`,
      runAt: noShowAt(start, this.settings.noShowGraceMs),
      payload: { space_id: state.id, start },
    });
  }

  private async refundSpace(
    ctx: JobContext<{ space_id: string; reason: RefundReason }>,
  ): Promise<undefined> {
    await this.refunds.refundSpace(ctx.payload.space_id, ctx.payload.reason, ctx.extendLease);
    return undefined;
  }

  /**
   * The host did not start in time: the space is cancelled (as its host would,
   * through the model, so it is one aggregate and every node hears it), then
   * every buyer refunded. A host who started meanwhile wins the race (the
   * space's version): nothing is refunded.
   */
  private async noShow(ctx: JobContext<{ space_id: string; start: number }>): Promise<undefined> {
    const { space_id, start } = ctx.payload;
    const state = await loadSpace(this.db, space_id);
    if (!state) return;
    if (state.state === 'scheduled') {
      if (state.scheduled_start !== start) return; // rescheduled: another job is planned
      const host = await this.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', state.host_id)
        .executeTakeFirst();
      if (!host) return;
      try {
        await this.spaces.run(asHost(host), space_id, cancelSpace, {});
      } catch (error) {
        const now = await loadSpace(this.db, space_id);
        if (now?.state !== 'cancelled') {
          if (now?.state === 'live' || now?.state === 'ended') return;
          throw error;
        }
      }
    } else if (state.state !== 'cancelled') {
      return; // it started
    }
    await this.refunds.refundSpace(space_id, 'no_show', ctx.extendLease);
    return undefined;
  }

  /** Re-derives what a crash between a commit and its enqueue would have lost. */
  private async sweep(now: number): Promise<void> {
    const paidIn = (state: 'ended' | 'cancelled') =>
      this.db
        .selectFrom('tickets')
        .innerJoin('spaces', 'spaces.id', 'tickets.space_id')
        .select('tickets.space_id')
        .distinct()
        .where('tickets.state', '=', 'paid')
        .where('spaces.state', '=', state)
        .execute();
    for (const { space_id } of await paidIn('ended')) {
      const unsettled = await this.db
        .selectFrom('tickets')
        .leftJoin('ledger_transactions', (join) =>
          join
            .onRef('ledger_transactions.ticket_id', '=', 'tickets.id')
            .on('ledger_transactions.kind', '=', 'settlement'),
        )
        .select('tickets.id')
        .where('tickets.space_id', '=', space_id)
        .where('tickets.state', '=', 'paid')
        .where('ledger_transactions.id', 'is', null)
        .limit(1)
        .executeTakeFirst();
      if (unsettled) {
        // A new key: the first job may be done while a late sale still waits.
        await this.scheduler.schedule({
          kind: SETTLE_JOB,
          key: `tickets:settle:${space_id}:${Math.floor(now / SWEEP_MS)}`,
          runAt: now,
          payload: { space_id },
        });
      }
    }
    for (const { space_id } of await paidIn('cancelled')) {
      await this.scheduler.schedule({
        kind: REFUND_SPACE_JOB,
        key: `tickets:refund_space:${space_id}:${Math.floor(now / SWEEP_MS)}`,
        runAt: now,
        payload: { space_id, reason: 'cancelled' },
      });
    }
    const upcoming = await this.db
      .selectFrom('spaces')
      .innerJoin('ticket_offers', 'ticket_offers.space_id', 'spaces.id')
      .select('spaces.id')
      .where('spaces.state', '=', 'scheduled')
      .execute();
    for (const { id } of upcoming) {
      const state = await loadSpace(this.db, id);
      if (state) await this.planNoShow(state);
    }
  }

  private async releaseHolds(now: number): Promise<void> {
    const spaces = await this.db
      .selectFrom('tickets')
      .select('space_id')
      .distinct()
      .where('state', '=', 'pending')
      .where('hold_until', '<=', now)
      .execute();
    for (const { space_id } of spaces) {
      await this.db.transaction().execute((trx) => this.buying.releaseExpired(trx, space_id, now));
    }
  }
}

/** The space's own host, as the model sees them, for the no-show cancellation. */
function asHost(user: UsersTable) {
  return { kind: 'user' as const, user, sessionId: 'tickets:no_show' };
}
