import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { createServer, type SalonServer } from '../../src/server.js';
import { Client } from '../support/client.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { redisUrl } from '../support/redis.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Two Salon nodes on one PostgreSQL database and one Redis: a command on one
 * node reaches the clients of the other, in order, and so do reactions.
 */
let nodeA: TestServer;
let nodeB: SalonServer;
before(async () => {
  const redis = await redisUrl();
  nodeA = await startTestServer({
    backend: 'postgres',
    env: { REDIS_URL: redis, HOST_MIN_FOLLOWERS: '0' },
  });
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: nodeA.config.dataDir,
    LOG_LEVEL: 'silent',
    MEDIA: 'off',
    DATABASE_URL: nodeA.config.database.kind === 'postgres' ? nodeA.config.database.url : '',
    REDIS_URL: redis,
    HOST_MIN_FOLLOWERS: '0',
    RATE_LIMIT_AUTH_PER_MINUTE: '100000',
    RATE_LIMIT_WRITES_PER_MINUTE: '100000',
  });
  nodeB = await createServer(config, {
    logger: pino({ level: 'silent' }),
    processMetrics: false,
    storage: { pgSchema: nodeA.pgSchema!, poolSize: 5 },
  });
  await nodeB.start();
});
after(async () => {
  await nodeB.stop();
  await nodeA.close();
});

test('events and reactions committed on one node reach the listeners of another', async () => {
  const host = await nodeA.user('mnhost');
  const space = (await host.client.post('/api/v1/spaces', { title: 'Across nodes' })).body;
  // The same account, seen through node B (sessions live in the shared database).
  const listenerOnB = new Client(nodeB.url);
  const reg = await listenerOnB.post('/api/v1/auth/register', {
    handle: 'mnlistener',
    display_name: 'L',
    password: 'long enough pw',
  });
  assert.equal(reg.status, 201);
  const rtB = await RealtimeClient.connect(nodeB.url, listenerOnB);
  assert.equal((await rtB.subscribe(space.id)).type, 'snapshot');
  const hostRt = await RealtimeClient.connect(nodeA.url, host.client);
  await hostRt.subscribe(space.id);

  assert.equal(
    (await host.client.patch(`/api/v1/spaces/${space.id}`, { title: 'Renamed on A' })).status,
    200,
  );
  await eventually(
    () => rtB.views.get(space.id)?.space.title === 'Renamed on A',
    'node B to see the edit made on node A',
  );
  assert.equal(rtB.resyncs, 0, 'events arrived in order, with no gap');

  assert.equal((await listenerOnB.post(`/api/v1/spaces/${space.id}/requests`)).status, 200);
  await eventually(
    () => hostRt.views.get(space.id)?.requests.length === 1,
    'node A to see the request made on node B',
  );

  rtB.send({ type: 'react', space_id: space.id, emoji: '👋' });
  const wave = await hostRt.waitFor(
    (m) => m.type === 'reactions' && (m.counts['👋'] ?? 0) > 0,
    3000,
  );
  assert.ok(wave.type === 'reactions');
  await rtB.close();
  await hostRt.close();
});

test('listening-now counts and listener lists are the whole cluster’s, on every node', async () => {
  const host = await nodeA.user('mnhost2');
  const space = (await host.client.post('/api/v1/spaces', { title: 'Counted everywhere' })).body;
  const url = `/api/v1/spaces/${space.id}`;
  // One person with a tab on each node, a guest on B, an incognito listener on A.
  const alice = await nodeA.user('mnalice');
  const aliceOnB = new Client(nodeB.url);
  for (const [name, value] of alice.client.cookies) aliceOnB.cookies.set(name, value);
  const tabA = await RealtimeClient.connect(nodeA.url, alice.client);
  const tabB = await RealtimeClient.connect(nodeB.url, aliceOnB);
  await tabA.subscribe(space.id);
  await tabB.subscribe(space.id);
  const guest = (await new Client(nodeB.url).post('/api/v1/auth/guest')).body;
  const guestRt = await RealtimeClient.connect(nodeB.url, undefined, guest.token);
  await guestRt.subscribe(space.id);
  const shy = await nodeA.user('mnshy');
  const shyRt = await RealtimeClient.connect(nodeA.url, shy.client);
  await shyRt.subscribe(space.id, true);

  const countsOn = async (client: Client) => (await client.get(`${url}/counts`)).body;
  const everywhere = async (total: number, listed: number) => {
    for (const client of [host.client, aliceOnB, new Client(nodeB.url)]) {
      const c = await countsOn(client);
      if (c.now_total !== total || c.now_listed !== listed || c.now_anonymous !== total - listed)
        return false;
    }
    return true;
  };
  await eventually(() => everywhere(3, 1), 'alice once, the guest and the shy one: 3, 1 listed');
  const listed = (await new Client(nodeB.url).get(`${url}/snapshot`)).body.listeners.data;
  assert.deepEqual(
    listed.map((l: { user_id: string }) => l.user_id),
    [alice.id],
  );
  // Live counts on a node's WebSocket are the cluster's too.
  await eventually(
    () => {
      const view = guestRt.views.get(space.id);
      return view?.counts.now_total === 3 && view.counts.now_listed === 1;
    },
    'the guest on B to see 3 listening',
    10_000,
  );

  await tabA.close();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.ok(await everywhere(3, 1), 'alice is still there through her tab on B');
  await tabB.close();
  await eventually(() => everywhere(2, 0), 'alice gone from both nodes', 10_000);
  await guestRt.close();
  await shyRt.close();
  await eventually(() => everywhere(0, 0), 'everyone gone', 10_000);
});
