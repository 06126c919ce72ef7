/**
 * Ticket wire shapes the server's tickets routes send and the web's ticket
 * screens read (web/src/screens/tickets/types.ts re-exports them).
 */
import type { SpaceDto } from './spaces.js';

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

/** A host's sales summed over the ledger, in minor units of the instance's currency. */
export interface SalesTotals {
  gross_minor: number;
  refunded_minor: number;
  fee_minor: number;
  net_minor: number;
  pending_minor: number;
  available_minor: number;
  paid_out_minor: number;
}

/** One space's figures on a host's sales page (the server names the space, the web reads it whole). */
export interface SpaceSalesFigures {
  sold: number;
  gross_minor: number;
  refunded_minor: number;
  fee_minor: number;
  net_minor: number;
  /** pending: in escrow until the space ends; available: settled to the host, not yet paid out. */
  state: 'pending' | 'available' | 'refunded';
}
