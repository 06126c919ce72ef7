import type { SpaceDto } from '@salon/protocol';
import type { TicketsTable } from '../db/schema.js';

export interface TicketDto {
  id: string;
  space_id: string;
  state: 'pending' | 'paid' | 'refunded';
  price_minor: number;
  currency: string;
  bought_at: string;
  refunded_at: string | null;
  space?: SpaceDto;
}

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
