import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../src/util/clock.js';
import { type Backend, startTestServer, type TestServer } from '../support/server.js';
import {
  balanceOf,
  ledgerImbalances,
  OPEN_SELLING,
  seller,
  ticketedSpace,
} from './support/selling.js';

/**
 * Exactly `count` under races: 100 signed-in buyers ask for one of 10 tickets
 * at the same moment, through HTTP, on each engine. The reservation is one
 * conditional update (`sold + held < count`), so exactly 10 checkouts hold a
 * seat and 90 are told `sold_out`; the 10 pay, and the ledger balances.
 */
for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`100 buyers race for 10 tickets on ${backend}`, () => {
    let t: TestServer;
    const clock = new ManualClock(Date.UTC(2026, 5, 1, 12));
    before(async () => {
      t = await startTestServer({
        backend,
        clock,
        env: { ...OPEN_SELLING, SCHEDULER_POLL_MS: '0' },
      });
    });
    after(() => t.close());

    test('exactly 10 sold, 90 sold_out, the ledger balances', async () => {
      const host = await seller(t);
      const space = await ticketedSpace(
        host,
        { price_minor: 1500, count: 10 },
        clock.now() + 3600_000,
      );
      const buyers: Array<Awaited<ReturnType<TestServer['user']>>> = [];
      for (let i = 0; i < 100; i += 20) {
        buyers.push(...(await Promise.all(Array.from({ length: 20 }, () => t.user()))));
      }
      const replies = await Promise.all(
        buyers.map((b) => b.client.post(`/api/v1/spaces/${space.id}/tickets`)),
      );
      const ok = replies.filter((r) => r.status === 200);
      const refused = replies.filter((r) => r.status !== 200);
      assert.equal(ok.length, 10);
      assert.equal(refused.length, 90);
      for (const r of refused) {
        assert.equal(r.status, 409);
        assert.equal(r.body.error.code, 'sold_out');
      }
      const paid = await Promise.all(
        replies.map((r, i) =>
          r.status === 200
            ? buyers[i]!.client.post(`/api/v1/tickets/test-checkouts/${r.body.checkout.id}/pay`)
            : null,
        ),
      );
      assert.equal(paid.filter((p) => p?.status === 200).length, 10);
      const card = await host.client.get(`/api/v1/spaces/${space.id}`);
      assert.deepEqual(card.body.ticketing, {
        price_minor: 1500,
        currency: 'usd',
        count: 10,
        sold: 10,
        left: 0,
        sold_out: true,
      });
      const rows = await t.server.services.storage.db
        .selectFrom('tickets')
        .select('state')
        .where('space_id', '=', space.id)
        .execute();
      assert.equal(rows.filter((r) => r.state === 'paid').length, 10);
      assert.deepEqual(await ledgerImbalances(t), []);
      assert.equal(await balanceOf(t, `escrow:${space.id}`), 15_000);
      // One more, after the race: still sold out.
      const late = await buyers[0]!.client.post(`/api/v1/spaces/${space.id}/tickets`);
      assert.ok(late.status === 409, JSON.stringify(late.body));
    });
  });
}
