import { Type } from '@sinclair/typebox';
import { Id } from '../accounts/schemas.js';
import { SpaceDto } from '../spaces/schemas.js';

export { TicketingBody } from '../spaces/schemas.js';

const Iso = Type.String({ format: 'date-time' });
const UserSummary = Type.Object({
  id: Type.String(),
  handle: Type.String(),
  display_name: Type.String(),
  avatar_url: Type.Union([Type.String(), Type.Null()]),
});

export const TicketDto = Type.Object({
  id: Type.String(),
  space_id: Type.String(),
  state: Type.Union([Type.Literal('pending'), Type.Literal('paid'), Type.Literal('refunded')]),
  price_minor: Type.Integer(),
  currency: Type.String(),
  bought_at: Iso,
  refunded_at: Type.Union([Iso, Type.Null()]),
  space: Type.Optional(SpaceDto),
});

export const EligibilityDto = Type.Object({
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
  provider: Type.Union([Type.Literal('test'), Type.Literal('stripe')]),
});

export const SellerBody = Type.Object(
  {
    birth_date: Type.String({
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      description: 'YYYY-MM-DD: the seller attests being of age; stored once',
    }),
  },
  { additionalProperties: false },
);

export const CheckoutDto = Type.Object({
  checkout: Type.Union([
    Type.Object({ provider: Type.Literal('test'), id: Type.String() }),
    Type.Object({ provider: Type.Literal('stripe'), url: Type.String() }),
  ]),
});

export const CheckoutParams = Type.Object({ id: Id }, { additionalProperties: false });
export const TicketParams = Type.Object({ ticketId: Id }, { additionalProperties: false });

const Figures = {
  sold: Type.Integer(),
  gross_minor: Type.Integer(),
  refunded_minor: Type.Integer(),
  fee_minor: Type.Integer(),
  net_minor: Type.Integer(),
  state: Type.Union([Type.Literal('pending'), Type.Literal('available'), Type.Literal('refunded')]),
};

export const SalesDto = Type.Object({
  currency: Type.String(),
  lifetime_gross_minor: Type.Integer(),
  fee_rate_bps_now: Type.Integer(),
  totals: Type.Object({
    gross_minor: Type.Integer(),
    refunded_minor: Type.Integer(),
    fee_minor: Type.Integer(),
    net_minor: Type.Integer(),
    pending_minor: Type.Integer(),
    available_minor: Type.Integer(),
    paid_out_minor: Type.Integer(),
  }),
  spaces: Type.Array(Type.Object({ space: SpaceDto, ...Figures })),
});

export const AdminSummaryDto = Type.Object({
  currency: Type.String(),
  gross_minor: Type.Integer(),
  fees_minor: Type.Integer(),
  refunded_minor: Type.Integer(),
  escrow_minor: Type.Integer(),
  payable_minor: Type.Integer(),
  paid_out_minor: Type.Integer(),
  hosts: Type.Array(Type.Object({ host: UserSummary, payable_minor: Type.Integer() })),
});

export const PayoutBody = Type.Object({ host_id: Id }, { additionalProperties: false });
export const PayoutDto = Type.Object({
  payout: Type.Object({
    host_id: Type.String(),
    amount_minor: Type.Integer(),
    currency: Type.String(),
    provider: Type.Union([Type.Literal('test'), Type.Literal('stripe')]),
    reference: Type.String(),
    created_at: Iso,
  }),
});

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
export const SellerGrantDto = Type.Object({
  user_id: Type.String(),
  granted: Type.Boolean(),
  stripe_account_id: Type.Union([Type.String(), Type.Null()]),
});
