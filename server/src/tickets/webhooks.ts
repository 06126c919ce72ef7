import type { FastifyBaseLogger } from 'fastify';
import type Stripe from 'stripe';
import type { Storage } from '../db/database.js';
import type { TicketsTable } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { JobScheduler } from '../scheduler/jobs.js';
import type { SpaceService } from '../spaces/service.js';
import type { Clock } from '../util/clock.js';
import type { Buying } from './buying.js';
import type { StripeProvider } from './providers/stripe.js';
import type { Refunds } from './refunds.js';

export const REFUND_TICKET_JOB = 'tickets_refund';

export type WebhookOutcome = 'handled' | 'duplicate' | 'ignored';

/**
 * Stripe's webhooks, verified on the raw body with the client's own
 * `constructEvent` (signature and a 5-minute timestamp tolerance), then
 * applied once: each event id goes into `payment_events` in the transaction
 * that applies it, so a redelivery finds its id and changes nothing.
 *
 * Out of order, as Stripe does not promise order:
 * - `checkout.session.completed` grants the ticket; a payment that comes after
 *   its seat was given back takes a free seat or is refunded (buying.ts);
 * - `checkout.session.expired` after `completed` finds the ticket paid and
 *   leaves it; before it, it gives the seat back;
 * - `charge.refunded` (a refund made in Stripe's dashboard) refunds the ticket
 *   in the ledger without calling Stripe again; one that arrives before we
 *   knew of the payment is kept (by its payment intent), and the completion
 *   that follows grants and at once refunds.
 */
export class StripeWebhooks {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly stripe: StripeProvider,
    private readonly buying: Buying,
    private readonly refunds: Refunds,
    private readonly spaces: SpaceService,
    private readonly scheduler: JobScheduler,
    private readonly logger: FastifyBaseLogger,
    /** A ticket was granted (committed). */
    private readonly granted: (ticket: TicketsTable) => void,
  ) {}

  private get db() {
    return this.storage.db;
  }

  async receive(rawBody: Buffer, signature: string | undefined): Promise<WebhookOutcome> {
    let event: Stripe.Event;
    try {
      if (!signature) throw new Error('no signature');
      event = this.stripe.verify(rawBody, signature);
    } catch (error) {
      throw AppError.invalid(
        'invalid_signature',
        'The webhook signature is missing, wrong or too old.',
        { reason: error instanceof Error ? error.message.slice(0, 200) : 'unknown' },
      );
    }
    if (await this.seen(event.id)) return 'duplicate';
    switch (event.type) {
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded':
        return this.completed(event, event.data.object);
      case 'checkout.session.expired':
        return this.expired(event, event.data.object);
      case 'charge.refunded':
        return this.chargeRefunded(event, event.data.object);
      default:
        await this.record(event, null);
        return 'ignored';
    }
  }

  private async completed(
    event: Stripe.Event,
    session: Stripe.Checkout.Session,
  ): Promise<WebhookOutcome> {
    // Delayed payment methods complete the session unpaid; their success event follows.
    if (session.payment_status !== 'paid' && session.payment_status !== 'no_payment_required') {
      await this.record(event, session.id);
      return 'ignored';
    }
    const paymentRef = refOf(session.payment_intent) ?? session.id;
    const ticket = await this.ticketOfSession(session);
    if (!ticket) {
      this.logger.warn({ session: session.id }, 'stripe: a completed session matches no ticket');
      await this.record(event, session.id);
      return 'ignored';
    }
    if (session.amount_total !== null && session.amount_total !== ticket.price_minor) {
      this.logger.error({ session: session.id, ticket: ticket.id }, 'stripe: amount mismatch');
    }
    const space = await this.spaces.get(ticket.space_id, true).catch(() => null);
    const closed = !space || space.state === 'ended' || space.state === 'cancelled';
    const refundedEarlier = await this.db
      .selectFrom('payment_events')
      .select('event_id')
      .where('object_ref', '=', paymentRef)
      .where('type', '=', 'charge.refunded')
      .executeTakeFirst();
    const outcome = await this.db.transaction().execute(async (trx) => {
      const fresh = await trx
        .insertInto('payment_events')
        .values({
          provider: 'stripe',
          event_id: event.id,
          type: event.type,
          object_ref: session.id,
          received_at: this.clock.now(),
        })
        .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
        .executeTakeFirst();
      if (Number(fresh.numInsertedOrUpdatedRows ?? 0) !== 1) return 'duplicate' as const;
      const late = await this.buying.grantPaid(trx, ticket, paymentRef, closed);
      if (late && !refundedEarlier) {
        // Money we cannot keep goes back through Stripe, as a durable job (retried, once).
        await this.scheduler.schedule(
          {
            kind: REFUND_TICKET_JOB,
            key: `tickets:refund:${ticket.checkout_id}`,
            runAt: this.clock.now(),
            payload: { ticket_id: ticket.id, reason: late },
          },
          trx,
        );
      }
      return 'handled' as const;
    });
    if (outcome === 'handled') {
      const now = await this.buying.reload(ticket.id);
      if (now.state === 'paid') this.granted(now);
    }
    if (outcome === 'handled' && refundedEarlier) {
      await this.refunds.refund(ticket.id, 'provider', `stripe_refund_before_${event.id}`);
    }
    this.scheduler.kick();
    return outcome;
  }

  private async expired(
    event: Stripe.Event,
    session: Stripe.Checkout.Session,
  ): Promise<WebhookOutcome> {
    const ticket = await this.ticketOfSession(session);
    if (ticket?.state === 'pending' && ticket.checkout_id === session.id) {
      await this.buying.release(ticket.id);
    }
    await this.record(event, session.id);
    return 'handled';
  }

  private async chargeRefunded(
    event: Stripe.Event,
    charge: Stripe.Charge,
  ): Promise<WebhookOutcome> {
    const paymentRef = refOf(charge.payment_intent);
    // Only a full refund ends a ticket; a partial one is the operator's own business.
    if (!paymentRef || charge.amount_refunded < charge.amount) {
      await this.record(event, paymentRef);
      return 'ignored';
    }
    const ticket = await this.db
      .selectFrom('tickets')
      .selectAll()
      .where('provider', '=', 'stripe')
      .where('payment_ref', '=', paymentRef)
      .executeTakeFirst();
    const refundRef = charge.refunds?.data[0]?.id ?? `${charge.id}_refund`;
    // The refund first, the event after: a failure here is redelivered and retried.
    if (ticket && ticket.state !== 'refunded') {
      await this.refunds.refund(ticket.id, 'provider', refundRef);
    }
    await this.record(event, paymentRef);
    return 'handled';
  }

  private async ticketOfSession(session: Stripe.Checkout.Session): Promise<TicketsTable | null> {
    const bySession = await this.db
      .selectFrom('tickets')
      .selectAll()
      .where('provider', '=', 'stripe')
      .where('checkout_id', '=', session.id)
      .executeTakeFirst();
    if (bySession) return bySession;
    // Our write of the session id may not have happened (a crash right after creating it).
    const id = session.metadata?.['ticket_id'] ?? session.client_reference_id;
    if (!id) return null;
    const ticket = await this.db
      .selectFrom('tickets')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!ticket || ticket.user_id !== session.metadata?.['buyer_id']) return null;
    if (!ticket.checkout_id.startsWith('pending_')) return null;
    await this.db
      .updateTable('tickets')
      .set({ checkout_id: session.id })
      .where('id', '=', ticket.id)
      .where('checkout_id', '=', ticket.checkout_id)
      .execute();
    return { ...ticket, checkout_id: session.id };
  }

  private async seen(eventId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('payment_events')
      .select('event_id')
      .where('provider', '=', 'stripe')
      .where('event_id', '=', eventId)
      .executeTakeFirst();
    return row !== undefined;
  }

  private async record(event: Stripe.Event, objectRef: string | null): Promise<void> {
    await this.db
      .insertInto('payment_events')
      .values({
        provider: 'stripe',
        event_id: event.id,
        type: event.type,
        object_ref: objectRef,
        received_at: this.clock.now(),
      })
      .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
      .execute();
  }
}

function refOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}
