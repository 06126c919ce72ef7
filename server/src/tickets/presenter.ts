import type { SpaceDto, TicketDto } from '@salon/protocol';
import type { TicketsTable } from '../db/schema.js';

/** Declared once in the protocol (the web's ticket screens read it too). */
export type { TicketDto };

const iso = (ms: number) => new Date(ms).toISOString();

/** A ticket as its buyer sees it; an abandoned checkout (`cancelled`) is no ticket: null. */
export function presentTicket(row: TicketsTable, space?: SpaceDto): TicketDto | null {
  if (row.state === 'cancelled') return null;
  return {
    id: row.id,
    space_id: row.space_id,
    state: row.state,
    price_minor: Number(row.price_minor),
    currency: row.currency,
    bought_at: iso(Number(row.paid_at ?? row.created_at)),
    refunded_at: row.refunded_at === null ? null : iso(Number(row.refunded_at)),
    ...(space ? { space } : {}),
  };
}
