/**
 * Ticket wire shapes the server's tickets routes send and the web's ticket
 * screens read (web/src/screens/tickets/types.ts re-exports them): TypeBox
 * schemas in `@salon/protocol/schemas` (the server validates and documents
 * with them), their `Static<>` types exported here.
 */
export type {
  AdminTicketsSummaryDto,
  CheckoutDto,
  MyTicketDto,
  PaidTicketDto,
  PayoutBody,
  SalesDto,
  SalesTotals,
  SellerBody,
  SellerEligibilityDto,
  SellerGrantBody,
  SpaceSalesFigures,
  TicketDto,
} from './schemas.js';
