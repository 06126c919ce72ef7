import type { SpaceDto, UserSummaryDto } from '@salon/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Viewer } from '../accounts/viewer.js';
import type { Storage } from '../db/database.js';
import type { UsersTable } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { NotificationCenter } from '../notifications/center.js';
import type { JobScheduler } from '../scheduler/jobs.js';
import type { SocialService } from '../social/service.js';
import type { SpaceState } from '../spaces/model.js';
import { summary } from '../spaces/presenter.js';
import type { SpaceService } from '../spaces/service.js';
import type { Clock } from '../util/clock.js';
import { Buying, type Checkout } from './buying.js';
import { TicketJobs } from './jobs.js';
import { refundNotifier } from './notify.js';
import { presentTicket, type TicketDto } from './presenter.js';
import { StripeProvider } from './providers/stripe.js';
import { TestProvider } from './providers/test.js';
import type { PaymentProvider } from './providers/types.js';
import { Refunds } from './refunds.js';
import type { OfferInput } from './rules.js';
import { SalesReports } from './sales.js';
import { Selling } from './selling.js';
import type { TicketSettings } from './settings.js';
import { type Payout, Settlement } from './settlement.js';
import { StripeWebhooks } from './webhooks.js';

export interface TicketDeps {
  storage: Storage;
  clock: Clock;
  config: { tickets: TicketSettings; publicUrl: string };
  social: SocialService;
  spaces: SpaceService;
  scheduler: JobScheduler;
  notifications: NotificationCenter;
  logger: FastifyBaseLogger;
  /**
   * Told after each committed change of who holds a ticket, and of an offer
   * (the access checks' caches across nodes: tickets/access.ts).
   */
  announce?: TicketAnnouncer;
}

export interface TicketAnnouncer {
  holderChanged(spaceId: string, userId: string, holder: boolean): void;
  offerChanged(spaceId: string): void;
}

/**
 * Ticketed spaces, composed: selling (selling.ts), buying (buying.ts),
 * refunds, settlement and payouts, the jobs that move money when a space
 * does (jobs.ts), Stripe's webhooks, and the reports. The transports call
 * only this.
 */
export class TicketService {
  readonly provider: PaymentProvider;
  readonly selling: Selling;
  readonly buying: Buying;
  readonly refunds: Refunds;
  readonly settlement: Settlement;
  readonly reports: SalesReports;
  readonly jobs: TicketJobs;
  /** Null with the test provider. */
  readonly webhooks: StripeWebhooks | null;

  constructor(private readonly deps: TicketDeps) {
    const { storage, clock, config, social, spaces, scheduler, notifications, logger } = deps;
    const settings = config.tickets;
    const stripe = settings.stripe ? new StripeProvider(settings.stripe) : null;
    const announce = deps.announce;
    const notify = refundNotifier(storage, clock, social, notifications);
    this.provider = stripe ?? new TestProvider();
    this.buying = new Buying(
      storage,
      clock,
      settings,
      social,
      spaces,
      this.provider,
      () => config.publicUrl,
    );
    this.refunds = new Refunds(storage, clock, this.provider, async (ticket) => {
      announce?.holderChanged(ticket.space_id, ticket.user_id, false);
      await notify(ticket);
    });
    this.settlement = new Settlement(storage, clock, settings, this.provider);
    this.reports = new SalesReports(storage, settings);
    this.jobs = new TicketJobs(
      storage,
      clock,
      settings,
      scheduler,
      spaces,
      this.buying,
      this.refunds,
      this.settlement,
      logger,
    );
    this.selling = new Selling(
      storage,
      clock,
      settings,
      social,
      () => this.provider.name,
      async (s) => {
        announce?.offerChanged(s.id);
        await this.jobs.planNoShow(s);
      },
    );
    this.webhooks = stripe
      ? new StripeWebhooks(
          storage,
          clock,
          stripe,
          this.buying,
          this.refunds,
          spaces,
          scheduler,
          logger,
          (ticket) => announce?.holderChanged(ticket.space_id, ticket.user_id, true),
        )
      : null;
  }

  private get db() {
    return this.deps.storage.db;
  }

  // ---- selling ------------------------------------------------------------------

  /** Before a space is created with tickets: may this person sell these? (Throws the refusal.) */
  checkCreate(viewer: Viewer, input: OfferInput): Promise<void> {
    if (viewer.kind !== 'user') throw AppError.unauthenticated();
    return this.selling.checkMayOffer(viewer.user, input);
  }

  /** After it was created: the offer, beside it. */
  offerCreated(space: SpaceState, input: OfferInput): Promise<void> {
    return this.selling.writeOffer(space, input);
  }

  async setOffer(user: UsersTable, spaceId: string, input: OfferInput): Promise<SpaceDto> {
    const space = await this.deps.spaces.get(spaceId, true);
    await this.selling.setOffer(user, space, input);
    return this.deps.spaces.present(space);
  }

  async removeOffer(user: UsersTable, spaceId: string): Promise<SpaceDto> {
    const space = await this.deps.spaces.get(spaceId, true);
    await this.selling.removeOffer(user, space);
    return this.deps.spaces.present(space);
  }

  // ---- buying -------------------------------------------------------------------

  checkout(viewer: Viewer, spaceId: string): Promise<Checkout> {
    return this.buying.checkout(viewer, spaceId);
  }

  async payTest(user: UsersTable, checkoutId: string): Promise<TicketDto> {
    if (this.provider.name !== 'test') throw AppError.notFound('checkout');
    const { ticket, late } = await this.buying.payTest(user, checkoutId);
    if (ticket.state === 'paid') this.deps.announce?.holderChanged(ticket.space_id, user.id, true);
    if (late) {
      // Paid as the space closed: refunded at once (the test provider's refund is the ledger's).
      return this.present(await this.refunds.refund(ticket.id, late));
    }
    return this.present(ticket);
  }

  async cancelTest(user: UsersTable, checkoutId: string): Promise<void> {
    if (this.provider.name !== 'test') throw AppError.notFound('checkout');
    await this.buying.cancelTest(user, checkoutId);
  }

  async mine(viewer: Viewer, spaceId: string): Promise<TicketDto | null> {
    await this.deps.spaces.get(spaceId);
    if (viewer.kind !== 'user') return null;
    const row = await this.buying.ticketOf(spaceId, viewer.user.id);
    return row ? presentTicket(row) : null;
  }

  async myTickets(user: UsersTable): Promise<TicketDto[]> {
    const rows = await this.db
      .selectFrom('tickets')
      .selectAll()
      .where('user_id', '=', user.id)
      .where('state', '!=', 'cancelled')
      .orderBy('created_at', 'desc')
      .limit(200)
      .execute();
    const out: TicketDto[] = [];
    for (const row of rows) {
      const space = await this.deps.spaces
        .get(row.space_id)
        .then((s) => this.deps.spaces.present(s))
        .catch(() => undefined);
      const dto = presentTicket(row, space);
      if (dto) out.push(dto);
    }
    return out;
  }

  // ---- the host's sales, and the admin's -------------------------------------------

  async sales(user: UsersTable) {
    const report = await this.reports.forHost(user.id);
    const spaces = [];
    for (const s of report.spaces) {
      const space = await this.deps.spaces
        .get(s.space_id)
        .then((state) => this.deps.spaces.present(state))
        .catch(() => null);
      if (!space) continue;
      const { space_id: _id, space_state: _state, ...figures } = s;
      spaces.push({ space, ...figures });
    }
    return { ...report, spaces };
  }

  async adminSummary() {
    const report = await this.reports.platform();
    const users = await this.deps.social.usersByIds(report.hosts.map((h) => h.host_id));
    return {
      ...report,
      hosts: report.hosts.map((h) => ({
        host: summary(users.get(h.host_id), h.host_id) as UserSummaryDto,
        payable_minor: h.payable_minor,
      })),
    };
  }

  async payout(hostId: string): Promise<Payout> {
    const host = await this.db
      .selectFrom('users')
      .select('id')
      .where('id', '=', hostId)
      .executeTakeFirst();
    if (!host) throw AppError.notFound('user');
    return this.settlement.payout(hostId);
  }

  /** An admin refunds one buyer (through the provider), whatever the space's state. */
  async adminRefund(ticketId: string): Promise<TicketDto> {
    return this.present(await this.refunds.refund(ticketId, 'admin'));
  }

  private present(row: Parameters<typeof presentTicket>[0]): TicketDto {
    const dto = presentTicket(row);
    if (!dto) throw AppError.conflict('ticket_not_refundable', 'This ticket was never paid.');
    return dto;
  }
}
