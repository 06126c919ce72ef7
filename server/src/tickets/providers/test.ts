import { newId } from '../../util/ids.js';
import type { PaymentProvider } from './types.js';

/**
 * The built-in test provider, the default: an instance sells tickets with no
 * payment account. The buyer "pays" with `POST /tickets/test-checkouts/:id/pay`
 * (the UI says "Test payment — no money moves"); refunds and payouts only
 * write the ledger ("mark paid").
 */
export class TestProvider implements PaymentProvider {
  readonly name = 'test' as const;

  holdMs(configured: number): number {
    return configured;
  }

  async createCheckout() {
    return { checkoutId: newId(), url: null };
  }

  async checkoutUrl() {
    return null;
  }

  async refund(request: { ticketId: string }) {
    return { refundRef: `test_refund_${request.ticketId}` };
  }

  async payout(request: { idempotencyKey: string }) {
    return { reference: `test_${request.idempotencyKey}` };
  }
}
