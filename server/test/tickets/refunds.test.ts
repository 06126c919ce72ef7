import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { createServer, type SalonServer } from '../../src/server.js';
import { NO_SHOW_JOB } from '../../src/tickets/jobs.js';
import { ManualClock } from '../../src/util/clock.js';
import { type Backend, startTestServer, type TestServer } from '../support/server.js';
import {
  balanceOf,
  buy,
  ledgerImbalances,
  OPEN_SELLING,
  seller,
  ticketedSpace,
} from './support/selling.js';

const HOUR = 3600_000;
const GRACE_MINUTES = 30;

/**
 * Money back: a cancelled space refunds every buyer; a host who never starts
 * is a no-show, refunded by a durable job exactly once even with two nodes
 * ticking at once, or after a node died holding the job; a holder removed
 * before the start is refunded; an admin refunds one buyer. Buyers are told
 * once, in the app and by a message from the host.
 */
for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`ticket refunds on ${backend}`, () => {
    let t: TestServer;
    let second: SalonServer;
    const clock = new ManualClock(Date.UTC(2026, 5, 1, 12));
    before(async () => {
      t = await startTestServer({
        backend,
        clock,
        env: {
          ...OPEN_SELLING,
          SCHEDULER_POLL_MS: '0',
          TICKET_NO_SHOW_GRACE_MINUTES: String(GRACE_MINUTES),
        },
      });
      // A second node on the same data, with its own scheduler: the job table is shared.
      second = await createServer(t.config, {
        clock,
        logger: pino({ level: 'silent' }),
        processMetrics: false,
        nodeId: 'node-b',
        ...(t.pgSchema ? { storage: { pgSchema: t.pgSchema, poolSize: 5 } } : {}),
      });
    });
    after(async () => {
      await second.stop();
      await t.close();
    });

    const db = () => t.server.services.storage.db;
    const refundTxs = async (spaceId: string) =>
      (
        await db()
          .selectFrom('ledger_transactions')
          .select('id')
          .where('space_id', '=', spaceId)
          .where('kind', '=', 'refund')
          .execute()
      ).length;
    const notices = async (spaceId: string) =>
      db()
        .selectFrom('notifications')
        .select(['user_id', 'message_id'])
        .where('space_id', '=', spaceId)
        .where('kind', '=', 'ticket_refunded')
        .execute();
    const states = async (spaceId: string) =>
      (
        await db().selectFrom('tickets').select('state').where('space_id', '=', spaceId).execute()
      ).map((r) => r.state);
    const buyers = (n: number) => Promise.all(Array.from({ length: n }, () => t.user()));

    test('cancelling a ticketed scheduled space refunds every buyer, once', async () => {
      const host = await seller(t);
      const space = await ticketedSpace(host, { price_minor: 700, count: 5 }, clock.now() + HOUR);
      const people = await buyers(3);
      for (const b of people) await buy(b.client, space.id);
      assert.equal(await balanceOf(t, `escrow:${space.id}`), 2100);
      const cancelled = await host.client.post(`/api/v1/spaces/${space.id}/cancel`);
      assert.equal(cancelled.status, 200);
      await t.server.services.scheduler.tick();
      await second.services.scheduler.tick();
      assert.deepEqual(await states(space.id), ['refunded', 'refunded', 'refunded']);
      assert.equal(await refundTxs(space.id), 3);
      assert.equal(await balanceOf(t, `escrow:${space.id}`), 0);
      for (const b of people) assert.equal(await balanceOf(t, `buyer:${b.id}`), 0);
      const told = await notices(space.id);
      assert.deepEqual(told.map((n) => n.user_id).sort(), people.map((b) => b.id).sort());
      // Each with the host's message naming the amount.
      for (const n of told) {
        const dm = await db()
          .selectFrom('direct_messages')
          .select(['text', 'sender_id'])
          .where('id', '=', n.message_id!)
          .executeTakeFirstOrThrow();
        assert.equal(dm.sender_id, host.id);
        assert.match(dm.text, /refunded: \$7\.00/);
      }
      const mine = await people[0]!.client.get(`/api/v1/spaces/${space.id}/tickets/mine`);
      assert.equal(mine.body.ticket.state, 'refunded');
      // A refund asked again (an admin, a retried job) changes nothing.
      const ticketId = mine.body.ticket.id as string;
      await t.server.services.tickets.refunds.refund(ticketId, 'admin');
      assert.equal(await refundTxs(space.id), 3);
      assert.equal((await notices(space.id)).length, 3);
      assert.deepEqual(await ledgerImbalances(t), []);
    });

    test('a no-show is refunded once, with two nodes ticking at the same time', async () => {
      const host = await seller(t);
      const start = clock.now() + HOUR;
      const space = await ticketedSpace(host, { price_minor: 900, count: 5 }, start);
      const people = await buyers(4);
      for (const b of people) await buy(b.client, space.id);
      // Not yet: within the grace.
      clock.set(start + (GRACE_MINUTES - 1) * 60_000);
      await Promise.all([t.server.services.scheduler.tick(), second.services.scheduler.tick()]);
      assert.deepEqual(await states(space.id), ['paid', 'paid', 'paid', 'paid']);
      clock.set(start + GRACE_MINUTES * 60_000);
      await Promise.all([t.server.services.scheduler.tick(), second.services.scheduler.tick()]);
      await Promise.all([t.server.services.scheduler.tick(), second.services.scheduler.tick()]);
      assert.deepEqual(await states(space.id), ['refunded', 'refunded', 'refunded', 'refunded']);
      assert.equal(await refundTxs(space.id), 4);
      assert.equal((await notices(space.id)).length, 4);
      // Cancelled through the model, by whichever node ran the job (read from storage:
      // without Redis, the other node's cache learns of it only when it re-reads).
      const row = await db()
        .selectFrom('spaces')
        .select('state')
        .where('id', '=', space.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.state, 'cancelled');
      assert.deepEqual(await ledgerImbalances(t), []);
    });

    test('a node that dies holding the no-show job: another finishes it when the lease runs out', async () => {
      const host = await seller(t);
      const start = clock.now() + HOUR;
      const space = await ticketedSpace(host, { price_minor: 1100, count: 6 }, start);
      const people = await buyers(5);
      for (const b of people) await buy(b.client, space.id);
      clock.set(start + GRACE_MINUTES * 60_000);
      // The dead node had claimed the job and refunded two buyers when it died.
      const job = await db()
        .selectFrom('jobs')
        .selectAll()
        .where('kind', '=', NO_SHOW_JOB)
        .where('key', 'like', `tickets:no_show:${space.id}:%`)
        .executeTakeFirstOrThrow();
      await db()
        .updateTable('jobs')
        .set({ claimed_by: 'dead-node', lease_until: clock.now() + 60_000, attempts: 1 })
        .where('id', '=', job.id)
        .execute();
      const tickets = await db()
        .selectFrom('tickets')
        .select('id')
        .where('space_id', '=', space.id)
        .orderBy('id')
        .execute();
      for (const { id } of tickets.slice(0, 2)) {
        await t.server.services.tickets.refunds.refund(id, 'no_show');
      }
      await Promise.all([t.server.services.scheduler.tick(), second.services.scheduler.tick()]);
      const held = await db()
        .selectFrom('jobs')
        .select(['done_at', 'claimed_by'])
        .where('id', '=', job.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(held, { done_at: null, claimed_by: 'dead-node' }, 'the lease still holds');
      assert.deepEqual(await states(space.id), ['paid', 'paid', 'paid', 'refunded', 'refunded']);
      clock.advance(61_000);
      await Promise.all([t.server.services.scheduler.tick(), second.services.scheduler.tick()]);
      assert.deepEqual(await states(space.id), Array(5).fill('refunded'));
      assert.equal(await refundTxs(space.id), 5);
      assert.equal((await notices(space.id)).length, 5);
      const done = await db()
        .selectFrom('jobs')
        .select(['done_at', 'failed', 'attempts'])
        .where('id', '=', job.id)
        .executeTakeFirstOrThrow();
      assert.ok(done.done_at !== null && done.failed === 0 && done.attempts === 2);
      assert.deepEqual(await ledgerImbalances(t), []);
    });

    test('a space that starts in time is not refunded; a reschedule moves the deadline', async () => {
      const host = await seller(t);
      const start = clock.now() + HOUR;
      const space = await ticketedSpace(host, { price_minor: 500, count: 5 }, start);
      const [ann] = await buyers(1);
      await buy(ann!.client, space.id);
      const later = start + 2 * HOUR;
      const moved = await host.client.put(`/api/v1/spaces/${space.id}/schedule`, {
        scheduled_start: new Date(later).toISOString(),
      });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      clock.set(start + GRACE_MINUTES * 60_000);
      await t.server.services.scheduler.tick();
      assert.deepEqual(await states(space.id), ['paid']);
      clock.set(later);
      assert.equal((await host.client.post(`/api/v1/spaces/${space.id}/start`)).status, 200);
      clock.set(later + GRACE_MINUTES * 60_000);
      await t.server.services.scheduler.tick();
      assert.deepEqual(await states(space.id), ['paid']);
      await host.client.post(`/api/v1/spaces/${space.id}/end`);
    });

    test('a holder removed before the start is refunded; an admin refunds one buyer', async () => {
      const admin = (await db()
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'admin')
        .executeTakeFirst())!;
      assert.ok(admin);
      const host = await seller(t);
      const space = await ticketedSpace(host, { price_minor: 600, count: 5 }, clock.now() + HOUR);
      const [ann, bob] = await buyers(2);
      await buy(ann!.client, space.id);
      const bobTicket = await buy(bob!.client, space.id);
      const removed = await host.client.post(`/api/v1/spaces/${space.id}/removals`, {
        kind: 'user',
        id: ann!.id,
      });
      assert.equal(removed.status, 200, JSON.stringify(removed.body));
      // The refund job is enqueued after the commit; wait for it to exist, then run it.
      for (let i = 0; i < 50; i++) {
        const queued = await db()
          .selectFrom('jobs')
          .select('id')
          .where('kind', '=', 'tickets_refund')
          .where('done_at', 'is', null)
          .executeTakeFirst();
        if (queued) break;
        await new Promise((r) => setImmediate(r));
      }
      await t.server.services.scheduler.tick();
      const annMine = await ann!.client.get(`/api/v1/spaces/${space.id}/tickets/mine`);
      assert.equal(annMine.body.ticket.state, 'refunded');
      const back = await t.server.services.tickets.adminRefund(bobTicket.id);
      assert.equal(back.state, 'refunded');
      const card = await host.client.get(`/api/v1/spaces/${space.id}`);
      assert.equal(card.body.ticketing.sold, 0);
      assert.equal(card.body.ticketing.left, 5);
      assert.deepEqual(await ledgerImbalances(t), []);
    });
  });
}
