/** Test data for the tickets screens' component tests. */
import type { SpaceDto } from '@salon/protocol';
import { snapshot } from '../../test/factories';
import type { SellerEligibility, TicketDto, TicketingDto } from './types';

export const limits = {
  min_price_minor: 100,
  max_price_minor: 99_900,
  min_count: 5,
  max_count: 100,
  currency: 'usd',
};

export const eligible: SellerEligibility = {
  eligible: true,
  reasons: [],
  needs_birth_date: false,
  limits,
  provider: 'test',
};

export function offer(overrides: Partial<TicketingDto> = {}): TicketingDto {
  return {
    price_minor: 1250,
    currency: 'usd',
    count: 20,
    sold: 0,
    left: 20,
    sold_out: false,
    ...overrides,
  };
}

export function ticketedSpace(
  ticketing: TicketingDto | null = offer(),
  overrides: Partial<SpaceDto> = {},
): SpaceDto {
  return { ...snapshot().space, ticketing, ...overrides };
}

export function ticket(overrides: Partial<TicketDto> = {}): TicketDto {
  return {
    id: 'ticket00000000000001',
    space_id: 'space000000000000001',
    state: 'paid',
    price_minor: 1250,
    currency: 'usd',
    bought_at: '2026-01-01T10:00:00.000Z',
    refunded_at: null,
    ...overrides,
  };
}
