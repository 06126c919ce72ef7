import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/util/clock.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { liveSpace } from '../support/factories.js';
import { eventually } from '../support/realtime.js';

/**
 * The job scheduler with two Salon nodes on one PostgreSQL schema and a clock
 * moved by hand: every reminder reaches its people exactly once, whichever
 * node runs it, across a restart of both nodes in the middle of the due
 * window, and after a node dies holding a job.
 */
const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12);
const clock = new ManualClock(T0);
let cluster: TestCluster;
const up = [true, true];

before(async () => {
  cluster = await startTestCluster({ nodes: 2, clock, env: { SCHEDULER_POLL_MS: '0' } });
});
after(() => cluster.close());

/** Both nodes look for due jobs at the same moment, as two processes would. */
async function tickAll(): Promise<void> {
  await Promise.all(cluster.nodes.map((node, i) => (up[i] ? node.services.scheduler.tick() : 0)));
}

type Row = { user_id: string; kind: string; space_id: string | null; n: number };
async function delivered(kinds: string[]): Promise<Row[]> {
  const db = cluster.nodes[0]!.services.storage.db;
  const rows = await db
    .selectFrom('notifications')
    .select(['user_id', 'kind', 'space_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('kind', 'in', kinds)
    .groupBy(['user_id', 'kind', 'space_id'])
    .execute();
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

const keyOf = (r: { user_id: string; kind: string; space_id: string | null }) =>
  `${r.user_id} ${r.kind} ${r.space_id}`;

test('two nodes deliver every reminder exactly once, across a restart of both in the middle of the due window', async () => {
  const host = await cluster.user(0, 'eohost'); // the first account administers, so may host
  const holders = await Promise.all([0, 1, 0, 1].map((n) => cluster.user(n)));
  const followers = await Promise.all([1, 0].map((n) => cluster.user(n)));
  // This one follows the host and also set reminders: told once per space, by the reminder.
  const both = holders[0]!;
  for (const f of [...followers, both]) {
    assert.equal((await f.client.post(`/api/v1/users/${host.id}/follow`)).status, 200);
  }

  // Fifteen spaces, starting 40 to 110 minutes from now; the first one starts early.
  const starts = Array.from({ length: 15 }, (_, i) => T0 + (40 + 5 * i) * MIN);
  const spaces: Array<{ id: string; start: number; live: boolean }> = [];
  for (const [i, start] of starts.entries()) {
    const node = cluster.client(i % 2);
    node.cookies.clear();
    for (const [k, v] of host.client.cookies) node.cookies.set(k, v);
    const reply = await node.post('/api/v1/spaces', {
      title: `Scheduled ${i}`,
      scheduled_start: new Date(start).toISOString(),
    });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    spaces.push({ id: reply.body.id, start, live: false });
  }
  for (const [i, h] of holders.entries()) {
    for (const s of spaces.filter((_, j) => (i + j) % 2 === 0 || h === both)) {
      const reply = await h.client.post(`/api/v1/spaces/${s.id}/reminder`);
      assert.equal(reply.status, 200);
    }
  }
  const reminded = new Map(spaces.map((s) => [s.id, new Set<string>()]));
  for (const [i, h] of holders.entries()) {
    for (const [j, s] of spaces.entries()) {
      if ((i + j) % 2 === 0 || h === both) reminded.get(s.id)!.add(h.id);
    }
  }
  const count = await host.client.get(`/api/v1/spaces/${spaces[0]!.id}/reminder`);
  assert.equal(count.body.reminder_count, reminded.get(spaces[0]!.id)!.size);

  /** The host goes live two minutes late, through either node. */
  const goLive = async (s: (typeof spaces)[number], node: number) => {
    const c = cluster.client(node);
    for (const [k, v] of host.client.cookies) c.cookies.set(k, v);
    const reply = await c.post(`/api/v1/spaces/${s.id}/start`);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    s.live = true;
  };
  let turn = 0;
  // Two-minute steps: due jobs run up to two minutes late, as with a slow poll.
  const step = async () => {
    clock.advance(2 * MIN);
    await tickAll();
    for (const s of spaces) {
      if (!s.live && s.start <= clock.now() - 2 * MIN) await goLive(s, turn++ % 2);
    }
    await tickAll();
  };

  clock.advance(5 * MIN);
  await goLive(spaces[0]!, 1); // early: its host reminders are never sent
  while (clock.now() < T0 + 63 * MIN) await step();

  // Both nodes go down; due times pass meanwhile; both come back.
  up[0] = up[1] = false;
  await cluster.stop(0);
  await cluster.stop(1);
  clock.set(T0 + 100 * MIN);
  await cluster.start(1);
  up[1] = true;
  await tickAll(); // node 1 alone catches up on what fell due while everything was down
  await cluster.start(0);
  up[0] = true;
  while (clock.now() < T0 + 125 * MIN) await step();

  // What must have been sent, once each.
  const expected = new Set<string>();
  for (const s of spaces.slice(1)) {
    // The 30-minute reminder is skipped only when it fell due while everything was down
    // and the start time had passed too by the time a node came back.
    const stale = s.start - 30 * MIN > T0 + 63 * MIN && s.start <= T0 + 100 * MIN;
    if (!stale)
      expected.add(keyOf({ user_id: host.id, kind: 'space_starting_soon', space_id: s.id }));
    expected.add(keyOf({ user_id: host.id, kind: 'space_start_time', space_id: s.id }));
  }
  for (const s of spaces) {
    for (const id of reminded.get(s.id)!) {
      expected.add(keyOf({ user_id: id, kind: 'space_reminder', space_id: s.id }));
    }
    for (const f of followers) {
      expected.add(keyOf({ user_id: f.id, kind: 'space_started', space_id: s.id }));
    }
  }
  assert.ok(expected.size > 60, `a real workload: ${expected.size} notifications`);
  const kinds = ['space_starting_soon', 'space_start_time', 'space_reminder', 'space_started'];
  await eventually(
    async () => {
      await tickAll();
      return (await delivered(kinds)).length >= expected.size;
    },
    'every notification',
    10_000,
  );
  const rows = await delivered(kinds);
  assert.deepEqual(
    rows.filter((r) => r.n !== 1).map((r) => `${keyOf(r)} ×${r.n}`),
    [],
    'nobody was told twice',
  );
  assert.deepEqual(new Set(rows.map(keyOf)), expected);

  // Both nodes did part of the work.
  const db = cluster.nodes[0]!.services.storage.db;
  const byNode = await db
    .selectFrom('jobs')
    .select('claimed_by')
    .distinct()
    .where('done_at', 'is not', null)
    .execute();
  assert.deepEqual(new Set(byNode.map((r) => r.claimed_by)), new Set(['node-0', 'node-1']));
});

test('a job held by a node that died mid-run is finished by another node when its lease runs out, and nobody hears twice', async () => {
  const host = await cluster.user(0);
  await cluster.nodes[0]!.services.storage.db.updateTable('users')
    .set({ can_host: 1 })
    .where('id', '=', host.id)
    .execute();
  const followers = await Promise.all(Array.from({ length: 6 }, (_, i) => cluster.user(i % 2)));
  for (const f of followers) await f.client.post(`/api/v1/users/${host.id}/follow`);
  const space = await liveSpace(host, { title: 'Live at once' });
  const db = cluster.nodes[0]!.services.storage.db;
  const key = `space:${space.id}:live`;
  await eventually(
    async () =>
      (await db.selectFrom('jobs').select('id').where('key', '=', key).executeTakeFirst()) !==
      undefined,
    'the announcement job',
  );

  // A third node claimed the job, told half of the followers, and died.
  await db
    .updateTable('jobs')
    .set({ claimed_by: 'node-dead', lease_until: clock.now() + 60_000, attempts: 1 })
    .where('key', '=', key)
    .execute();
  await cluster.nodes[1]!.services.notifications.deliver(
    followers.slice(0, 3).map((f) => ({
      key: `live:${space.id}:${f.id}`,
      input: { userId: f.id, kind: 'space_started', actorId: host.id, spaceId: space.id },
    })),
  );

  const told = async () => {
    const rows = (await delivered(['space_started'])).filter((r) => r.space_id === space.id);
    return new Map(rows.map((r) => [r.user_id, r.n]));
  };
  await tickAll();
  assert.equal((await told()).size, 3, 'the lease keeps the job from running twice at once');

  clock.advance(61_000);
  await tickAll();
  const after = await told();
  assert.deepEqual(
    followers.map((f) => after.get(f.id)),
    followers.map(() => 1),
  );
  const job = await db
    .selectFrom('jobs')
    .selectAll()
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  assert.notEqual(job.done_at, null);
  assert.equal(job.attempts, 2);
  assert.match(job.claimed_by ?? '', /^node-[01]$/);
});
