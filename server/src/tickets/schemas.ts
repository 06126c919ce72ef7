import { Type } from '@sinclair/typebox';
import { Id } from '../accounts/schemas.js';

/** The answers the web's ticket screens read live in the protocol; routes import them from here. */
export {
  AdminTicketsSummaryDto as AdminSummaryDto,
  CheckoutDto,
  PayoutBody,
  SalesDto,
  SellerBody,
  SellerEligibilityDto as EligibilityDto,
  SellerGrantBody,
  TicketDto,
} from '@salon/protocol/schemas';
export { TicketingBody } from '../spaces/schemas.js';

const Iso = Type.String({ format: 'date-time' });

export const CheckoutParams = Type.Object({ id: Id }, { additionalProperties: false });
export const TicketParams = Type.Object({ ticketId: Id }, { additionalProperties: false });

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

export const SellerGrantDto = Type.Object({
  user_id: Type.String(),
  granted: Type.Boolean(),
  stripe_account_id: Type.Union([Type.String(), Type.Null()]),
});
