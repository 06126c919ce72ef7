/**
 * The tickets routes (notes: the tickets contract): selling, buying with the
 * built-in test provider or Stripe Checkout, the buyer's tickets, the host's
 * sales, and the admin console's tickets section. Kept out of api.ts so only
 * the screens that sell or buy load it.
 */
import type {
  CheckoutDto,
  List,
  MyTicketDto,
  PaidTicketDto,
  PayoutBody,
  SellerBody,
  SellerGrantBody,
  TicketingBody,
} from '@salon/protocol';
import { API_BASE, request } from '../../api';
import type {
  AdminTicketsSummary,
  SalesDto,
  SellerEligibility,
  TicketDto,
  TicketedSpace,
} from './types';

const e = encodeURIComponent;

export const ticketsApi = {
  // Selling
  eligibility: () => request<SellerEligibility>('GET', '/tickets/eligibility'),
  confirmBirthDate: (birthDate: string) =>
    request<SellerEligibility>('PUT', '/tickets/seller', {
      birth_date: birthDate,
    } satisfies SellerBody),
  setTicketing: (spaceId: string, input: TicketingBody) =>
    request<TicketedSpace>('PUT', `/spaces/${e(spaceId)}/ticketing`, input),
  removeTicketing: (spaceId: string) =>
    request<TicketedSpace>('DELETE', `/spaces/${e(spaceId)}/ticketing`),

  // Buying
  buy: (spaceId: string) => request<CheckoutDto>('POST', `/spaces/${e(spaceId)}/tickets`, {}),
  payTest: (checkoutId: string) =>
    request<PaidTicketDto>('POST', `/tickets/test-checkouts/${e(checkoutId)}/pay`, {}),
  cancelTest: (checkoutId: string) =>
    request<unknown>('POST', `/tickets/test-checkouts/${e(checkoutId)}/cancel`, {}),
  mine: (spaceId: string) => request<MyTicketDto>('GET', `/spaces/${e(spaceId)}/tickets/mine`),
  myTickets: () => request<List<TicketDto>>('GET', '/me/tickets'),

  // The host's sales
  sales: () => request<SalesDto>('GET', '/me/sales'),

  // Admin
  summary: () => request<AdminTicketsSummary>('GET', '/admin/tickets/summary'),
  payOut: (hostId: string) =>
    request<unknown>('POST', '/admin/tickets/payouts', { host_id: hostId } satisfies PayoutBody),
  refund: (ticketId: string) =>
    request<TicketDto>('POST', `/admin/tickets/${e(ticketId)}/refund`, {}),
  grantSelling: (userId: string, granted: boolean) =>
    request<unknown>('PUT', `/admin/users/${e(userId)}/ticketing`, {
      granted,
    } satisfies SellerGrantBody),
};

/** The ledger as CSV: a plain link (the session cookie goes with it), downloaded by the browser. */
export const LEDGER_CSV_URL = `${API_BASE}/admin/tickets/ledger.csv`;
