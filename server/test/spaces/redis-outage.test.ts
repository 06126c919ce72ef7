import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ServerMessage } from '@salon/protocol';
import { Client } from '../support/client.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { liveSpace } from '../support/factories.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { ThrowawayRedis } from '../support/redis.js';

/**
 * Fault injection: two Salon nodes on one PostgreSQL database and a Redis of
 * this test's own, which it kills and starts again. While Redis is down a
 * writer's own node still delivers to its clients and both nodes say they are
 * not ready; once it is back, the other node's clients catch up on what they
 * missed (with no further event to reveal the gap) and readiness returns.
 */
let redis: ThrowawayRedis;
let cluster: TestCluster;
before(async () => {
  redis = await ThrowawayRedis.start();
  cluster = await startTestCluster({
    nodes: 2,
    sharedDataDir: true,
    env: { MEDIA: 'off', REDIS_URL: redis.url, HOST_MIN_FOLLOWERS: '0' },
  });
});
after(async () => {
  await cluster?.close();
  await redis?.close();
});

const nodeA = {
  get url() {
    return cluster.url(0);
  },
  user: (handle: string) => cluster.user(0, handle),
};
const nodeB = {
  get url() {
    return cluster.url(1);
  },
};

async function readiness(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const reply = await fetch(`${url}/readyz`);
  return { status: reply.status, body: (await reply.json()) as Record<string, unknown> };
}

const eventsAt = (rt: RealtimeClient, spaceId: string, version: number) =>
  rt.messages.filter(
    (m: ServerMessage) => m.type === 'event' && m.space_id === spaceId && m.version === version,
  ).length;

test('Redis down and back: own-node clients keep getting events, readiness says so, and the other node resyncs after', async (t) => {
  const host = await nodeA.user('rohost');
  const space = await liveSpace(host, { title: 'Before' });
  const hostRt = await RealtimeClient.connect(nodeA.url, host.client);
  await hostRt.subscribe(space.id);
  const onB = new Client(nodeB.url);
  const registered = await onB.post('/api/v1/auth/register', {
    handle: 'rolistener',
    display_name: 'L',
    password: 'outage listener 4815',
  });
  assert.equal(registered.status, 201, JSON.stringify(registered.body));
  const rtB = await RealtimeClient.connect(nodeB.url, onB);
  await rtB.subscribe(space.id);

  // Up: an edit reaches both nodes, and the writer's clients get it once (local delivery, not Redis's copy too).
  assert.equal(
    (await host.client.patch(`/api/v1/spaces/${space.id}`, { title: 'Up' })).status,
    200,
  );
  await eventually(() => rtB.views.get(space.id)?.space.title === 'Up', 'node B to see "Up"');
  await eventually(() => hostRt.views.get(space.id)?.space.title === 'Up', 'node A to see "Up"');
  const upVersion = hostRt.views.get(space.id)!.version;
  assert.equal((await readiness(nodeA.url)).status, 200);

  await redis.down();
  const downAt = Date.now();
  await eventually(
    async () => (await readiness(nodeA.url)).status === 503,
    'node A to report not ready without Redis',
    10_000,
  );
  const downA = await readiness(nodeA.url);
  assert.equal(downA.body['bus'], 'unreachable');
  assert.equal(downA.body['database'], 'ok');
  const downB = await readiness(nodeB.url);
  assert.equal(downB.status, 503);
  assert.equal(downB.body['bus'], 'unreachable');
  t.diagnostic(`readiness went 503 (bus unreachable) ${Date.now() - downAt} ms after Redis died`);

  // Down: the database still takes the edit, and the writer's own node delivers it.
  const editAt = Date.now();
  assert.equal(
    (await host.client.patch(`/api/v1/spaces/${space.id}`, { title: 'During the outage' })).status,
    200,
  );
  await eventually(
    () => hostRt.views.get(space.id)?.space.title === 'During the outage',
    "the writer's own node to deliver the edit with Redis down",
  );
  t.diagnostic(`own-node delivery with Redis down: ${Date.now() - editAt} ms after the edit`);
  const current = hostRt.views.get(space.id)!.version;
  assert.equal(current, upVersion + 1);
  assert.equal(eventsAt(hostRt, space.id, current), 1, 'delivered once');
  assert.equal(hostRt.resyncs, 0);
  // Nothing carries it to node B now: its client still has the old title.
  assert.equal(rtB.views.get(space.id)?.space.title, 'Up');
  assert.equal(rtB.views.get(space.id)?.version, upVersion);

  // Back: no further event comes, so only a resync after the reconnection brings node B up to date.
  await redis.up();
  const upAt = Date.now();
  await eventually(
    () =>
      rtB.views.get(space.id)?.space.title === 'During the outage' &&
      rtB.views.get(space.id)?.version === current,
    "node B's client to resync to the current version",
    20_000,
  );
  const resyncedIn = Date.now() - upAt;
  await eventually(
    async () =>
      (await readiness(nodeA.url)).status === 200 && (await readiness(nodeB.url)).status === 200,
    'both nodes to be ready again',
    20_000,
  );
  t.diagnostic(
    `after Redis came back: node B's client at version ${current} in ${resyncedIn} ms, both /readyz 200 in ${Date.now() - upAt} ms`,
  );
  assert.equal((await readiness(nodeA.url)).body['bus'], 'ok');

  // And the bus carries events across nodes again, still once per client.
  assert.equal(
    (await host.client.patch(`/api/v1/spaces/${space.id}`, { title: 'After' })).status,
    200,
  );
  await eventually(() => rtB.views.get(space.id)?.space.title === 'After', 'node B to see "After"');
  await eventually(
    () => hostRt.views.get(space.id)?.space.title === 'After',
    'node A to see "After"',
  );
  assert.equal(eventsAt(hostRt, space.id, current + 1), 1, 'once on the writer node');
  assert.equal(eventsAt(rtB, space.id, current + 1), 1, 'once on the other node');
  await hostRt.close();
  await rtB.close();
});
