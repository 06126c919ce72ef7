import type { Kysely } from 'kysely';
import type { Database, TicketOffersTable } from '../db/schema.js';

/**
 * What the rest of Salon asks of tickets: is this space ticketed, and does this
 * person hold a paid ticket to it. The access checks on every tier (snapshot,
 * media_listen, HLS, replay, realtime, compat) read only through here.
 */

export interface TicketOffer {
  spaceId: string;
  hostId: string;
  priceMinor: number;
  currency: string;
  count: number;
  /** Paid tickets. */
  sold: number;
  /** Seats still buyable: count − sold − seats held by pending checkouts. */
  left: number;
  soldOut: boolean;
}

/** True when the person holds a paid (not refunded) ticket to the space. */
export async function isHolder(
  db: Kysely<Database>,
  spaceId: string,
  userId: string,
): Promise<boolean> {
  // Alike moderation/retention-facts.ts's read by space in shape only: this asks one person's paid ticket.
  const row = await db
    .selectFrom('tickets')
    .select('id')
    .where('space_id', '=', spaceId)
    .where('user_id', '=', userId)
    .where('state', '=', 'paid')
    .executeTakeFirst();
  return row !== undefined;
}

/** The space's ticket offer, or null when the space is not ticketed. */
export async function offerOf(db: Kysely<Database>, spaceId: string): Promise<TicketOffer | null> {
  const row = await db
    .selectFrom('ticket_offers')
    .selectAll()
    .where('space_id', '=', spaceId)
    .executeTakeFirst();
  return row ? toOffer(row) : null;
}

/** The offers of many spaces at once (lists of cards), keyed by space id. */
export async function offersOf(
  db: Kysely<Database>,
  spaceIds: readonly string[],
): Promise<Map<string, TicketOffer>> {
  const offers = new Map<string, TicketOffer>();
  if (spaceIds.length === 0) return offers;
  const rows = await db
    .selectFrom('ticket_offers')
    .selectAll()
    .where('space_id', 'in', [...new Set(spaceIds)])
    .execute();
  for (const row of rows) offers.set(row.space_id, toOffer(row));
  return offers;
}

/** The holders of a space (paid tickets), oldest purchase first: compat `/2/spaces/:id/buyers`. */
export async function holdersOf(db: Kysely<Database>, spaceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('tickets')
    .select('user_id')
    .where('space_id', '=', spaceId)
    .where('state', '=', 'paid')
    .orderBy('paid_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
  return rows.map((row) => row.user_id);
}

function toOffer(
  row: Pick<
    TicketOffersTable,
    'space_id' | 'host_id' | 'price_minor' | 'currency' | 'count' | 'sold' | 'held'
  >,
): TicketOffer {
  const left = Math.max(0, row.count - row.sold - row.held);
  return {
    spaceId: row.space_id,
    hostId: row.host_id,
    priceMinor: Number(row.price_minor),
    currency: row.currency,
    count: Number(row.count),
    sold: Number(row.sold),
    left,
    soldOut: left === 0,
  };
}
