import type { Transaction } from 'kysely';
import { isUniqueViolation } from '../accounts/service.js';
import type { Viewer } from '../accounts/viewer.js';
import type { Storage } from '../db/database.js';
import type { Database, TicketsTable, UsersTable } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { SocialService } from '../social/service.js';
import type { SpaceService } from '../spaces/service.js';
import type { Clock } from '../util/clock.js';
import { newId } from '../util/ids.js';
import { offerOf } from './holders.js';
import { post, purchaseEntries } from './ledger.js';
import type { PaymentProvider } from './providers/types.js';
import type { TicketSettings } from './settings.js';

export type Checkout = { provider: 'test'; id: string } | { provider: 'stripe'; url: string };

/** Why a paid ticket has to be refunded at once (a payment that arrived too late). */
export type LateRefund = 'space_ended' | 'sold_out' | null;

/**
 * The buyer's side. Exactly `count` under races: a checkout reserves its seat
 * with one conditional update, `held = held + 1 WHERE sold + held < count`,
 * inside the transaction that writes the pending ticket. PostgreSQL re-checks
 * the condition on the row after a concurrent writer commits (READ COMMITTED
 * re-evaluates an UPDATE's WHERE on the newest version), SQLite runs one
 * writer at a time: either way the n+1th reservation matches no row and is
 * `sold_out`. Paying turns a held seat into a sold one; a checkout abandoned or
 * past its hold gives its seat back. One ticket per person and space is the
 * table's UNIQUE (space_id, user_id).
 */
export class Buying {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly settings: TicketSettings,
    private readonly social: SocialService,
    private readonly spaces: SpaceService,
    private readonly provider: PaymentProvider,
    private readonly publicUrl: () => string,
  ) {}

  private get db() {
    return this.storage.db;
  }

  async checkout(viewer: Viewer, spaceId: string): Promise<Checkout> {
    if (viewer.kind !== 'user') {
      throw new AppError(
        'unauthenticated',
        'account_required',
        'Create an account or sign in to buy a ticket.',
      );
    }
    const user = viewer.user;
    const space = await this.spaces.get(spaceId, true);
    const offer = await offerOf(this.db, spaceId);
    if (!offer) throw AppError.invalid('space_not_ticketed', 'This space does not sell tickets.');
    if (space.host_id === user.id) {
      throw AppError.invalid('own_space', 'You host this space: you do not need a ticket.');
    }
    if (space.state === 'ended' || space.state === 'cancelled') {
      throw AppError.conflict('space_ended', `This space has ${space.state}.`);
    }
    if (space.removed_user_ids.includes(user.id)) {
      throw AppError.forbidden('removed_from_space', 'You were removed from this space.');
    }
    if (await this.social.hasBlocked(space.host_id, user.id)) {
      throw AppError.forbidden('blocked_by_host', 'The host of this space has blocked you.');
    }
    const now = this.clock.now();
    const existing = await this.ticketOf(spaceId, user.id);
    if (existing?.state === 'paid') {
      throw AppError.conflict('already_has_ticket', 'You already have a ticket to this space.');
    }
    if (existing?.state === 'pending' && (existing.hold_until ?? 0) > now) {
      const again = await this.resume(existing);
      if (again) return again;
    }
    const holdMs = this.provider.holdMs(this.settings.holdMs);
    const ticketId = existing?.id ?? newId(now);
    // The test provider's checkout id is final; Stripe's is known once its session exists.
    const checkoutId = this.provider.name === 'test' ? newId(now) : `pending_${newId(now)}`;
    try {
      await this.db.transaction().execute(async (trx) => {
        await this.releaseExpired(trx, spaceId, now);
        const reserved = await trx
          .updateTable('ticket_offers')
          .set((eb) => ({ held: eb('held', '+', 1), updated_at: now }))
          .where('space_id', '=', spaceId)
          .where((eb) => eb(eb('sold', '+', eb.ref('held')), '<', eb.ref('count')))
          .executeTakeFirst();
        if (Number(reserved.numUpdatedRows) !== 1) {
          throw AppError.conflict('sold_out', 'Every ticket to this space is sold.');
        }
        const fields = {
          state: 'pending' as const,
          price_minor: offer.priceMinor,
          currency: offer.currency,
          provider: this.provider.name,
          checkout_id: checkoutId,
          payment_ref: null,
          refund_ref: null,
          created_at: now,
          hold_until: now + holdMs,
          paid_at: null,
          refunded_at: null,
          refund_reason: null,
        };
        if (existing) {
          // A ticket abandoned or refunded before: the same row starts over.
          const reused = await trx
            .updateTable('tickets')
            .set(fields)
            .where('id', '=', ticketId)
            .where('state', 'in', ['cancelled', 'refunded'])
            .executeTakeFirst();
          if (Number(reused.numUpdatedRows) !== 1) throw alreadyBuying();
        } else {
          await trx
            .insertInto('tickets')
            .values({
              id: ticketId,
              space_id: spaceId,
              user_id: user.id,
              host_id: space.host_id,
              ...fields,
            })
            .execute();
        }
      });
    } catch (error) {
      // The same person twice at once: the second insert meets the UNIQUE (space, person).
      if (isUniqueViolation(error)) throw alreadyBuying();
      throw error;
    }
    if (this.provider.name === 'test') return { provider: 'test', id: checkoutId };
    try {
      const session = await this.provider.createCheckout({
        ticketId,
        spaceId,
        buyerId: user.id,
        title: space.title,
        priceMinor: offer.priceMinor,
        currency: offer.currency,
        successUrl: `${this.publicUrl()}/spaces/${spaceId}?ticket=done`,
        cancelUrl: `${this.publicUrl()}/spaces/${spaceId}`,
        expiresAt: now + holdMs - 60_000,
        idempotencyKey: `checkout:${ticketId}:${checkoutId}`,
      });
      await this.db
        .updateTable('tickets')
        .set({ checkout_id: session.checkoutId })
        .where('id', '=', ticketId)
        .where('checkout_id', '=', checkoutId)
        .execute();
      if (!session.url) throw new Error('Stripe answered a session without a URL');
      return { provider: 'stripe', url: session.url };
    } catch (error) {
      await this.release(ticketId);
      throw error;
    }
  }

  /** A buyer asking again while their checkout still holds a seat gets that checkout. */
  private async resume(ticket: TicketsTable): Promise<Checkout | null> {
    if (ticket.provider === 'test' && this.provider.name === 'test') {
      return { provider: 'test', id: ticket.checkout_id };
    }
    if (ticket.provider === 'stripe' && this.provider.name === 'stripe') {
      const url = ticket.checkout_id.startsWith('pending_')
        ? null
        : await this.provider.checkoutUrl(ticket.checkout_id);
      if (url) return { provider: 'stripe', url };
    }
    await this.release(ticket.id);
    return null;
  }

  /** The test provider's "pay": the buyer confirms; no money moves. */
  async payTest(
    user: UsersTable,
    checkoutId: string,
  ): Promise<{ ticket: TicketsTable; late: LateRefund }> {
    const ticket = await this.ownTestCheckout(user, checkoutId);
    if (ticket.state === 'paid') return { ticket, late: null };
    const now = this.clock.now();
    if (ticket.state !== 'pending' || (ticket.hold_until ?? 0) <= now) {
      await this.release(ticket.id);
      throw AppError.conflict('checkout_expired', 'This checkout has expired; buy again.');
    }
    const space = await this.spaces.get(ticket.space_id, true);
    if (space.state === 'ended' || space.state === 'cancelled') {
      await this.release(ticket.id);
      throw AppError.conflict('space_ended', `This space has ${space.state}.`);
    }
    const late = await this.db
      .transaction()
      .execute((trx) => this.grantPaid(trx, ticket, `test_payment_${checkoutId}`, false));
    return { ticket: await this.reload(ticket.id), late };
  }

  async cancelTest(user: UsersTable, checkoutId: string): Promise<void> {
    const ticket = await this.ownTestCheckout(user, checkoutId);
    if (ticket.state === 'paid') {
      throw AppError.conflict(
        'already_has_ticket',
        'This checkout is paid; it cannot be abandoned.',
      );
    }
    await this.release(ticket.id);
  }

  private async ownTestCheckout(user: UsersTable, checkoutId: string): Promise<TicketsTable> {
    const ticket = await this.db
      .selectFrom('tickets')
      .selectAll()
      .where('provider', '=', 'test')
      .where('checkout_id', '=', checkoutId)
      .executeTakeFirst();
    // Someone else's checkout is not found either: its id tells nothing.
    if (!ticket || ticket.user_id !== user.id) throw AppError.notFound('checkout');
    return ticket;
  }

  /**
   * The payment happened (the test provider's pay, or Stripe's verified
   * webhook): the ticket is paid and the purchase is in the ledger, in the
   * caller's transaction. A payment that arrives after its seat was given back
   * takes a free seat if there is one; without one, or for a space that has
   * ended, the money is recorded and must go back (`late`), never lost.
   */
  async grantPaid(
    trx: Transaction<Database>,
    ticket: TicketsTable,
    paymentRef: string,
    spaceClosed: boolean,
  ): Promise<LateRefund> {
    const now = this.clock.now();
    const paid = {
      state: 'paid' as const,
      paid_at: now,
      hold_until: null,
      payment_ref: paymentRef,
    };
    const fromHold = await trx
      .updateTable('tickets')
      .set(paid)
      .where('id', '=', ticket.id)
      .where('state', '=', 'pending')
      .where('checkout_id', '=', ticket.checkout_id)
      .executeTakeFirst();
    let late: LateRefund = null;
    if (Number(fromHold.numUpdatedRows) === 1) {
      await trx
        .updateTable('ticket_offers')
        .set((eb) => ({ held: eb('held', '-', 1), sold: eb('sold', '+', 1), updated_at: now }))
        .where('space_id', '=', ticket.space_id)
        .execute();
    } else {
      const current = await trx
        .selectFrom('tickets')
        .selectAll()
        .where('id', '=', ticket.id)
        .executeTakeFirstOrThrow();
      if (current.checkout_id !== ticket.checkout_id || current.state !== 'cancelled') {
        return null; // already paid (a duplicate), or a newer checkout replaced this one
      }
      const seat = spaceClosed
        ? null
        : await trx
            .updateTable('ticket_offers')
            .set((eb) => ({ sold: eb('sold', '+', 1), updated_at: now }))
            .where('space_id', '=', ticket.space_id)
            .where((eb) => eb(eb('sold', '+', eb.ref('held')), '<', eb.ref('count')))
            .executeTakeFirst();
      if (seat && Number(seat.numUpdatedRows) === 1) {
        await trx.updateTable('tickets').set(paid).where('id', '=', ticket.id).execute();
      } else {
        // Stays cancelled (it holds no seat) with the payment on record, to be refunded.
        await trx
          .updateTable('tickets')
          .set({ payment_ref: paymentRef })
          .where('id', '=', ticket.id)
          .execute();
        late = spaceClosed ? 'space_ended' : 'sold_out';
      }
    }
    await post(
      trx,
      {
        // Alike the refund's posting (refunds.ts) in shape: the entries and their signs differ.
        key: `purchase:${ticket.checkout_id}`,
        kind: 'purchase',
        currency: ticket.currency,
        spaceId: ticket.space_id,
        ticketId: ticket.id,
        hostId: ticket.host_id,
        externalRef: paymentRef,
        entries: purchaseEntries(ticket.user_id, ticket.space_id, ticket.price_minor),
      },
      now,
    );
    if (spaceClosed && late === null) late = 'space_ended';
    return late;
  }

  /** Gives a pending ticket's seat back (abandoned, expired, or its checkout failed to start). */
  async release(ticketId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const released = await trx
        .updateTable('tickets')
        .set({ state: 'cancelled', hold_until: null })
        .where('id', '=', ticketId)
        .where('state', '=', 'pending')
        .returning('space_id')
        .executeTakeFirst();
      if (released) await giveSeatBack(trx, released.space_id, this.clock.now());
    });
  }

  /** Seats held by checkouts past their hold go back on sale (each one once, whoever races). */
  async releaseExpired(trx: Transaction<Database>, spaceId: string, now: number): Promise<void> {
    const expired = await trx
      .selectFrom('tickets')
      .select('id')
      .where('space_id', '=', spaceId)
      .where('state', '=', 'pending')
      .where('hold_until', '<=', now)
      .execute();
    for (const { id } of expired) {
      const released = await trx
        .updateTable('tickets')
        .set({ state: 'cancelled', hold_until: null })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      if (Number(released.numUpdatedRows) === 1) await giveSeatBack(trx, spaceId, now);
    }
  }

  ticketOf(spaceId: string, userId: string) {
    return this.db
      .selectFrom('tickets')
      .selectAll()
      .where('space_id', '=', spaceId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  reload(ticketId: string) {
    return this.db
      .selectFrom('tickets')
      .selectAll()
      .where('id', '=', ticketId)
      .executeTakeFirstOrThrow();
  }
}

async function giveSeatBack(trx: Transaction<Database>, spaceId: string, now: number) {
  await trx
    .updateTable('ticket_offers')
    .set((eb) => ({ held: eb('held', '-', 1), updated_at: now }))
    .where('space_id', '=', spaceId)
    .where('held', '>', 0)
    .execute();
}

function alreadyBuying(): AppError {
  return AppError.conflict(
    'already_has_ticket',
    'You already have a ticket, or a checkout in progress, for this space.',
  );
}
