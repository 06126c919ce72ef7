import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Stripe from 'stripe';
import { ManualClock } from '../../src/util/clock.js';
import { type Backend, startTestServer, type TestServer } from '../support/server.js';
import {
  balanceOf,
  ledgerImbalances,
  OPEN_SELLING,
  seller,
  ticketedSpace,
} from './support/selling.js';
import { startStripeApi } from './support/stripe-api.js';

const SECRET = 'whsec_test_salon_secret';
// Signs with the client's own helper, as Stripe signs: the verification under test is the real one.
const signer = new Stripe('sk_test_signer');

/** A recorded-shape Stripe event around `object`. */
function event(id: string, type: string, object: Record<string, unknown>) {
  return {
    id,
    object: 'event',
    api_version: '2025-08-27.basil',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}

function sessionObject(
  id: string,
  ticket: { space_id: string; buyer_id: string; ticket_id: string },
  extra: Record<string, unknown> = {},
) {
  return {
    id,
    object: 'checkout.session',
    mode: 'payment',
    status: 'complete',
    payment_status: 'paid',
    amount_total: 2500,
    currency: 'usd',
    client_reference_id: ticket.ticket_id,
    metadata: ticket,
    payment_intent: `pi_for_${id}`,
    ...extra,
  };
}

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`Stripe on ${backend}`, () => {
    let t: TestServer;
    let api: Awaited<ReturnType<typeof startStripeApi>>;
    const clock = new ManualClock(Date.UTC(2026, 5, 1, 12));
    before(async () => {
      api = await startStripeApi();
      t = await startTestServer({
        backend,
        clock,
        env: {
          ...OPEN_SELLING,
          SCHEDULER_POLL_MS: '0',
          STRIPE_SECRET_KEY: 'sk_test_salon',
          STRIPE_WEBHOOK_SECRET: SECRET,
          STRIPE_API_URL: api.url,
        },
      });
    });
    after(async () => {
      await t.close();
      await api.close();
    });

    const deliver = (payload: string, header?: string) =>
      t.client().request('POST', '/api/v1/webhooks/stripe', payload, {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature':
          header ?? signer.webhooks.generateTestHeaderString({ payload, secret: SECRET }),
      });
    const purchases = async (ticketId: string) =>
      (
        await t.server.services.storage.db
          .selectFrom('ledger_transactions')
          .select('kind')
          .where('ticket_id', '=', ticketId)
          .execute()
      ).map((r) => r.kind);

    async function checkout() {
      const host = await seller(t);
      const space = await ticketedSpace(
        host,
        { price_minor: 2500, count: 5 },
        clock.now() + 3600_000,
      );
      const buyer = await t.user();
      const started = await buyer.client.post(`/api/v1/spaces/${space.id}/tickets`);
      assert.equal(started.status, 200, JSON.stringify(started.body));
      assert.equal(started.body.checkout.provider, 'stripe');
      const call = api.calls.at(-1)!;
      assert.equal(call.path, '/v1/checkout/sessions');
      const sessionId = new URL(started.body.checkout.url).pathname.split('/').at(-1)!;
      const ticket = {
        space_id: call.form['metadata[space_id]']!,
        buyer_id: call.form['metadata[buyer_id]']!,
        ticket_id: call.form['metadata[ticket_id]']!,
      };
      return { host, space, buyer, sessionId, ticket, call };
    }

    test('a Checkout Session carries the space, the buyer, the price and an idempotency key', async () => {
      const { space, buyer, call } = await checkout();
      assert.equal(call.form['metadata[space_id]'], space.id);
      assert.equal(call.form['metadata[buyer_id]'], buyer.id);
      assert.equal(call.form['line_items[0][price_data][unit_amount]'], '2500');
      assert.equal(call.form['mode'], 'payment');
      assert.match(call.form['success_url']!, new RegExp(`/spaces/${space.id}\\?ticket=done$`));
      assert.match(call.idempotencyKey ?? '', /^checkout:/);
      const mine = await buyer.client.get(`/api/v1/spaces/${space.id}/tickets/mine`);
      assert.equal(mine.body.ticket.state, 'pending');
      // Asking again while the checkout holds its seat returns the same session.
      const again = await buyer.client.post(`/api/v1/spaces/${space.id}/tickets`);
      assert.equal(again.status, 200);
      assert.equal(api.calls.at(-1)!.method, 'GET');
    });

    test('only the verified completed webhook grants; a duplicate grants once', async () => {
      const { space, buyer, sessionId, ticket } = await checkout();
      const payload = JSON.stringify(
        event('evt_done_1', 'checkout.session.completed', sessionObject(sessionId, ticket)),
      );
      const first = await deliver(payload);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.outcome, 'handled');
      const twice = await deliver(payload);
      assert.equal(twice.status, 200);
      assert.equal(twice.body.outcome, 'duplicate');
      const mine = await buyer.client.get(`/api/v1/spaces/${space.id}/tickets/mine`);
      assert.equal(mine.body.ticket.state, 'paid');
      assert.deepEqual(await purchases(ticket.ticket_id), ['purchase']);
      assert.equal(await balanceOf(t, `escrow:${space.id}`), 2500);
      // Expired after completed (out of order): the ticket stays paid.
      const late = JSON.stringify(
        event(
          'evt_exp_1',
          'checkout.session.expired',
          sessionObject(sessionId, ticket, { status: 'expired', payment_status: 'unpaid' }),
        ),
      );
      assert.equal((await deliver(late)).status, 200);
      const still = await buyer.client.get(`/api/v1/spaces/${space.id}/tickets/mine`);
      assert.equal(still.body.ticket.state, 'paid');
      assert.deepEqual(await ledgerImbalances(t), []);
    });

    test('a tampered payload or a stale timestamp is refused with 400, nothing granted', async () => {
      const { space, buyer, sessionId, ticket } = await checkout();
      const payload = JSON.stringify(
        event('evt_tamper', 'checkout.session.completed', sessionObject(sessionId, ticket)),
      );
      const header = signer.webhooks.generateTestHeaderString({ payload, secret: SECRET });
      const tampered = await deliver(
        payload.replace('"amount_total":2500', '"amount_total":1'),
        header,
      );
      assert.equal(tampered.status, 400);
      assert.equal(tampered.body.error.code, 'invalid_signature');
      const stale = await deliver(
        payload,
        signer.webhooks.generateTestHeaderString({
          payload,
          secret: SECRET,
          timestamp: Math.floor(Date.now() / 1000) - 3600,
        }),
      );
      assert.equal(stale.status, 400);
      assert.equal(stale.body.error.code, 'invalid_signature');
      const wrongSecret = await deliver(
        payload,
        signer.webhooks.generateTestHeaderString({ payload, secret: 'whsec_other' }),
      );
      assert.equal(wrongSecret.status, 400);
      const unsigned = await t.client().request('POST', '/api/v1/webhooks/stripe', payload, {
        'content-type': 'application/json',
      });
      assert.equal(unsigned.status, 400);
      const mine = await buyer.client.get(`/api/v1/spaces/${space.id}/tickets/mine`);
      assert.equal(mine.body.ticket.state, 'pending');
      assert.deepEqual(await purchases(ticket.ticket_id), []);
      // The same event, properly signed, is still taken afterwards (a refusal records nothing).
      assert.equal((await deliver(payload)).body.outcome, 'handled');
    });

    test('a refund seen before the payment: the completion grants and refunds at once', async () => {
      const { space, buyer, sessionId, ticket } = await checkout();
      const charge = {
        id: 'ch_early',
        object: 'charge',
        amount: 2500,
        amount_refunded: 2500,
        payment_intent: `pi_for_${sessionId}`,
        refunded: true,
        refunds: { object: 'list', data: [{ id: 're_dashboard_1', object: 'refund' }] },
      };
      const early = await deliver(
        JSON.stringify(event('evt_refund_early', 'charge.refunded', charge)),
      );
      assert.equal(early.status, 200);
      const done = await deliver(
        JSON.stringify(
          event('evt_done_2', 'checkout.session.completed', sessionObject(sessionId, ticket)),
        ),
      );
      assert.equal(done.body.outcome, 'handled');
      const mine = await buyer.client.get(`/api/v1/spaces/${space.id}/tickets/mine`);
      assert.equal(mine.body.ticket.state, 'refunded');
      assert.deepEqual((await purchases(ticket.ticket_id)).sort(), ['purchase', 'refund']);
      // Stripe had refunded it already: no refund call went out.
      assert.equal(api.calls.filter((c) => c.path === '/v1/refunds').length, 0);
      assert.equal(await balanceOf(t, `escrow:${space.id}`), 0);
    });

    test('refunds and payouts go through Stripe with idempotency keys', async () => {
      const { host, space, buyer, sessionId, ticket } = await checkout();
      await deliver(
        JSON.stringify(
          event('evt_done_3', 'checkout.session.completed', sessionObject(sessionId, ticket)),
        ),
      );
      // The space runs and ends: its sale settles to the host.
      clock.advance(3600_000);
      assert.equal((await host.client.post(`/api/v1/spaces/${space.id}/start`)).status, 200);
      assert.equal((await host.client.post(`/api/v1/spaces/${space.id}/end`)).status, 200);
      for (let i = 0; i < 50 && (await balanceOf(t, `host_payable:${host.id}`)) === 0; i++) {
        await t.server.services.scheduler.tick();
        await new Promise((r) => setImmediate(r));
      }
      assert.equal(await balanceOf(t, `host_payable:${host.id}`), 2500 - 75);
      const svc = t.server.services.tickets;
      await assert.rejects(svc.payout(host.id), /connected account/);
      await svc.selling.adminUpdate(host.id, host.id, { stripe_account_id: 'acct_123test' });
      const payout = await svc.payout(host.id);
      assert.equal(payout.amount_minor, 2425);
      const transfer = api.calls.find((c) => c.path === '/v1/transfers')!;
      assert.equal(transfer.form['destination'], 'acct_123test');
      assert.equal(transfer.form['amount'], '2425');
      assert.equal(transfer.idempotencyKey, `payout:${host.id}:1`);
      assert.equal(payout.reference, 'tr_test_' + String(api.calls.indexOf(transfer) + 1));
      // A refund after the payout: through Stripe, reversing the settlement as recorded.
      const refunded = await svc.adminRefund(ticket.ticket_id);
      assert.equal(refunded.state, 'refunded');
      const refundCall = api.calls.find((c) => c.path === '/v1/refunds')!;
      assert.equal(refundCall.form['payment_intent'], `pi_for_${sessionId}`);
      assert.match(refundCall.idempotencyKey ?? '', /^refund:/);
      assert.equal(await balanceOf(t, `host_payable:${host.id}`), -2425);
      assert.equal((await balanceOf(t, 'platform_fees')) >= 0, true);
      assert.equal(await balanceOf(t, `buyer:${buyer.id}`), 0);
      assert.deepEqual(await ledgerImbalances(t), []);
    });
  });
}
