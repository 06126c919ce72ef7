/**
 * The tickets API's shapes (notes: the tickets contract), as the web app
 * reads them. A space's `ticketing` and the viewer's `access` are read
 * through `ticketingOf` / `accessOf`, so a space from a server without
 * tickets (no such fields) reads as free and open.
 */
import type {
  SalesTotals,
  SpaceDto,
  SpaceSalesFigures,
  SpaceTicketingDto,
  TicketDto,
  UserSummaryDto,
} from '@salon/protocol';

/** Declared once in the protocol, as the server sends them. */
export type { SalesTotals, TicketDto };

/** A space's offer: the protocol's `SpaceTicketingDto` (integer minor units of the instance's one currency). */
export type TicketingDto = SpaceTicketingDto;

/** Whether the viewer may hear a space: `needs_ticket` for a non-holder (guests too) of a ticketed one. */
export type Access = 'open' | 'holder' | 'stage' | 'host' | 'needs_ticket';

/** A space as the tickets routes send it: the protocol's SpaceDto with its ticketing. */
export type TicketedSpace = SpaceDto & { ticketing?: TicketingDto | null; access?: Access };

export function ticketingOf(space: SpaceDto): TicketingDto | null {
  return (space as TicketedSpace).ticketing ?? null;
}

/** Absent (an older server): open, and the server still refuses what the viewer may not do. */
export function accessOf(...sources: unknown[]): Access {
  for (const source of sources) {
    const access = (source as { access?: unknown } | null | undefined)?.access;
    if (typeof access === 'string') return access as Access;
  }
  return 'open';
}

export interface TicketLimits {
  min_price_minor: number;
  max_price_minor: number;
  min_count: number;
  max_count: number;
  currency: string;
}

export type Provider = 'test' | 'stripe';

export interface SellerEligibility {
  eligible: boolean;
  reasons: { code: string; message: string }[];
  needs_birth_date: boolean;
  limits: TicketLimits;
  provider: Provider;
}

export type Checkout = { provider: 'test'; id: string } | { provider: 'stripe'; url: string };

export interface SpaceSales extends SpaceSalesFigures {
  space: SpaceDto;
}

export interface SalesDto {
  currency: string;
  lifetime_gross_minor: number;
  fee_rate_bps_now: number;
  totals: SalesTotals;
  spaces: SpaceSales[];
}

export interface AdminTicketsSummary {
  currency: string;
  gross_minor: number;
  fees_minor: number;
  refunded_minor: number;
  escrow_minor: number;
  payable_minor: number;
  paid_out_minor: number;
  hosts: { host: UserSummaryDto; payable_minor: number }[];
}
