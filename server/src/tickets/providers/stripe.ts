import Stripe from 'stripe';
import { AppError } from '../../errors.js';
import type { CheckoutRequest, PaymentProvider } from './types.js';

/** Stripe keeps a Checkout Session open at least 30 minutes; our hold outlasts it a little. */
const STRIPE_MIN_HOLD_MS = 31 * 60_000;

export interface StripeOptions {
  secretKey: string;
  webhookSecret: string;
  /** Another API base (STRIPE_API_URL): a proxy, or a local server in tests. */
  apiUrl: string | null;
}

/** Stripe's client as Salon uses it, with the API base it was told. */
export function stripeClient(options: Pick<StripeOptions, 'secretKey' | 'apiUrl'>): Stripe {
  const base = options.apiUrl ? new URL(options.apiUrl) : null;
  return new Stripe(options.secretKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === 'http:' ? 80 : 443),
          protocol: base.protocol === 'http:' ? 'http' : 'https',
        }
      : {}),
  });
}

/**
 * Stripe Checkout: one session per ticket, with the space, the buyer and the
 * ticket in its metadata (and the payment's); the ticket is granted only on the
 * verified `checkout.session.completed` webhook (tickets/webhooks.ts). Every
 * outgoing call carries an idempotency key, so a retry never charges, refunds
 * or transfers twice.
 */
export class StripeProvider implements PaymentProvider {
  readonly name = 'stripe' as const;
  readonly client: Stripe;

  constructor(readonly options: StripeOptions) {
    this.client = stripeClient(options);
  }

  holdMs(configured: number): number {
    return Math.max(configured, STRIPE_MIN_HOLD_MS);
  }

  async createCheckout(request: CheckoutRequest) {
    const metadata = {
      space_id: request.spaceId,
      buyer_id: request.buyerId,
      ticket_id: request.ticketId,
    };
    const session = await this.call(() =>
      this.client.checkout.sessions.create(
        {
          mode: 'payment',
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: request.currency,
                unit_amount: request.priceMinor,
                product_data: { name: `Ticket: ${request.title}`.slice(0, 250) },
              },
            },
          ],
          client_reference_id: request.ticketId,
          metadata,
          payment_intent_data: { metadata },
          success_url: request.successUrl,
          cancel_url: request.cancelUrl,
          expires_at: Math.floor(request.expiresAt / 1000),
        },
        { idempotencyKey: request.idempotencyKey },
      ),
    );
    return { checkoutId: session.id, url: session.url ?? null };
  }

  async checkoutUrl(checkoutId: string) {
    const session = await this.call(() => this.client.checkout.sessions.retrieve(checkoutId));
    return session.status === 'open' ? (session.url ?? null) : null;
  }

  async refund(request: { ticketId: string; paymentRef: string | null; idempotencyKey: string }) {
    if (!request.paymentRef) {
      throw new AppError(
        'internal',
        'payment_unknown',
        `Ticket ${request.ticketId} has no payment.`,
      );
    }
    const refund = await this.call(() =>
      this.client.refunds.create(
        { payment_intent: request.paymentRef as string, metadata: { ticket_id: request.ticketId } },
        { idempotencyKey: request.idempotencyKey },
      ),
    );
    return { refundRef: refund.id };
  }

  async payout(request: {
    hostId: string;
    accountId: string | null;
    amountMinor: number;
    currency: string;
    idempotencyKey: string;
  }) {
    if (!request.accountId) {
      throw AppError.conflict(
        'no_payout_account',
        'This host has no Stripe connected account; an admin sets it first.',
      );
    }
    const transfer = await this.call(() =>
      this.client.transfers.create(
        {
          amount: request.amountMinor,
          currency: request.currency,
          destination: request.accountId as string,
          metadata: { host_id: request.hostId },
        },
        { idempotencyKey: request.idempotencyKey },
      ),
    );
    return { reference: transfer.id };
  }

  /** Verifies a webhook on its raw body (throws on a bad signature or a stale timestamp). */
  verify(rawBody: Buffer, signature: string): Stripe.Event {
    return this.client.webhooks.constructEvent(rawBody, signature, this.options.webhookSecret);
  }

  /** Stripe unreachable or refusing: a clear 503, not an opaque 500. */
  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError(
        'unavailable',
        'payment_provider_unavailable',
        'The payment provider did not answer; try again.',
        { cause: error },
      );
    }
  }
}
