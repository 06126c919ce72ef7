import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { splitSale } from '../../src/tickets/rules.js';
import { ManualClock } from '../../src/util/clock.js';
import { type Backend, startTestServer, type TestServer } from '../support/server.js';
import { OPEN_SELLING, seller } from './support/selling.js';

const HOUR = 3600_000;
const THRESHOLD = 3000;
const FEES = { feeBps: 300, feeHighBps: 2000, thresholdMinor: THRESHOLD };

type Op =
  | { kind: 'space'; host: number; price: number; count: number }
  | { kind: 'buy'; buyer: number; space: number }
  | { kind: 'refund'; pick: number }
  | { kind: 'cancel'; space: number }
  | { kind: 'end'; space: number }
  | { kind: 'payout'; host: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('space' as const),
      host: fc.nat(2),
      price: fc.integer({ min: 100, max: 2500 }),
      count: fc.integer({ min: 5, max: 6 }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('buy' as const), buyer: fc.nat(6), space: fc.nat(9) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('refund' as const), pick: fc.nat(50) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), space: fc.nat(9) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('end' as const), space: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('payout' as const), host: fc.nat(2) }) },
);

/**
 * The ledger under any story: random sequences of spaces, purchases, refunds
 * (before and after settlement, before and after payouts), cancellations,
 * endings (settlements that cross the fee threshold) and payouts, run through
 * the real services and HTTP on each engine. After each: every transaction
 * and every currency sums to zero; escrow, fees and paid-out never go
 * negative, buyers never positive, a host's payable only after a refund that
 * followed a payout; per host, net + fees = gross − refunds; every settlement
 * charged what the rules say for the host's lifetime at that sale.
 */
for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`ledger properties on ${backend}`, () => {
    let t: TestServer;
    const clock = new ManualClock(Date.UTC(2026, 5, 1, 12));
    let hosts: Awaited<ReturnType<typeof seller>>[] = [];
    let buyers: Awaited<ReturnType<TestServer['user']>>[] = [];
    before(async () => {
      t = await startTestServer({
        backend,
        clock,
        env: {
          ...OPEN_SELLING,
          SCHEDULER_POLL_MS: '0',
          TICKET_FEE_THRESHOLD_MINOR: String(THRESHOLD),
        },
      });
      await t.user(); // the admin
      hosts = [await seller(t), await seller(t), await seller(t)];
      buyers = await Promise.all(Array.from({ length: 7 }, () => t.user()));
    });
    after(() => t.close());

    // Across runs: the books are checked whole, and a debt from an earlier run stays.
    const refundAfterPayout = new Set<string>();
    const paidOut = new Set<string>();
    const db = () => t.server.services.storage.db;
    const tickets = () => t.server.services.tickets;

    async function settle() {
      // Jobs run after the commit hooks enqueue them: tick until nothing is left to do.
      for (let i = 0; i < 20; i++) {
        await new Promise((r) => setImmediate(r));
        const ran = await t.server.services.scheduler.tick();
        const open = await db()
          .selectFrom('jobs')
          .select('id')
          .where('done_at', 'is', null)
          .where('run_at', '<=', clock.now())
          .where('kind', 'like', 'tickets_%')
          .executeTakeFirst();
        if (ran === 0 && !open) return;
      }
    }

    async function run(ops: Op[]) {
      const spaces: Array<{ id: string; host: number }> = [];
      for (const o of ops) {
        if (o.kind === 'space') {
          const host = hosts[o.host]!;
          const r = await host.client.post('/api/v1/spaces', {
            title: 'prop',
            scheduled_start: new Date(clock.now() + HOUR).toISOString(),
            ticketing: { price_minor: o.price, count: o.count },
          });
          assert.equal(r.status, 201, JSON.stringify(r.body));
          spaces.push({ id: r.body.id, host: o.host });
        } else if (o.kind === 'buy' && spaces.length > 0) {
          const space = spaces[o.space % spaces.length]!;
          const b = buyers[o.buyer]!;
          const c = await b.client.post(`/api/v1/spaces/${space.id}/tickets`);
          if (c.status === 200) {
            const p = await b.client.post(
              `/api/v1/tickets/test-checkouts/${c.body.checkout.id}/pay`,
            );
            assert.equal(p.status, 200, JSON.stringify(p.body));
          } else {
            assert.ok(
              ['sold_out', 'already_has_ticket', 'space_ended'].includes(c.body.error.code),
              JSON.stringify(c.body),
            );
          }
        } else if (o.kind === 'refund') {
          const paid = await db()
            .selectFrom('tickets')
            .select(['id', 'host_id'])
            .where('state', '=', 'paid')
            .orderBy('id')
            .execute();
          if (paid.length === 0) continue;
          const ticket = paid[o.pick % paid.length]!;
          if (paidOut.has(ticket.host_id)) refundAfterPayout.add(ticket.host_id);
          await tickets().adminRefund(ticket.id);
        } else if (o.kind === 'cancel' && spaces.length > 0) {
          const space = spaces[o.space % spaces.length]!;
          await hosts[space.host]!.client.post(`/api/v1/spaces/${space.id}/cancel`);
          await settle();
        } else if (o.kind === 'end' && spaces.length > 0) {
          const space = spaces[o.space % spaces.length]!;
          const host = hosts[space.host]!;
          await host.client.post(`/api/v1/spaces/${space.id}/start`);
          await host.client.post(`/api/v1/spaces/${space.id}/end`);
          await settle();
        } else if (o.kind === 'payout') {
          const hostId = hosts[o.host]!.id;
          await tickets()
            .payout(hostId)
            .then(() => paidOut.add(hostId))
            .catch((e: { code?: string }) => assert.equal(e.code, 'nothing_to_pay'));
        }
      }
      await settle();
      // Left live spaces end, so the next run starts from settled hosts.
      for (const s of spaces) await hosts[s.host]!.client.post(`/api/v1/spaces/${s.id}/end`);
      await settle();
      await check();
    }

    async function check() {
      const entries = await db()
        .selectFrom('ledger_entries')
        .innerJoin('ledger_transactions', 'ledger_transactions.id', 'ledger_entries.transaction_id')
        .select([
          'ledger_entries.transaction_id as tx',
          'ledger_entries.account as account',
          'ledger_entries.amount_minor as amount',
          'ledger_entries.currency as currency',
          'ledger_transactions.kind as kind',
          'ledger_transactions.host_id as host',
          'ledger_entries.id as id',
        ])
        .orderBy('ledger_entries.id')
        .execute();
      const sums = new Map<string, number>();
      const add = (k: string, v: number) => sums.set(k, (sums.get(k) ?? 0) + v);
      for (const e of entries) {
        const v = Number(e.amount);
        add(`tx:${e.tx}`, v);
        add(`cur:${e.currency}`, v);
        add(`acct:${e.account}`, v);
        if (e.host) {
          if (e.kind === 'purchase' && e.account.startsWith('escrow:')) add(`gross:${e.host}`, v);
          if (e.kind === 'refund' && e.account.startsWith('buyer:')) add(`refunded:${e.host}`, v);
          if (e.account === 'platform_fees') add(`fees:${e.host}`, v);
          if (e.account.startsWith('escrow:')) add(`escrow:${e.host}`, v);
        }
      }
      for (const [k, v] of sums) {
        if (k.startsWith('tx:') || k.startsWith('cur:')) assert.equal(v, 0, `${k} sums to ${v}`);
        if (
          k.startsWith('acct:escrow:') ||
          k === 'acct:platform_fees' ||
          k.startsWith('acct:host_paid:')
        )
          assert.ok(v >= 0, `${k} is ${v}`);
        if (k.startsWith('acct:buyer:')) assert.ok(v <= 0, `${k} is ${v}`);
        if (
          k.startsWith('acct:host_payable:') &&
          !refundAfterPayout.has(k.slice('acct:host_payable:'.length))
        )
          assert.ok(v >= 0, `${k} is ${v}`);
      }
      for (const h of hosts) {
        const g = (k: string) => sums.get(`${k}:${h.id}`) ?? 0;
        const net =
          (sums.get(`acct:host_payable:${h.id}`) ?? 0) +
          (sums.get(`acct:host_paid:${h.id}`) ?? 0) +
          g('escrow');
        assert.equal(net + g('fees'), g('gross') - g('refunded'), `host ${h.id}`);
        // Each settlement's fee, recomputed from the lifetime before it.
        const settlements = await db()
          .selectFrom('ledger_transactions')
          .innerJoin('ledger_entries', 'ledger_entries.transaction_id', 'ledger_transactions.id')
          .select([
            'ledger_transactions.id as tx',
            'ledger_entries.account as account',
            'ledger_entries.amount_minor as amount',
          ])
          .where('ledger_transactions.kind', '=', 'settlement')
          .where('ledger_transactions.host_id', '=', h.id)
          .orderBy('ledger_transactions.id')
          .execute();
        const byTx = new Map<string, { price: number; fee: number }>();
        for (const e of settlements) {
          const s = byTx.get(e.tx) ?? { price: 0, fee: 0 };
          if (e.account.startsWith('escrow:')) s.price = -Number(e.amount);
          if (e.account === 'platform_fees') s.fee = Number(e.amount);
          byTx.set(e.tx, s);
        }
        let lifetime = 0;
        for (const s of byTx.values()) {
          assert.equal(s.fee, splitSale(s.price, lifetime, FEES).feeMinor);
          lifetime += s.price;
        }
      }
      const offers = await db()
        .selectFrom('ticket_offers')
        .select(['space_id', 'sold', 'count', 'held'])
        .execute();
      for (const o of offers) {
        const paid = await db()
          .selectFrom('tickets')
          .select('id')
          .where('space_id', '=', o.space_id)
          .where('state', '=', 'paid')
          .execute();
        assert.equal(o.sold, paid.length);
        assert.ok(o.sold + o.held <= o.count);
      }
    }

    test('any sequence keeps the books', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 8, maxLength: 30 }), (ops) =>
          run(ops).catch((error: unknown) => {
            console.error(error);
            throw error;
          }),
        ),
        { numRuns: 25, seed: 20260601, endOnFailure: true },
      );
      // The stories did reach every kind of transaction, and the threshold.
      const kinds = await db()
        .selectFrom('ledger_transactions')
        .select(['kind', 'host_id'])
        .execute();
      const count = (k: string) => kinds.filter((r) => r.kind === k).length;
      for (const k of ['purchase', 'settlement', 'refund', 'payout']) assert.ok(count(k) > 0, k);
      const lifetimes = await Promise.all(
        hosts.map((h) => t.server.services.tickets.reports.forHost(h.id)),
      );
      assert.ok(lifetimes.some((l) => l.lifetime_gross_minor > THRESHOLD));
      console.log(
        `${backend}: ${kinds.length} transactions (${count('purchase')} purchases, ${count('settlement')} settlements, ${count('refund')} refunds, ${count('payout')} payouts); lifetimes ${lifetimes.map((l) => l.lifetime_gross_minor).join(', ')}`,
      );
    });
  });
}
