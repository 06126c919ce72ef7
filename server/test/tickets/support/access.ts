import type { SalonServer } from '../../../src/server.js';
import { newId } from '../../../src/util/ids.js';

/**
 * Tickets as the access checks see them, written the way the tickets core
 * commits them (an offer row; a ticket row moving pending → paid → refunded)
 * and announced as the core announces a committed change
 * (`TicketAccess.holderChanged`), so these tests exercise the access side on
 * its own: the cache, the bus, the tiers.
 */
export async function sellTickets(
  server: SalonServer,
  spaceId: string,
  hostId: string,
  count = 10,
): Promise<void> {
  const now = Date.now();
  await server.services.storage.db
    .insertInto('ticket_offers')
    .values({
      space_id: spaceId,
      host_id: hostId,
      price_minor: 500,
      currency: 'usd',
      count,
      sold: 0,
      held: 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
  server.services.ticketAccess.offerChanged(spaceId);
}

/** Purchases in the order they were made, even within one millisecond. */
let lastPaidAt = 0;

/** A paid ticket for `userId`, announced on the bus from `server`'s node. */
export async function giveTicket(
  server: SalonServer,
  spaceId: string,
  hostId: string,
  userId: string,
): Promise<void> {
  const now = Math.max(Date.now(), lastPaidAt + 1);
  lastPaidAt = now;
  const db = server.services.storage.db;
  await db
    .insertInto('tickets')
    .values({
      id: newId(now),
      space_id: spaceId,
      user_id: userId,
      host_id: hostId,
      state: 'paid',
      price_minor: 500,
      currency: 'usd',
      provider: 'test',
      checkout_id: newId(now),
      payment_ref: null,
      refund_ref: null,
      created_at: now,
      hold_until: null,
      paid_at: now,
      refunded_at: null,
      refund_reason: null,
    })
    .execute();
  await db
    .updateTable('ticket_offers')
    .set((eb) => ({ sold: eb('sold', '+', 1) }))
    .where('space_id', '=', spaceId)
    .execute();
  server.services.ticketAccess.holderChanged(spaceId, userId, true);
}

/** The ticket is refunded (committed), announced on the bus from `server`'s node. */
export async function refundTicket(
  server: SalonServer,
  spaceId: string,
  userId: string,
): Promise<void> {
  const now = Date.now();
  await server.services.storage.db
    .updateTable('tickets')
    .set({ state: 'refunded', refunded_at: now, refund_reason: 'admin' })
    .where('space_id', '=', spaceId)
    .where('user_id', '=', userId)
    .execute();
  server.services.ticketAccess.holderChanged(spaceId, userId, false);
}
