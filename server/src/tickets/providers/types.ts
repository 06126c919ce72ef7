/**
 * A payment provider: where a checkout happens, and how money goes back
 * (refunds) and out (payouts). The ticket itself is granted by our code once
 * the provider says the payment happened (the test provider's pay route, or
 * Stripe's verified webhook), never on the buyer's word.
 */
export interface CheckoutRequest {
  ticketId: string;
  spaceId: string;
  buyerId: string;
  title: string;
  priceMinor: number;
  currency: string;
  /** Where the buyer lands after paying, and after giving up. */
  successUrl: string;
  cancelUrl: string;
  /** When the provider should stop accepting this checkout. */
  expiresAt: number;
  idempotencyKey: string;
}

export interface PaymentProvider {
  readonly name: 'test' | 'stripe';
  /** How long a checkout holds its seat (Stripe sessions live at least 30 minutes). */
  holdMs(configured: number): number;
  /** Starts a checkout; `url` is where the buyer pays (null: in Salon, the test provider). */
  createCheckout(request: CheckoutRequest): Promise<{ checkoutId: string; url: string | null }>;
  /** The payment page of a checkout already started (a buyer who asks again). */
  checkoutUrl(checkoutId: string): Promise<string | null>;
  /** Gives the buyer their money back; the key makes a retried call refund once. */
  refund(request: {
    ticketId: string;
    paymentRef: string | null;
    amountMinor: number;
    idempotencyKey: string;
  }): Promise<{ refundRef: string }>;
  /** Pays a host's balance out (a transfer to their connected account). */
  payout(request: {
    hostId: string;
    accountId: string | null;
    amountMinor: number;
    currency: string;
    idempotencyKey: string;
  }): Promise<{ reference: string }>;
}
