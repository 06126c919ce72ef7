/**
 * The tickets API's shapes (notes: the tickets contract), as the web app
 * reads them. A space's `ticketing` and the viewer's `access` are read
 * through `ticketingOf` / `accessOf`, so a space from a server without
 * tickets (no such fields) reads as free and open.
 */
import type {
  AdminTicketsSummaryDto,
  SalesDto,
  SalesTotals,
  SellerEligibilityDto,
  SpaceAccess,
  SpaceDto,
  SpaceTicketingDto,
  TicketDto,
} from '@salon/protocol';

/** Declared once in the protocol, as the server sends them (the names below are the screens'). */
export type { SalesDto, SalesTotals, TicketDto };

/** A space's offer: the protocol's `SpaceTicketingDto` (integer minor units of the instance's one currency). */
export type TicketingDto = SpaceTicketingDto;

/** Whether the viewer may hear a space: `needs_ticket` for a non-holder (guests too) of a ticketed one. */
export type Access = SpaceAccess;

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

export type SellerEligibility = SellerEligibilityDto;
export type TicketLimits = SellerEligibility['limits'];
export type Provider = SellerEligibility['provider'];
export type AdminTicketsSummary = AdminTicketsSummaryDto;
