import { Type } from '@sinclair/typebox';
import { Id } from '../accounts/schemas.js';

/** The answers the web's ticket screens read live in the protocol; routes import them from here. */
export {
  AdminTicketsSummaryDto as AdminSummaryDto,
  CheckoutDto,
  SalesDto,
  SellerEligibilityDto as EligibilityDto,
  TicketDto,
} from '@salon/protocol/schemas';
export { TicketingBody } from '../spaces/schemas.js';

const Iso = Type.String({ format: 'date-time' });

export const SellerBody = Type.Object(
  {
    birth_date: Type.String({
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      description: 'YYYY-MM-DD: the seller attests being of age; stored once',
    }),
  },
  { additionalProperties: false },
);

export const CheckoutParams = Type.Object({ id: Id }, { additionalProperties: false });
export const TicketParams = Type.Object({ ticketId: Id }, { additionalProperties: false });

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
