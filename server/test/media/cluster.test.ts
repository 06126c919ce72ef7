/**
 * Several Janus nodes: each new space goes to the least loaded node that is
 * up, every request about a space reaches its node, and a node that dies
 * takes no new spaces until it is back, then carries its own again.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WEBRTC_FULL_CODE } from '@salon/protocol';
import pino from 'pino';
import { MediaCluster } from '../../src/media/cluster.js';
import { AudioBridge } from '../../src/media/janus/audiobridge.js';
import { JanusSession } from '../../src/media/janus/session.js';
import { Streaming } from '../../src/media/janus/streaming.js';
import type { JanusProcess } from '../../src/media/janus-process.js';
import { relayIdOf } from '../../src/media/relays.js';
import { cleanups } from './support/cleanup.js';
import { heard } from './support/hearing.js';
import { Listener } from './support/peer.js';
import { Publisher } from './support/publisher.js';
import { startJanus } from './support/stage.js';
import { waitFor } from './support/wait.js';

const logger = pino({ level: 'silent' });

function node(name: string, janus: JanusProcess) {
  return { name, options: { connect: () => janus.connect(), logger } };
}

/** A node's `connect` that fails while its gate is shut, as an unreachable node's does. */
function gatedNode(name: string, janus: JanusProcess) {
  const gate = { open: true };
  const connect = () =>
    gate.open ? janus.connect() : Promise.reject(new Error(`${name}: connection refused`));
  return { gate, node: { name, options: { connect, logger } } };
}

/** What a node's AudioBridge holds, asked on a handle of the test's own. */
async function onNode<T>(
  janus: JanusProcess,
  ask: (bridge: AudioBridge) => Promise<T>,
): Promise<T> {
  const connection = await janus.connect();
  try {
    return await ask(await AudioBridge.attach(await JanusSession.create(connection)));
  } finally {
    await connection.close();
  }
}

async function roomsOn(janus: JanusProcess): Promise<number[]> {
  return (await onNode(janus, (bridge) => bridge.listRooms())).sort();
}

function forwardersOn(janus: JanusProcess, room: number): Promise<number[]> {
  return onNode(janus, (bridge) => bridge.listForwarders(room));
}

/** WebRTC viewers of a mountpoint as Janus counts them, asked on a handle of the test's own. */
async function viewersOn(janus: JanusProcess, mountpoint: number): Promise<number> {
  const connection = await janus.connect();
  try {
    const streaming = await Streaming.attach(await JanusSession.create(connection));
    return await streaming.viewers(mountpoint);
  } finally {
    await connection.close();
  }
}

/** Two Janus nodes, stopped when the test ends. */
async function twoNodes(defer: (fn: () => unknown) => void): Promise<[JanusProcess, JanusProcess]> {
  const nodes: JanusProcess[] = [];
  for (let i = 0; i < 2; i++) {
    const janus = await startJanus();
    defer(() => janus.close());
    nodes.push(janus);
  }
  return [nodes[0]!, nodes[1]!];
}

/** Closes the spaces, then checks that neither node keeps a room. */
async function closeAll(cluster: MediaCluster, ids: string[], ...nodes: JanusProcess[]) {
  for (const id of ids) await cluster.close(id);
  for (const janus of nodes) assert.deepEqual(await roomsOn(janus), []);
}

test('spaces go to the least loaded Janus node, and each request reaches its node', {
  timeout: 120_000,
}, async (t) => {
  const defer = cleanups(t);
  const [janusA, janusB] = await twoNodes(defer);
  const cluster = await MediaCluster.start([node('a', janusA), node('b', janusB)]);
  defer(() => cluster.shutdown());

  await cluster.open('space-1');
  await cluster.open('space-2');
  assert.equal(cluster.nodeOf('space-1'), 'a', 'both empty: the first node');
  assert.equal(cluster.nodeOf('space-2'), 'b', 'a carries one room: b');
  // Two WebRTC listeners on space-2 make b the busier node (a handle each, before any answer).
  await cluster.listen('space-2', 1);
  await cluster.listen('space-2', 2);
  assert.deepEqual(cluster.listenerCounts('space-2'), { space: 2, node: 2 });
  await cluster.open('space-3');
  assert.equal(cluster.nodeOf('space-3'), 'a');

  const rooms = (id: string) => cluster.describe(id)!.room;
  assert.deepEqual(await roomsOn(janusA), [rooms('space-1'), rooms('space-3')].sort());
  assert.deepEqual(await roomsOn(janusB), [rooms('space-2')]);
  // The HLS taps reach the node of the space: the mix is forwarded from b, where its room is.
  const forwarder = await cluster.forwardMix('space-2', rooms('space-2'), {
    host: '127.0.0.1',
    port: 5004,
  });
  assert.ok((await forwardersOn(janusB, rooms('space-2'))).includes(forwarder));
  await cluster.stopForwardingMix('space-2', rooms('space-2'), forwarder);
  assert.ok(!(await forwardersOn(janusB, rooms('space-2'))).includes(forwarder));

  // b dies: new spaces go to a, whatever its load, until b is back.
  const restarted = new Promise((resolve) => janusB.once('restarted', resolve));
  const reset = new Promise<string[]>((resolve) => cluster.once('reset', resolve));
  process.kill(janusB.pid!, 'SIGKILL');
  await waitFor('the cluster to see b go', () => !cluster.isUp('b'));
  await cluster.open('space-4');
  assert.equal(cluster.nodeOf('space-4'), 'a');
  await restarted;
  assert.deepEqual(await reset, ['space-2'], 'b rebuilt its own space');
  await waitFor('b to be up again', () => cluster.isUp('b'));
  assert.deepEqual(await roomsOn(janusB), [rooms('space-2')]);

  await closeAll(cluster, ['space-1', 'space-2', 'space-3', 'space-4'], janusA, janusB);
  assert.equal(cluster.nodeOf('space-1'), null);
});

test('a node away longer than the failover time: its spaces move and are heard on another node; back, it rebuilds none of them', {
  timeout: 120_000,
}, async (t) => {
  const defer = cleanups(t);
  const [janusA, janusB] = await twoNodes(defer);
  const b = gatedNode('b', janusB);
  const cluster = await MediaCluster.start([node('a', janusA), b.node], { failoverMs: 1500 });
  defer(() => cluster.shutdown());

  await cluster.open('space-1');
  await cluster.open('space-2');
  assert.equal(cluster.nodeOf('space-2'), 'b');

  // b dies and, as far as Salon can tell, stays away (its restart is not reachable).
  b.gate.open = false;
  const restarted = new Promise((resolve) => janusB.once('restarted', resolve));
  const reset = new Promise<string[]>((resolve) => cluster.once('reset', resolve));
  process.kill(janusB.pid!, 'SIGKILL');
  await waitFor('the cluster to see b go', () => !cluster.isUp('b'));
  assert.equal(cluster.nodeOf('space-2'), 'b', 'within the failover time the space waits for b');
  assert.deepEqual(await reset, ['space-2'], 'its clients are told to negotiate again');
  assert.equal(cluster.nodeOf('space-2'), 'a');
  const moved = cluster.describe('space-2')!;
  assert.deepEqual(await roomsOn(janusA), [cluster.describe('space-1')!.room, moved.room].sort());

  // The moved space's room mixes and its mountpoint plays, on a.
  const session = await cluster.session('space-2');
  const speaker = await Publisher.inBridge({ session, room: moved.room, id: 77, frequency: 440 });
  defer(() => speaker.close());
  const listener = await Listener.watch({ session, mountpoint: moved.mountpoint });
  defer(() => listener.close());
  await heard(listener, { present: [440] });

  // b answers again: it rebuilds nothing of what moved, and takes new spaces.
  await restarted;
  b.gate.open = true;
  await waitFor('b to be up again', () => cluster.isUp('b'));
  assert.deepEqual(await roomsOn(janusB), []);
  await cluster.open('space-3');
  assert.equal(cluster.nodeOf('space-3'), 'b');

  await speaker.close();
  await listener.close();
  await closeAll(cluster, ['space-1', 'space-2', 'space-3'], janusA, janusB);
});

test('a node that does not answer at start is retried, and takes spaces once it answers; none answering is an error', {
  timeout: 120_000,
}, async (t) => {
  const defer = cleanups(t);
  const [janusA, janusB] = await twoNodes(defer);

  const down = gatedNode('b', janusB);
  down.gate.open = false;
  await assert.rejects(MediaCluster.start([down.node]), /b: connection refused/);

  const b = gatedNode('b', janusB);
  b.gate.open = false;
  const cluster = await MediaCluster.start([node('a', janusA), b.node], { failoverMs: 500 });
  defer(() => cluster.shutdown());
  assert.equal(cluster.isUp('b'), false);
  await cluster.open('space-1');
  await cluster.open('space-2');
  assert.equal(cluster.nodeOf('space-1'), 'a');
  assert.equal(cluster.nodeOf('space-2'), 'a', 'b takes nothing while it does not answer');

  b.gate.open = true;
  await waitFor('b to answer', () => cluster.isUp('b'));
  await cluster.open('space-3');
  assert.equal(cluster.nodeOf('space-3'), 'b');
  assert.deepEqual(await roomsOn(janusB), [cluster.describe('space-3')!.room]);
  await closeAll(cluster, ['space-1', 'space-2', 'space-3'], janusA, janusB);
});

test('seats cost a node what they receive: a dear seat counts against the node cap and in placement, not the space cap', {
  timeout: 120_000,
}, async (t) => {
  const defer = cleanups(t);
  const [janusA, janusB] = await twoNodes(defer);
  const listenerCaps = { perSpace: 10, perNode: 5 };
  const cluster = await MediaCluster.start([
    { name: 'a', options: { connect: () => janusA.connect(), logger, listenerCaps } },
    { name: 'b', options: { connect: () => janusB.connect(), logger, listenerCaps } },
  ]);
  defer(() => cluster.shutdown());
  await cluster.open('space-1');
  await cluster.open('space-2');
  assert.deepEqual([cluster.nodeOf('space-1'), cluster.nodeOf('space-2')], ['a', 'b']);
  const room1 = cluster.describe('space-1')!.room;

  // A seat held elsewhere (a feeds watcher of a full stage) that costs four mix listeners.
  cluster.countSeats({
    holders: (spaceId) => (spaceId === 'space-1' ? [7] : []),
    spaceIds: () => ['space-1'],
    cost: () => 4,
  });
  assert.deepEqual(cluster.listenerCounts('space-1'), { space: 1, node: 4 });
  await cluster.listen('space-1', 1);
  // a is full (4 + 1): the next listener of space-1 spills over to b (relays.ts).
  await cluster.listen('space-1', 2);
  assert.deepEqual(
    [cluster.describe('space-1')!.listeners, await viewersOn(janusB, relayIdOf(room1))],
    [1, 1],
    'listener 2 is seated on the relay on b, not on a',
  );
  await cluster.listen('space-1', 7); // the holder takes the mix too: still one seat of 4
  assert.equal(cluster.describe('space-1')!.listeners, 2, 'the holder is seated on a');
  await cluster.listen('space-2', 3);
  assert.deepEqual(cluster.listenerCounts('space-2'), { space: 1, node: 1 });
  // b takes three more of space-1 on its relay (5 with space-2's); then both nodes are full.
  for (const owner of [10, 11, 12]) await cluster.listen('space-1', owner);
  assert.equal(await viewersOn(janusB, relayIdOf(room1)), 4);
  await assert.rejects(cluster.listen('space-1', 13), { code: WEBRTC_FULL_CODE });

  // a carries a room and seats worth 5, b a room and one: b is the less loaded.
  await cluster.open('space-3');
  assert.equal(cluster.nodeOf('space-3'), 'b');
  await closeAll(cluster, ['space-1', 'space-2', 'space-3'], janusA, janusB);
});
