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
  nodeA = await startTestServer({ backend: 'postgres', env: { REDIS_URL: redis } });
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: nodeA.config.dataDir,
    LOG_LEVEL: 'silent',
    MEDIA: 'off',
    DATABASE_URL: nodeA.config.database.kind === 'postgres' ? nodeA.config.database.url : '',
    REDIS_URL: redis,
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
