import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { VERDICT_WINDOW_MS } from '../../src/replays/timeline.js';
import { createServer, type SalonServer } from '../../src/server.js';
import { ManualClock } from '../../src/util/clock.js';
import { Client } from '../support/client.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { redisUrl } from '../support/redis.js';
import { startTestServer, type TestServer, uniqueHandle } from '../support/server.js';
import { writeArchive } from './support.js';

/**
 * Two nodes on one PostgreSQL database and one Redis, as behind a load
 * balancer: each node samples the cluster's presence and writes what it saw,
 * and the stored audience keeps the largest; the speaker timeline is written
 * by the node holding a speaker's media and closed by whichever node commits
 * the end.
 */
const clock = new ManualClock(Date.now());
let nodeA: TestServer;
let nodeB: SalonServer;
before(async () => {
  const redis = await redisUrl();
  nodeA = await startTestServer({
    backend: 'postgres',
    clock,
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
    clock,
    storage: { pgSchema: nodeA.pgSchema!, poolSize: 5 },
  });
  await nodeB.start();
});
after(async () => {
  await nodeB.stop();
  await nodeA.close();
});

async function userOn(url: string) {
  const client = new Client(url);
  const handle = uniqueHandle('rc');
  const reply = await client.post('/api/v1/auth/register', {
    handle,
    display_name: handle,
    password: 'correct horse battery',
  });
  assert.equal(reply.status, 201);
  return { client, id: reply.body.user.id as string };
}

test('the audience across nodes: each node writes the cluster counts it sees, the largest is kept, the distinct count comes from both', async () => {
  const host = await userOn(nodeA.url);
  const space = (await host.client.post('/api/v1/spaces', { title: 'Two nodes', recording: true }))
    .body;
  const sockets: RealtimeClient[] = [];
  const join = async (url: string, client: Client) => {
    const rt = await RealtimeClient.connect(url, client);
    await rt.subscribe(space.id);
    sockets.push(rt);
    return rt;
  };
  await join(nodeA.url, host.client);
  const leavesA = await join(nodeA.url, (await userOn(nodeA.url)).client);
  const onB = [await userOn(nodeB.url), await userOn(nodeB.url)];
  await join(nodeB.url, onB[0]!.client);
  const leavesB = await join(nodeB.url, onB[1]!.client);
  const a = nodeA.server.services;
  const b = nodeB.services;
  // Both nodes see all four through the directory.
  await eventually(() => a.realtime.counts(space.id)?.now_total === 4, 'node A sees 4', 10_000);
  await eventually(() => b.realtime.counts(space.id)?.now_total === 4, 'node B sees 4', 10_000);
  await a.replays.stats.sample();
  assert.equal((await a.replays.stats.read(space.id)).peakListeners, 4);
  // One leaves on each node; B, which never wrote, then writes what it sees (2): the peak stays 4.
  await leavesA.close();
  await leavesB.close();
  await eventually(() => b.realtime.counts(space.id)?.now_total === 2, 'node B sees 2', 10_000);
  await b.replays.stats.sample();
  const after = await b.replays.stats.read(space.id);
  assert.equal(after.peakListeners, 4, 'the largest is kept');
  assert.equal(after.totalListeners, 4, 'four different people');

  // The end, committed on node B: the distinct count is everyone either node recorded.
  await writeArchive(nodeA.config.dataDir, space.id, Date.parse(space.started_at), 3);
  clock.advance(3000);
  await eventually(
    async () => (await a.spaces.totalListeners(space.id)) === 4,
    'four listeners recorded by the two nodes',
  );
  const hostOnB = new Client(nodeB.url);
  hostOnB.cookies.set('salon_session', host.client.cookies.get('salon_session')!);
  assert.equal((await hostOnB.post(`/api/v1/spaces/${space.id}/end`)).status, 200);
  await b.hls.recordings.settled(space.id);
  await b.replays.stats.settled();
  const replay = (await new Client(nodeA.url).get(`/api/v1/spaces/${space.id}/replay`)).body;
  assert.equal(replay.state, 'ready');
  assert.equal(replay.peak_listeners, 4);
  assert.equal(replay.total_listeners, 4);
  for (const rt of sockets) await rt.close();
});

test("a speaker's talk is written by the node holding their media; the end on the other node closes it", async () => {
  const host = await userOn(nodeA.url);
  const space = (await host.client.post('/api/v1/spaces', { title: 'Held on B', recording: true }))
    .body;
  const startedAt = Date.parse(space.started_at);
  await host.client.post(`/api/v1/spaces/${space.id}/stage/${host.id}/unmute`);
  // Node B holds the host's media: it hears the verdict and writes it.
  clock.set(startedAt + 1000 + VERDICT_WINDOW_MS);
  await nodeB.services.replays.speakers.record({
    spaceId: space.id,
    userId: host.id,
    speaking: true,
  });
  await writeArchive(nodeA.config.dataDir, space.id, startedAt, 5);
  clock.set(startedAt + 5000);
  // No "stopped talking" (node B's media went with the space): node A ends it and closes the span.
  assert.equal((await host.client.post(`/api/v1/spaces/${space.id}/end`)).status, 200);
  await nodeA.server.services.hls.recordings.settled(space.id);
  await nodeA.server.services.replays.speakers.settled();
  const spans = await nodeB.services.replays.speakers.spans(space.id);
  assert.deepEqual(spans.get(host.id), [{ start: startedAt + 1000, end: startedAt + 5000 }]);
  const replay = (await new Client(nodeB.url).get(`/api/v1/spaces/${space.id}/replay`)).body;
  assert.equal(replay.timeline.speakers.length, 1);
  const [span] = replay.timeline.speakers[0].spans;
  assert.ok(Math.abs(span.start_ms - 1000) <= 100, JSON.stringify(span));
  assert.ok(
    Math.abs(span.end_ms - Math.min(5000, replay.duration_ms)) <= 100,
    JSON.stringify(span),
  );
});
