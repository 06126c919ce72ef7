/** Tickets (notes: the tickets contract); amounts in integer minor units. */
import { type Static, Type } from '@sinclair/typebox';
import { Id } from '../id-schema.js';
import { Iso, IsoOrNull, UserSummaryDto } from './common.js';
import { SpaceDto } from './spaces.js';

const Provider = Type.Union([Type.Literal('test'), Type.Literal('stripe')]);

/** A ticket as its buyer sees it; `space` where the route names it. */
export const TicketDto = Type.Object({
  id: Type.String(),
  space_id: Type.String(),
  state: Type.Union([Type.Literal('pending'), Type.Literal('paid'), Type.Literal('refunded')]),
  price_minor: Type.Integer(),
  currency: Type.String(),
  bought_at: Iso,
  refunded_at: IsoOrNull,
  space: Type.Optional(SpaceDto),
});
export type TicketDto = Static<typeof TicketDto>;

/** `POST /tickets/test-checkouts/:id/pay`: the ticket the test checkout paid for. */
export const PaidTicketDto = Type.Object({ ticket: TicketDto });
export type PaidTicketDto = Static<typeof PaidTicketDto>;

/** `GET /spaces/:id/tickets/mine`: your ticket to the space, null if you have none. */
export const MyTicketDto = Type.Object({ ticket: Type.Union([TicketDto, Type.Null()]) });
export type MyTicketDto = Static<typeof MyTicketDto>;

/** `GET /tickets/eligibility`: whether the viewer may sell, why not, and the instance's limits. */
export const SellerEligibilityDto = Type.Object({
  eligible: Type.Boolean(),
  reasons: Type.Array(Type.Object({ code: Type.String(), message: Type.String() })),
  needs_birth_date: Type.Boolean(),
  limits: Type.Object({
    min_price_minor: Type.Integer(),
    max_price_minor: Type.Integer(),
    min_count: Type.Integer(),
    max_count: Type.Integer(),
    currency: Type.String(),
  }),
  provider: Provider,
});
export type SellerEligibilityDto = Static<typeof SellerEligibilityDto>;

/** `POST /spaces/:id/tickets`: the test provider's checkout to pay, or Stripe's page to go to. */
export const CheckoutDto = Type.Object({
  checkout: Type.Union([
    Type.Object({ provider: Type.Literal('test'), id: Type.String() }),
    Type.Object({ provider: Type.Literal('stripe'), url: Type.String() }),
  ]),
});
export type CheckoutDto = Static<typeof CheckoutDto>;

/** One space's figures on a host's sales page (the server names the space, the web reads it whole). */
export const SpaceSalesFigures = Type.Object({
  sold: Type.Integer(),
  gross_minor: Type.Integer(),
  refunded_minor: Type.Integer(),
  fee_minor: Type.Integer(),
  net_minor: Type.Integer(),
  /** pending: in escrow until the space ends; available: settled to the host, not yet paid out. */
  state: Type.Union([Type.Literal('pending'), Type.Literal('available'), Type.Literal('refunded')]),
});
export type SpaceSalesFigures = Static<typeof SpaceSalesFigures>;

/** A host's sales summed over the ledger. */
export const SalesTotals = Type.Object({
  gross_minor: Type.Integer(),
  refunded_minor: Type.Integer(),
  fee_minor: Type.Integer(),
  net_minor: Type.Integer(),
  pending_minor: Type.Integer(),
  available_minor: Type.Integer(),
  paid_out_minor: Type.Integer(),
});
export type SalesTotals = Static<typeof SalesTotals>;

/** `GET /me/sales`. */
export const SalesDto = Type.Object({
  currency: Type.String(),
  lifetime_gross_minor: Type.Integer(),
  fee_rate_bps_now: Type.Integer(),
  totals: SalesTotals,
  spaces: Type.Array(Type.Object({ space: SpaceDto, ...SpaceSalesFigures.properties })),
});
export type SalesDto = Static<typeof SalesDto>;

/** `GET /admin/tickets/summary`: the instance's money, and what each host is owed. */
export const AdminTicketsSummaryDto = Type.Object({
  currency: Type.String(),
  gross_minor: Type.Integer(),
  fees_minor: Type.Integer(),
  refunded_minor: Type.Integer(),
  escrow_minor: Type.Integer(),
  payable_minor: Type.Integer(),
  paid_out_minor: Type.Integer(),
  hosts: Type.Array(Type.Object({ host: UserSummaryDto, payable_minor: Type.Integer() })),
});
export type AdminTicketsSummaryDto = Static<typeof AdminTicketsSummaryDto>;

// ---------------------------------------------------------------------------
// The tickets' request bodies
// ---------------------------------------------------------------------------

/** `PUT /tickets/seller`: the seller's date of birth. */
export const SellerBody = Type.Object(
  {
    birth_date: Type.String({
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      description: 'YYYY-MM-DD: the seller attests being of age; stored once',
    }),
  },
  { additionalProperties: false },
);
export type SellerBody = Static<typeof SellerBody>;

/** `POST /admin/tickets/payouts`: pay a host what they are owed. */
export const PayoutBody = Type.Object({ host_id: Id }, { additionalProperties: false });
export type PayoutBody = Static<typeof PayoutBody>;

/** `PUT /admin/users/:id/ticketing`: an admin's grant to sell, and the Stripe account. */
export const SellerGrantBody = Type.Object(
  {
    granted: Type.Optional(Type.Boolean({ description: 'Selling allowed whatever the rules' })),
    stripe_account_id: Type.Optional(
      Type.Union([
        Type.String({
          pattern: '^acct_[A-Za-z0-9]{1,64}$',
          description: 'Stripe connected account',
        }),
        Type.Null(),
      ]),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type SellerGrantBody = Static<typeof SellerGrantBody>;
