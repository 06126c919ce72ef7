import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { VERDICT_WINDOW_MS } from '../../src/replays/timeline.js';
import { ManualClock } from '../../src/util/clock.js';
import { Client } from '../support/client.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { liveSpace } from '../support/factories.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { writeArchive } from './support.js';

/**
 * Two nodes on one PostgreSQL database and one Redis, as behind a load
 * balancer: each node samples the cluster's presence and writes what it saw,
 * and the stored audience keeps the largest; the speaker timeline is written
 * by the node holding a speaker's media and closed by whichever node commits
 * the end.
 */
const clock = new ManualClock(Date.now());
let cluster: TestCluster;
before(async () => {
  // Node B on node A's DATA_DIR, as two processes sharing a volume.
  cluster = await startTestCluster({
    nodes: 2,
    clock,
    redis: true,
    sharedDataDir: true,
    env: { MEDIA: 'off', HOST_MIN_FOLLOWERS: '0' },
  });
});
after(() => cluster.close());

test('the audience across nodes: each node writes the cluster counts it sees, the largest is kept, the distinct count comes from both', async () => {
  const host = await cluster.user(0);
  const space = await liveSpace(host, { title: 'Two nodes', recording: true });
  const sockets: RealtimeClient[] = [];
  const join = async (url: string, client: Client) => {
    const rt = await RealtimeClient.connect(url, client);
    await rt.subscribe(space.id);
    sockets.push(rt);
    return rt;
  };
  await join(cluster.url(0), host.client);
  const leavesA = await join(cluster.url(0), (await cluster.user(0)).client);
  const onB = [await cluster.user(1), await cluster.user(1)];
  await join(cluster.url(1), onB[0]!.client);
  const leavesB = await join(cluster.url(1), onB[1]!.client);
  const a = cluster.nodes[0]!.services;
  const b = cluster.nodes[1]!.services;
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
  await writeArchive(cluster.config(0).dataDir, space.id, Date.parse(space.started_at), 3);
  clock.advance(3000);
  await eventually(
    async () => (await a.spaces.totalListeners(space.id)) === 4,
    'four listeners recorded by the two nodes',
  );
  const hostOnB = new Client(cluster.url(1));
  hostOnB.cookies.set('salon_session', host.client.cookies.get('salon_session')!);
  assert.equal((await hostOnB.post(`/api/v1/spaces/${space.id}/end`)).status, 200);
  await b.hls.recordings.settled(space.id);
  await b.replays.stats.settled();
  const replay = (await new Client(cluster.url(0)).get(`/api/v1/spaces/${space.id}/replay`)).body;
  assert.equal(replay.state, 'ready');
  assert.equal(replay.peak_listeners, 4);
  assert.equal(replay.total_listeners, 4);
  for (const rt of sockets) await rt.close();
});

test("a speaker's talk is written by the node holding their media; the end on the other node closes it", async () => {
  const host = await cluster.user(0);
  const space = await liveSpace(host, { title: 'Held on B', recording: true });
  const startedAt = Date.parse(space.started_at);
  await host.client.post(`/api/v1/spaces/${space.id}/stage/${host.id}/unmute`);
  // Node B holds the host's media: it hears the verdict and writes it.
  clock.set(startedAt + 1000 + VERDICT_WINDOW_MS);
  await cluster.nodes[1]!.services.replays.speakers.record({
    spaceId: space.id,
    userId: host.id,
    speaking: true,
  });
  await writeArchive(cluster.config(0).dataDir, space.id, startedAt, 5);
  clock.set(startedAt + 5000);
  // No "stopped talking" (node B's media went with the space): node A ends it and closes the span.
  assert.equal((await host.client.post(`/api/v1/spaces/${space.id}/end`)).status, 200);
  await cluster.nodes[0]!.services.hls.recordings.settled(space.id);
  await cluster.nodes[0]!.services.replays.speakers.settled();
  const spans = await cluster.nodes[1]!.services.replays.speakers.spans(space.id);
  assert.deepEqual(spans.get(host.id), [{ start: startedAt + 1000, end: startedAt + 5000 }]);
  const replay = (await new Client(cluster.url(1)).get(`/api/v1/spaces/${space.id}/replay`)).body;
  assert.equal(replay.timeline.speakers.length, 1);
  const [span] = replay.timeline.speakers[0].spans;
  assert.ok(Math.abs(span.start_ms - 1000) <= 100, JSON.stringify(span));
  assert.ok(
    Math.abs(span.end_ms - Math.min(5000, replay.duration_ms)) <= 100,
    JSON.stringify(span),
  );
});
