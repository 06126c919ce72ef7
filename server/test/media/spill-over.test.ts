/**
 * Issue 13: WebRTC listeners spill over across media nodes before HLS. Two
 * Salon nodes (PostgreSQL + Redis) in front of two Janus nodes, each Janus
 * node seating one WebRTC listener (WEBRTC_LISTENERS_PER_NODE=1). The first
 * listener is seated on the space's home node; the second, signalled through
 * the other Salon node, on a relay of the mix (`rtp_forward`, SRTP) on the
 * other Janus node, and hears the stage; the third is sent to HLS. The relay
 * is torn down when its listener leaves, and made again for the next one.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WEBRTC_FULL_CODE } from '@salon/protocol';
import type { MediaCluster } from '../../src/media/cluster.js';
import { AudioBridge } from '../../src/media/janus/audiobridge.js';
import { JanusSession } from '../../src/media/janus/session.js';
import { Streaming } from '../../src/media/janus/streaming.js';
import type { JanusProcess } from '../../src/media/janus-process.js';
import { relayIdOf } from '../../src/media/relays.js';
import { liveSpace } from '../support/factories.js';
import { eventually } from '../support/realtime.js';
import { heard } from './support/hearing.js';
import { Listener } from './support/listener.js';
import { Publisher } from './support/publisher.js';
import { type SalonCluster, startSalonCluster } from './support/salon-cluster.js';
import { renegotiateOnRestart } from './support/salon-peers.js';

let sc: SalonCluster;
before(async () => {
  sc = await startSalonCluster({
    salonNodes: 2,
    janusNodes: 2,
    env: { WEBRTC_LISTENERS_PER_NODE: '1', WEBRTC_LISTENERS_PER_SPACE: '10' },
  });
});
after(async () => {
  await sc?.close();
});

/** Asks one Janus node something on a session of the test's own. */
async function onJanus<T>(
  janus: JanusProcess,
  ask: (session: JanusSession) => Promise<T>,
): Promise<T> {
  const connection = await janus.connect();
  try {
    return await ask(await JanusSession.create(connection));
  } finally {
    await connection.close();
  }
}

const viewersOn = (janus: JanusProcess, mountpoint: number) =>
  onJanus(janus, async (s) => (await Streaming.attach(s)).viewers(mountpoint));
const mountpointsOn = (janus: JanusProcess) =>
  onJanus(janus, async (s) => (await Streaming.attach(s)).listMountpoints());
const forwardersOn = (janus: JanusProcess, room: number) =>
  onJanus(janus, async (s) => (await AudioBridge.attach(s)).forwarders(room));

test('a listener is seated on the second Janus node once the first is full, and hears the stage; then HLS', {
  timeout: 180_000,
}, async () => {
  const host = await sc.person(0);
  const space = await liveSpace(host, { title: 'Spill-over' });
  const hostRt = await sc.socket(host, 0);
  await hostRt.subscribe(space.id);
  const voice = await Publisher.mix(hostRt, space.id, 440);
  await host.client.post(`${space.path}/stage/${host.id}/unmute`);

  // The space's home, as node 0 routes it (node 1 routes it the same: one home per space).
  const plane = sc.cluster.nodes[0]!.services.media!.plane as MediaCluster;
  const ears = [await sc.person(0), await sc.person(1), await sc.person(0)];
  const sockets = await Promise.all(ears.map((ear, i) => sc.socket(ear, i === 1 ? 1 : 0)));
  for (const rt of sockets) await rt.subscribe(space.id);

  const first = await Listener.mix(sockets[0]!, space.id);
  await heard(first, { present: [440] });
  const homeName = plane.nodeOf(space.id);
  const home = sc.janus.find((j) => j.url === homeName)!;
  const other = sc.janus.find((j) => j !== home)!;
  const room = plane.describe(space.id)!.room;
  const relay = relayIdOf(room);
  assert.equal(await viewersOn(home, room), 1, 'the first listener is on the home node');
  assert.ok(!(await mountpointsOn(other)).includes(relay), 'no relay before the home is full');
  const homeForwarders = (await forwardersOn(home, room)).length;

  // Signalled through the other Salon node, which reads the home's seats from Janus.
  const second = await Listener.mix(sockets[1]!, space.id);
  await heard(second, { present: [440] });
  assert.deepEqual(
    [await viewersOn(home, room), await viewersOn(other, relay)],
    [1, 1],
    'the second listener is seated on the relay on the other Janus node',
  );
  const relayPort = (await onJanus(other, async (s) => (await Streaming.attach(s)).info(relay)))[
    'media'
  ] as Array<{ port: number }>;
  assert.equal(
    (await forwardersOn(home, room)).filter((f) => f.port === relayPort[0]!.port).length,
    1,
    "one forwarder of the home room's mix into the relay",
  );

  // Both Janus nodes are full: the next listener is sent to HLS.
  await assert.rejects(Listener.mix(sockets[2]!, space.id), { code: WEBRTC_FULL_CODE });
  const tier = await ears[2]!.client.get(`${space.path}/listen`);
  assert.equal(tier.status, 200);
  assert.equal((tier.body as { tier: string }).tier, 'hls', 'the tier advice says HLS too');

  // The relay's listener leaves: the relay goes (mountpoint and forwarder).
  await second.close();
  await sockets[1]!.close();
  await eventually(
    async () => !(await mountpointsOn(other)).includes(relay),
    'the relay mountpoint torn down',
    10_000,
  );
  await eventually(
    async () => (await forwardersOn(home, room)).length === homeForwarders,
    "the relay's forwarder stopped",
    10_000,
  );

  // A seat is free again on the other node: the next listener gets a relay made anew. Node 0
  // reads seats freed through node 1 at its next census (at most 500 ms on), so it may refuse
  // once more before that.
  let third: Listener<null> | undefined;
  await eventually(
    async () => {
      third = await Listener.mix(sockets[2]!, space.id).catch((error: { code?: string }) => {
        if (error.code !== WEBRTC_FULL_CODE) throw error;
        return undefined;
      });
      return third !== undefined;
    },
    'the third listener seated once the relay seat is free',
    5_000,
  );
  await heard(third!, { present: [440] });
  assert.equal(await viewersOn(other, relay), 1);
  await heard(first, { present: [440] });

  // The end of the space takes the relay with it.
  await host.client.post(`${space.path}/end`);
  await eventually(
    async () => !(await mountpointsOn(other)).includes(relay),
    'the relay mountpoint torn down at the end',
    10_000,
  );
  await Promise.all([voice.close(), first.close(), third!.close()]);
});

test("the relay's Janus node is killed: its listener is told media_restart, listens again, is seated on a relay made anew and hears the stage", {
  timeout: 180_000,
}, async () => {
  const host = await sc.person(1);
  const space = await liveSpace(host, { title: 'Relay node lost' });
  const hostRt = await sc.socket(host, 1);
  await hostRt.subscribe(space.id);
  const voice = await Publisher.mix(hostRt, space.id, 660);
  await host.client.post(`${space.path}/stage/${host.id}/unmute`);
  const plane = sc.cluster.nodes[0]!.services.media!.plane as MediaCluster;
  const ears = [await sc.person(0), await sc.person(1)];
  const sockets = await Promise.all(ears.map((ear, i) => sc.socket(ear, i)));
  for (const rt of sockets) await rt.subscribe(space.id);

  const first = await Listener.mix(sockets[0]!, space.id);
  await heard(first, { present: [660] });
  const home = sc.janus.find((j) => j.url === plane.nodeOf(space.id))!;
  const other = sc.janus.find((j) => j !== home)!;
  const relay = relayIdOf(plane.describe(space.id)!.room);
  const second = await Listener.mix(sockets[1]!, space.id);
  await heard(second, { present: [660] });
  assert.equal(await viewersOn(other, relay), 1, 'the second listener is on the relay');

  // The relay's node dies (its Janus child restarts, empty): its listener must start over.
  const restart = sockets[1]!.waitFor(
    (m) => m.type === 'media_restart' && 'space_id' in m && m.space_id === space.id,
    30_000,
  );
  const oldPid = other.pid!;
  process.kill(oldPid, 'SIGKILL');
  await restart;
  await second.close();
  let again: Listener<null> | undefined;
  await eventually(
    async () => {
      again = await Listener.mix(sockets[1]!, space.id).catch((error: { code?: string }) => {
        // Until the node is back (up to the Janus restart), every seat is taken: HLS meanwhile.
        if (error.code !== WEBRTC_FULL_CODE) throw error;
        return undefined;
      });
      return again !== undefined;
    },
    'the listener seated again once the node is back',
    30_000,
  );
  assert.notEqual(other.pid, oldPid, 'a new Janus process');
  await heard(again!, { present: [660] });
  assert.equal(await viewersOn(other, relay), 1, 'on a relay made anew on the restarted node');
  await heard(first, { present: [660] });

  // Salon node 0 stops (a rolling restart): the relay node 1 made stays for its listener.
  await sc.cluster.stop(0);
  await heard(again!, { present: [660] });
  assert.equal(await viewersOn(other, relay), 1, 'the shared relay outlives a Salon node');

  await host.client.post(`${space.path}/end`);
  await Promise.all([voice.close(), first.close(), again!.close()]);
});

test("the home's Janus node is killed: every listener starts over, as the web app does, and hears the stage again, one on the rebuilt home and one on a relay", {
  timeout: 180_000,
}, async () => {
  // Salon node 0 stopped in the test before: start it again.
  await sc.cluster.start(0);
  const host = await sc.person(1);
  const space = await liveSpace(host, { title: 'Home node lost' });
  const hostRt = await sc.socket(host, 1);
  await hostRt.subscribe(space.id);
  const voice = await Publisher.mix(hostRt, space.id, 550);
  renegotiateOnRestart(hostRt, voice);
  await host.client.post(`${space.path}/stage/${host.id}/unmute`);
  const plane = sc.cluster.nodes[1]!.services.media!.plane as MediaCluster;
  const ears = [await sc.person(0), await sc.person(1)];
  const sockets = await Promise.all(ears.map((ear, i) => sc.socket(ear, i)));
  for (const rt of sockets) await rt.subscribe(space.id);
  const first = await Listener.mix(sockets[0]!, space.id);
  await heard(first, { present: [550] });
  const home = sc.janus.find((j) => j.url === plane.nodeOf(space.id))!;
  const other = sc.janus.find((j) => j !== home)!;
  const room = plane.describe(space.id)!.room;
  const relay = relayIdOf(room);
  const second = await Listener.mix(sockets[1]!, space.id);
  await heard(second, { present: [550] });
  assert.equal(await viewersOn(other, relay), 1, 'the second listener is on the relay');

  // Each listener negotiates again at every media_restart, as the web app does (its own
  // Salon node's: each node rebuilds the shared room and tells its own clients); a refusal
  // while seats are recounted is retried. Both negotiate at about the same moment: the
  // space's seat lock gives the home's one seat once (without it both land on the home).
  const restarts = [0, 0];
  const listeners = [first, second];
  for (const [i, rt] of sockets.entries()) {
    rt.ws.on('message', (data) => {
      if (JSON.parse(data.toString()).type !== 'media_restart') return;
      restarts[i]! += 1;
      const retry = async (left: number): Promise<void> => {
        await listeners[i]!.negotiate().catch(async (error: { code?: string }) => {
          if (error.code !== WEBRTC_FULL_CODE || left === 0) return;
          await new Promise((resolve) => setTimeout(resolve, 250));
          await retry(left - 1);
        });
      };
      void retry(40);
    });
  }
  const oldPid = home.pid!;
  process.kill(oldPid, 'SIGKILL');
  await eventually(() => restarts[0]! > 0 && restarts[1]! > 0, 'media_restart at both', 30_000);
  assert.notEqual(home.pid, oldPid, 'a new Janus process at home');
  await eventually(
    async () => (await viewersOn(home, room)) === 1 && (await viewersOn(other, relay)) === 1,
    'one listener on the rebuilt home and one on a relay',
    30_000,
  );
  await heard(first, { present: [550], timeoutMs: 30_000 });
  await heard(second, { present: [550], timeoutMs: 30_000 });
  // One media_restart each, from its own Salon node (not one per node that rebuilt the room).
  assert.deepEqual(restarts, [1, 1]);

  await host.client.post(`${space.path}/end`);
  await Promise.all([voice.close(), first.close(), second.close()]);
});
