import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parsePlaylist } from '../../src/hls/playlist.js';
import { JanusConnection } from '../../src/media/janus/connection.js';
import { JanusPlugin } from '../../src/media/janus/protocol.js';
import { JanusSession } from '../../src/media/janus/session.js';
import type { JanusProcess } from '../../src/media/janus-process.js';
import { scopeDir, spaceDir } from '../../src/streams/layout.js';
import { Client } from '../support/client.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { liveSpace, onStage } from '../support/factories.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { heard } from './support/hearing.js';
import { Publisher } from './support/publisher.js';
import { SalonListener } from './support/salon-peers.js';
import { startJanus } from './support/stage.js';

/**
 * Issue 13, hole 2: two Salon nodes (PostgreSQL + Redis, one DATA_DIR as a
 * shared volume) in front of two Janus nodes. A space has one media home
 * for the whole cluster: one AudioBridge room on one Janus node, whichever
 * Salon node its people signal through, one HLS packager (a lease, taken
 * over when its node stops) and one replay cut.
 */
const secret = randomBytes(16).toString('hex');
let janus: JanusProcess[] = [];
let c: TestCluster;
before(async () => {
  janus = [await startJanus({ apiSecret: secret }), await startJanus({ apiSecret: secret })];
  c = await startTestCluster({
    nodes: 2,
    redis: true,
    sharedDataDir: true,
    env: {
      MEDIA: 'external',
      JANUS_URL: janus.map((j) => j.url).join(','),
      JANUS_API_SECRET: secret,
      HOST_MIN_FOLLOWERS: '0',
    },
  });
});
after(async () => {
  await c?.close();
  await Promise.all(janus.map((j) => j.close()));
});

interface Person {
  client: Client;
  id: string;
  rt: RealtimeClient;
}

async function person(node: number): Promise<Person> {
  const u = await c.user(node);
  const rt = await RealtimeClient.connect(c.url(node), u.client);
  return { ...u, rt };
}

/** The same signed-in person, talking to another node (a balancer may send them anywhere). */
function via(node: number, who: Pick<Person, 'client'>): Client {
  const client = new Client(c.url(node));
  for (const [k, v] of who.client.cookies) client.cookies.set(k, v);
  return client;
}

/** AudioBridge rooms made for a space, on every Janus node, asked on the test's own handles. */
async function roomsOf(spaceId: string): Promise<number[]> {
  const rooms: number[] = [];
  for (const node of janus) {
    const connection = await JanusConnection.open({ url: node.url, apiSecret: secret });
    try {
      const session = await JanusSession.create(connection);
      const handle = await session.attach(JanusPlugin.audioBridge);
      const data = await handle.request({ request: 'list' });
      const list = (data['list'] ?? data['rooms'] ?? []) as Array<{
        room: number;
        description?: string;
      }>;
      for (const r of list) if (r.description === `space ${spaceId}`) rooms.push(r.room);
    } finally {
      await connection.close();
    }
  }
  return rooms;
}

/** ffmpeg processes packaging this space (they run in its folder), on this machine: every node of the test runs here. */
function ffmpegsOf(spaceId: string): number {
  const dir = spaceDir(c.config(0).dataDir, spaceId);
  let n = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'ffmpeg') continue;
      if (readlinkSync(`/proc/${pid}/cwd`) === dir) n += 1;
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return n;
}

/** Salon nodes running a packager for the space. */
function packagerNodes(spaceId: string): number[] {
  return c.nodes.flatMap((n, i) => (n.services.media?.hls.packager(spaceId)?.pid ? [i] : []));
}

/** Waits for one packager, then checks for a while that it stays the only one. */
async function onePackager(spaceId: string): Promise<number> {
  await eventually(() => packagerNodes(spaceId).length > 0, 'a packager', 20_000);
  for (let i = 0; i < 10; i++) {
    assert.deepEqual(
      { nodes: packagerNodes(spaceId).length, ffmpeg: ffmpegsOf(spaceId) },
      { nodes: 1, ffmpeg: 1 },
      `one packager for the space in the cluster (nodes ${packagerNodes(spaceId)})`,
    );
    await sleep(300);
  }
  return packagerNodes(spaceId)[0]!;
}

function livePlaylist(spaceId: string) {
  const file = path.join(scopeDir(c.config(0).dataDir, spaceId, 'live'), 'index.m3u8');
  return existsSync(file) ? parsePlaylist(readFileSync(file, 'utf8')) : null;
}

/** The number of the newest live segment (its file name counts up across restarts). */
function newestLive(spaceId: string): number {
  const list = livePlaylist(spaceId);
  const last = list?.segments.at(-1)?.uri;
  return last ? Number(/(\d+)\.ts$/.exec(last)?.[1] ?? -1) : -1;
}

test('two speakers signalled through different Salon nodes hear each other', {
  timeout: 120_000,
}, async () => {
  const host = await person(0);
  const space = await liveSpace(host, { title: 'Across nodes' });
  await host.rt.subscribe(space.id);
  const speaker = await person(1);
  await speaker.rt.subscribe(space.id);
  await onStage(host, space, speaker);
  const ears = [await person(0), await person(1)];
  for (const ear of ears) await ear.rt.subscribe(space.id);

  const hostVoice = await Publisher.mix(host.rt, space.id, 440);
  const speakerVoice = await Publisher.mix(speaker.rt, space.id, 660);
  await host.client.post(`${space.path}/stage/${host.id}/unmute`);
  await speaker.client.post(`${space.path}/stage/${speaker.id}/unmute`);
  const listeners = await Promise.all(ears.map((ear) => SalonListener.listen(ear.rt, space.id)));
  // A listener through node 0 and one through node 1 each hear both: the mix is one.
  for (const listener of listeners) await heard(listener, { present: [440, 660] });
  assert.equal((await roomsOf(space.id)).length, 1, 'one room for the space');

  await host.client.post(`${space.path}/end`);
  await Promise.all([hostVoice.close(), speakerVoice.close(), ...listeners.map((l) => l.close())]);
  for (const p of [host, speaker, ...ears]) await p.rt.close();
});

test('a placement race: both nodes open the same space at once, and one room is made', {
  timeout: 120_000,
}, async () => {
  const host = await person(0);
  const space = await liveSpace(host, { title: 'Race' });
  const ears = [await person(0), await person(1)];
  for (const ear of ears) await ear.rt.subscribe(space.id);
  const listeners = await Promise.all(ears.map((ear) => SalonListener.listen(ear.rt, space.id)));
  assert.deepEqual(
    (await roomsOf(space.id)).length,
    1,
    'one AudioBridge room across both Janus nodes',
  );
  const [a, b] = c.nodes.map((n) => n.services.media!.plane.describe(space.id)?.room);
  assert.equal(a, b, 'both Salon nodes route the space to the same room');

  await host.client.post(`${space.path}/end`);
  await Promise.all(listeners.map((l) => l.close()));
  for (const ear of ears) await ear.rt.close();
});

test('one packager for the space in the cluster, and one replay cut, by it, when the space ends', {
  timeout: 150_000,
}, async () => {
  const host = await person(0);
  const space = await liveSpace(host, { title: 'One replay', recording: true });
  await host.rt.subscribe(space.id);
  const ears = [await person(0), await person(1)];
  for (const ear of ears) await ear.rt.subscribe(space.id);
  const listeners = await Promise.all(ears.map((ear) => SalonListener.listen(ear.rt, space.id)));
  const voice = await Publisher.mix(host.rt, space.id, 440);
  await host.client.post(`${space.path}/stage/${host.id}/unmute`);
  const holder = await onePackager(space.id);
  await eventually(() => newestLive(space.id) >= 3, 'a few live segments', 30_000);

  const cuts: number[] = [];
  c.nodes.forEach((n, i) => {
    const recordings = n.services.hls.recordings;
    const finalize = recordings.finalize.bind(recordings);
    recordings.finalize = (id: string, endedAt: number) => {
      if (id === space.id) cuts.push(i);
      return finalize(id, endedAt);
    };
  });
  // Ended through the node that does not hold the packager.
  const other = 1 - holder;
  assert.equal((await via(other, host).post(`${space.path}/end`)).status, 200);
  await eventually(
    async () => (await host.client.get(`${space.path}/replay`)).body?.state === 'ready',
    'the replay',
    40_000,
  );
  // Time for a second cut, were one coming (the lease renews every 2 s).
  await sleep(5_000);
  assert.deepEqual(cuts, [holder], 'one cut, by the node that held the packager');
  assert.equal(ffmpegsOf(space.id), 0, 'the packager is gone');

  await Promise.all([voice.close(), ...listeners.map((l) => l.close())]);
  for (const p of [host, ...ears]) await p.rt.close();
});

test('the node holding the packager stops: the other takes it over and the live playlist goes on', {
  timeout: 150_000,
}, async () => {
  const host = await person(0);
  const space = await liveSpace(host, { title: 'Takeover' });
  const ears = [await person(0), await person(1)];
  for (const ear of ears) await ear.rt.subscribe(space.id);
  const listeners = await Promise.all(ears.map((ear) => SalonListener.listen(ear.rt, space.id)));
  const holder = await onePackager(space.id);
  const survivor = 1 - holder;
  // The voice signals through the node that stays.
  const speaker = await person(survivor);
  await speaker.rt.subscribe(space.id);
  await onStage({ client: via(survivor, host) }, space, speaker);
  const voice = await Publisher.mix(speaker.rt, space.id, 440);
  await speaker.client.post(`${space.path}/stage/${speaker.id}/unmute`);
  await eventually(() => newestLive(space.id) >= 2, 'live segments', 30_000);

  await c.stop(holder);
  await eventually(
    () => packagerNodes(space.id).includes(survivor),
    'the surviving node takes the packager over',
    30_000,
  );
  const before = newestLive(space.id);
  await eventually(
    () => newestLive(space.id) >= before + 3,
    'new live segments after the takeover',
    30_000,
  );
  assert.equal(ffmpegsOf(space.id), 1, 'still one packager');
  assert.equal(livePlaylist(space.id)?.ended, false, 'the live playlist is not ended');
  await heard(listeners[survivor]!, { present: [440] });

  await c.start(holder);
  await via(survivor, host).post(`${space.path}/end`);
  await Promise.all([voice.close(), ...listeners.map((l) => l.close())]);
  for (const p of [speaker, ...ears]) await p.rt.close().catch(() => undefined);
});
