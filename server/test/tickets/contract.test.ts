import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../src/util/clock.js';
import { type Backend, startTestServer, type TestServer } from '../support/server.js';
import { balanceOf, buy, ledgerImbalances, ticketedSpace } from './support/selling.js';

const HOUR = 3600_000;

/**
 * The contract of /work/notes/tickets-api.md through HTTP: every refusal with
 * its code and status, the edit rules, the fee threshold crossed inside one
 * space's sales, the host's sales page, the admin's totals, CSV and payout.
 */
for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`tickets contract on ${backend}`, () => {
    let t: TestServer;
    let admin: Awaited<ReturnType<TestServer['user']>>;
    const clock = new ManualClock(Date.UTC(2026, 5, 1, 12));
    before(async () => {
      t = await startTestServer({
        backend,
        clock,
        env: {
          HOST_MIN_FOLLOWERS: '0',
          SCHEDULER_POLL_MS: '0',
          // Low, so that three sales cross it.
          TICKET_FEE_THRESHOLD_MINOR: '1000',
        },
      });
      admin = await t.user(); // the first account is the admin
    });
    after(() => t.close());

    const expectError = (reply: { status: number; body: any }, status: number, code: string) => {
      assert.equal(reply.status, status, JSON.stringify(reply.body));
      assert.equal(reply.body.error.code, code);
    };

    test('who may sell: the rules by default, the 18+ attestation once, an admin grant', async () => {
      const host = await t.user();
      const e = await host.client.get('/api/v1/tickets/eligibility');
      assert.equal(e.body.eligible, false);
      assert.equal(e.body.needs_birth_date, true);
      assert.equal(e.body.provider, 'test');
      assert.deepEqual(e.body.limits, {
        min_price_minor: 100,
        max_price_minor: 99_900,
        min_count: 5,
        max_count: 100,
        currency: 'usd',
      });
      assert.deepEqual(
        e.body.reasons.map((r: { code: string }) => r.code),
        ['birth_date_required', 'not_enough_followers', 'not_enough_spaces'],
      );
      const refused = await host.client.post('/api/v1/spaces', {
        title: 'x',
        scheduled_start: new Date(clock.now() + HOUR).toISOString(),
        ticketing: { price_minor: 500, count: 10 },
      });
      expectError(refused, 403, 'ticketing_not_allowed');
      // Nothing was created by the refused request.
      const spaces = await t.server.services.storage.db
        .selectFrom('spaces')
        .select('id')
        .where('host_id', '=', host.id)
        .execute();
      assert.equal(spaces.length, 0);
      expectError(
        await host.client.put('/api/v1/tickets/seller', { birth_date: '2023-02-30' }),
        400,
        'invalid_birth_date',
      );
      expectError(
        await host.client.put('/api/v1/tickets/seller', { birth_date: '2999-01-01' }),
        400,
        'invalid_birth_date',
      );
      const young = await host.client.put('/api/v1/tickets/seller', { birth_date: '2012-01-01' });
      assert.equal(young.status, 200);
      assert.ok(young.body.reasons.some((r: { code: string }) => r.code === 'too_young'));
      expectError(
        await host.client.put('/api/v1/tickets/seller', { birth_date: '1990-01-01' }),
        409,
        'birth_date_already_set',
      );
      expectError(
        await host.client.put(`/api/v1/admin/users/${host.id}/ticketing`, { granted: true }),
        403,
        'admin_only',
      );
      const granted = await admin.client.put(`/api/v1/admin/users/${host.id}/ticketing`, {
        granted: true,
      });
      assert.deepEqual(granted.body, { user_id: host.id, granted: true, stripe_account_id: null });
      // The grant stands in for followers and spaces, not for age.
      const after = await host.client.get('/api/v1/tickets/eligibility');
      assert.deepEqual(
        after.body.reasons.map((r: { code: string }) => r.code),
        ['too_young'],
      );
      const other = await t.user();
      await other.client.put('/api/v1/tickets/seller', { birth_date: '1990-01-01' });
      await admin.client.put(`/api/v1/admin/users/${other.id}/ticketing`, { granted: true });
      assert.equal((await other.client.get('/api/v1/tickets/eligibility')).body.eligible, true);
      expectError(
        await admin.client.put(`/api/v1/admin/users/${other.id}/ticketing`, {
          stripe_account_id: 'nope',
        }),
        400,
        'invalid_request',
      );
    });

    const grantedSeller = async () => {
      const host = await t.user();
      await host.client.put('/api/v1/tickets/seller', { birth_date: '1980-05-05' });
      await admin.client.put(`/api/v1/admin/users/${host.id}/ticketing`, { granted: true });
      return host;
    };

    test('price and count limits, edits after sales, removal', async () => {
      const host = await grantedSeller();
      const when = new Date(clock.now() + HOUR).toISOString();
      const bad = (ticketing: unknown) =>
        host.client.post('/api/v1/spaces', { title: 'x', scheduled_start: when, ticketing });
      expectError(await bad({ price_minor: 99, count: 10 }), 400, 'price_out_of_range');
      expectError(await bad({ price_minor: 100_000, count: 10 }), 400, 'price_out_of_range');
      expectError(await bad({ price_minor: 500, count: 4 }), 400, 'ticket_count_out_of_range');
      expectError(await bad({ price_minor: 500, count: 101 }), 400, 'ticket_count_out_of_range');
      expectError(await bad({ price_minor: 5.5, count: 10 }), 400, 'invalid_request');
      const space = await ticketedSpace(host, { price_minor: 500, count: 10 }, clock.now() + HOUR);
      const path = `/api/v1/spaces/${space.id}/ticketing`;
      const edited = await host.client.put(path, { price_minor: 800, count: 12 });
      assert.equal(edited.status, 200);
      assert.equal(edited.body.ticketing.price_minor, 800);
      const stranger = await t.user();
      expectError(
        await stranger.client.put(path, { price_minor: 800, count: 12 }),
        403,
        'not_host',
      );
      const buyer = await t.user();
      await buy(buyer.client, space.id);
      expectError(
        await host.client.put(path, { price_minor: 900, count: 12 }),
        409,
        'tickets_already_sold',
      );
      expectError(
        await host.client.put(path, { price_minor: 800, count: 11 }),
        409,
        'tickets_already_sold',
      );
      assert.equal(
        (await host.client.put(path, { price_minor: 800, count: 20 })).body.ticketing.count,
        20,
      );
      expectError(await host.client.delete(path), 409, 'tickets_already_sold');
      // Before any sale, the offer goes: the space is open again.
      const open = await ticketedSpace(host, { price_minor: 500, count: 10 }, clock.now() + HOUR);
      const removed = await host.client.delete(`/api/v1/spaces/${open.id}/ticketing`);
      assert.equal(removed.body.ticketing, null);
      expectError(
        await host.client.delete(`/api/v1/spaces/${open.id}/ticketing`),
        400,
        'space_not_ticketed',
      );
      // Once live, nothing changes.
      clock.advance(HOUR);
      assert.equal((await host.client.post(`/api/v1/spaces/${space.id}/start`)).status, 200);
      expectError(
        await host.client.put(path, { price_minor: 800, count: 30 }),
        409,
        'space_already_started',
      );
      await host.client.post(`/api/v1/spaces/${space.id}/end`);
      expectError(await host.client.put(path, { price_minor: 800, count: 30 }), 409, 'space_ended');
    });

    test('refusals when buying', async () => {
      const host = await grantedSeller();
      const space = await ticketedSpace(host, { price_minor: 500, count: 5 }, clock.now() + HOUR);
      const buyPath = `/api/v1/spaces/${space.id}/tickets`;
      expectError(await host.client.post(buyPath), 400, 'own_space');
      expectError(await t.client().post(buyPath), 401, 'account_required');
      const guest = t.client();
      const token = await guest.post('/api/v1/auth/guest');
      assert.equal(token.status, 201);
      guest.bearer = token.body.token;
      expectError(await guest.post(buyPath), 401, 'account_required');
      const ann = await t.user();
      await buy(ann.client, space.id);
      expectError(await ann.client.post(buyPath), 409, 'already_has_ticket');
      const blocked = await t.user();
      assert.equal(
        (await host.client.post(`/api/v1/users/${blocked.id}/block`)).status < 300,
        true,
      );
      expectError(await blocked.client.post(buyPath), 403, 'blocked_by_host');
      const free = await host.client.post('/api/v1/spaces', {
        title: 'free',
        scheduled_start: new Date(clock.now() + HOUR).toISOString(),
      });
      expectError(
        await ann.client.post(`/api/v1/spaces/${free.body.id}/tickets`),
        400,
        'space_not_ticketed',
      );
      expectError(
        await ann.client.post('/api/v1/spaces/zzzzzzzzzzzzzzzzzzzz/tickets'),
        404,
        'space_not_found',
      );
      // A checkout abandoned gives its seat back; someone else's checkout is not found.
      const bob = await t.user();
      const started = await bob.client.post(buyPath);
      assert.equal((await host.client.get(`/api/v1/spaces/${space.id}`)).body.ticketing.left, 3);
      expectError(
        await ann.client.post(`/api/v1/tickets/test-checkouts/${started.body.checkout.id}/pay`),
        404,
        'checkout_not_found',
      );
      assert.equal(
        (await bob.client.post(`/api/v1/tickets/test-checkouts/${started.body.checkout.id}/cancel`))
          .status,
        200,
      );
      assert.equal((await host.client.get(`/api/v1/spaces/${space.id}`)).body.ticketing.left, 4);
      expectError(
        await bob.client.post(`/api/v1/tickets/test-checkouts/${started.body.checkout.id}/pay`),
        409,
        'checkout_expired',
      );
      // A hold runs out: the seat is back, and paying is refused.
      const carl = await t.user();
      const held = await carl.client.post(buyPath);
      clock.advance(11 * 60_000);
      expectError(
        await carl.client.post(`/api/v1/tickets/test-checkouts/${held.body.checkout.id}/pay`),
        409,
        'checkout_expired',
      );
      // Buying again later works (same ticket row, new checkout).
      const again = await buy(carl.client, space.id);
      assert.equal(again.state, 'paid');
      // Cancelled: no more buying.
      await host.client.post(`/api/v1/spaces/${space.id}/cancel`);
      const dan = await t.user();
      expectError(await dan.client.post(buyPath), 409, 'space_ended');
      const mine = await ann.client.get('/api/v1/me/tickets');
      assert.equal(mine.body.data[0].space.id, space.id);
    });

    test('fees cross the threshold inside one space; sales page, admin totals, CSV, payout', async () => {
      const host = await grantedSeller();
      const space = await ticketedSpace(host, { price_minor: 700, count: 5 }, clock.now() + HOUR);
      const buyers = [await t.user(), await t.user(), await t.user()];
      for (const b of buyers) {
        await buy(b.client, space.id);
        clock.advance(1000);
      }
      const pending = await host.client.get('/api/v1/me/sales');
      assert.equal(pending.body.totals.pending_minor, 2100);
      assert.equal(pending.body.spaces[0].state, 'pending');
      clock.advance(HOUR);
      await host.client.post(`/api/v1/spaces/${space.id}/start`);
      await host.client.post(`/api/v1/spaces/${space.id}/end`);
      for (let i = 0; i < 50 && (await balanceOf(t, `escrow:${space.id}`)) > 0; i++) {
        await t.server.services.scheduler.tick();
        await new Promise((r) => setImmediate(r));
      }
      // Threshold 1000: sale 1 all at 3 % (21); sale 2 300 at 3 % (9) + 400 at 20 % (80); sale 3 at 20 % (140).
      const fees = 21 + 89 + 140;
      const sales = await host.client.get('/api/v1/me/sales');
      assert.equal(sales.status, 200, JSON.stringify(sales.body));
      assert.equal(sales.body.lifetime_gross_minor, 2100);
      assert.equal(sales.body.fee_rate_bps_now, 2000);
      assert.deepEqual(sales.body.totals, {
        gross_minor: 2100,
        refunded_minor: 0,
        fee_minor: fees,
        net_minor: 2100 - fees,
        pending_minor: 0,
        available_minor: 2100 - fees,
        paid_out_minor: 0,
      });
      assert.equal(sales.body.spaces[0].state, 'available');
      assert.equal(sales.body.spaces[0].sold, 3);
      expectError(await host.client.get('/api/v1/admin/tickets/summary'), 403, 'admin_only');
      const summary = await admin.client.get('/api/v1/admin/tickets/summary');
      assert.ok(
        summary.body.hosts.some(
          (h: any) => h.host.id === host.id && h.payable_minor === 2100 - fees,
        ),
      );
      const paid = await admin.client.post('/api/v1/admin/tickets/payouts', { host_id: host.id });
      assert.equal(paid.status, 200, JSON.stringify(paid.body));
      assert.equal(paid.body.payout.amount_minor, 2100 - fees);
      expectError(
        await admin.client.post('/api/v1/admin/tickets/payouts', { host_id: host.id }),
        409,
        'nothing_to_pay',
      );
      const after = await host.client.get('/api/v1/me/sales');
      assert.equal(after.body.totals.available_minor, 0);
      assert.equal(after.body.totals.paid_out_minor, 2100 - fees);
      const csv = await admin.client.get('/api/v1/admin/tickets/ledger.csv');
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
      const lines = (csv.body as string).trim().split('\r\n');
      assert.equal(
        lines[0],
        'entry_id,transaction_id,created_at,kind,idempotency_key,account,amount_minor,currency,space_id,ticket_id,host_id,external_ref',
      );
      const total = lines.slice(1).reduce((n, l) => n + Number(l.split(',')[6]), 0);
      assert.equal(total, 0);
      assert.ok(
        lines.some((l) =>
          l.includes(`,payout,payout:${host.id}:1,host_paid:${host.id},${2100 - fees},`),
        ),
      );
      expectError(await host.client.get('/api/v1/admin/tickets/ledger.csv'), 403, 'admin_only');
      assert.deepEqual(await ledgerImbalances(t), []);
    });
  });
}
