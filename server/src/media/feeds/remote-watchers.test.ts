import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus } from '../../bus/bus.js';
import { MemoryBus } from '../../bus/bus.js';
import { seal } from '../../bus/envelope.js';
import { type RemoteWatcher, RemoteWatchers } from './remote-watchers.js';

const CHANNEL = 'media:feed-watchers';

/** A node on a shared bus: its own watchers, what it heard, and whether it can still talk. */
function node(bus: Bus, name: string, options: { ttlMs?: number; refreshMs?: number } = {}) {
  const local = new Map<string, RemoteWatcher[]>();
  const changes: string[] = [];
  const link = { up: true };
  const gated: Bus = {
    ...bus,
    publish: (channel, message) => {
      if (link.up) bus.publish(channel, message);
    },
    subscribe: (channel, handler) => bus.subscribe(channel, handler),
    onReconnected: (handler) => bus.onReconnected(handler),
  };
  const watchers: RemoteWatchers = new RemoteWatchers({
    bus: gated,
    node: name,
    local: (spaceId) => local.get(spaceId) ?? [],
    // As FeedRooms does: news from another node makes this one tell what it holds.
    changed: (spaceId) => {
      changes.push(spaceId);
      watchers.tell(spaceId);
    },
    ...options,
  });
  /** This node's watchers of a space: user ids (null for a guest), each seat costing 2. */
  const set = (spaceId: string, list: Array<string | null>, mix = false) => {
    local.set(
      spaceId,
      list.map((user_id) => ({ user_id, cost: 2, mix })),
    );
    watchers.tell(spaceId);
  };
  return { watchers, set, changes, link };
}

/** Lets the bus deliver (it delivers on a microtask, as a network bus would on a later tick). */
const settle = () => sleep(5);

function counting(bus: Bus) {
  const seen: string[] = [];
  bus.subscribe(CHANNEL, (text) => seen.push(text));
  return seen;
}

test('a watcher through one node makes every other stage member’s feed wanted on the other node, not their own', async () => {
  const bus = new MemoryBus();
  const a = node(bus, 'A');
  const b = node(bus, 'B');
  a.set('s', ['u']);
  await settle();
  assert.equal(b.watchers.wantedBy('s', 'v'), true, 'someone else watches through A');
  assert.equal(b.watchers.wantedBy('s', 'u'), false, 'nobody is offered their own feed');
  assert.equal(b.watchers.wantedBy('other', 'v'), false, 'only in that space');
  assert.equal(
    a.watchers.wantedBy('s', 'v'),
    false,
    'a node does not count its own through the bus',
  );
  assert.deepEqual(b.changes, ['s']);

  a.set('s', ['u', null]);
  await settle();
  assert.equal(b.watchers.wantedBy('s', 'u'), true, 'a guest watching wants u’s feed too');
  assert.deepEqual(b.watchers.seats('s'), [2, 2], 'their seats, with what each costs');
  assert.deepEqual([...b.watchers.spaceIds()], ['s']);
  // Listening to the mix too: still wanting the feeds, but its seat is Janus's to count.
  a.set('s', ['u', null], true);
  await settle();
  assert.equal(b.watchers.wantedBy('s', 'u'), true);
  assert.deepEqual(b.watchers.seats('s'), [], 'counted by Janus as a listener of the mix');

  a.set('s', []);
  await settle();
  assert.equal(b.watchers.wantedBy('s', 'v'), false, 'the last watcher on A left');
  assert.deepEqual(b.watchers.seats('s'), []);
  assert.deepEqual(b.changes, ['s', 's', 's', 's']);
  a.watchers.close();
  b.watchers.close();
});

test('telling what was told already sends nothing, so two nodes answering each other never echo', async () => {
  const bus = new MemoryBus();
  const seen = counting(bus);
  const a = node(bus, 'A');
  const b = node(bus, 'B');
  a.set('s', ['u']);
  b.set('s', ['v']);
  await settle();
  await settle();
  const after = seen.length;
  assert.equal(after, 2, 'one notice each');
  a.set('s', ['u']);
  await settle();
  assert.equal(seen.length, after, 'unchanged: not sent again');
  a.watchers.close();
  b.watchers.close();
});

test('what a node said expires when it goes silent (killed), and is kept while it refreshes', async () => {
  const bus = new MemoryBus();
  const a = node(bus, 'A', { ttlMs: 1_000, refreshMs: 50 });
  const b = node(bus, 'B', { ttlMs: 1_000, refreshMs: 50 });
  a.set('s', ['u']);
  await settle();
  assert.equal(b.watchers.wantedBy('s', 'v'), true);
  // Past a lifetime and a half of one notice, the refreshes keep it.
  await sleep(1_500);
  assert.equal(b.watchers.wantedBy('s', 'v'), true, 'refreshed every 50 ms');
  // A dies without a word: B stops counting its watcher once the last notice expires.
  a.link.up = false;
  await settle(); // what A sent before is delivered
  const changesBefore = b.changes.length;
  for (let i = 0; i < 250 && b.watchers.wantedBy('s', 'v'); i++) await sleep(20);
  assert.equal(b.watchers.wantedBy('s', 'v'), false, 'expired');
  // The expiry is news, told at B's next refresh tick: the stage is told.
  for (let i = 0; i < 250 && b.changes.length === changesBefore; i++) await sleep(20);
  assert.ok(b.changes.length > changesBefore, 'the expiry is news: the stage is told');
  a.watchers.close();
  b.watchers.close();
});

test('a node that stops tells the others at once; a garbled or foreign notice changes nothing', async () => {
  const bus = new MemoryBus();
  const a = node(bus, 'A');
  const b = node(bus, 'B');
  a.set('s', [null]);
  await settle();
  assert.equal(b.watchers.wantedBy('s', 'v'), true);
  for (const text of [
    'feed_watchers\n{not json',
    seal('feed_watchers', JSON.stringify({ node: 'C', space_id: 't', watchers: [1], ttl_ms: 1e4 })),
    seal(
      'feed_watchers',
      JSON.stringify({
        node: 'C',
        space_id: 't',
        watchers: [{ user_id: null, cost: -5 }],
        ttl_ms: 1e4,
      }),
    ),
    seal('other_kind', JSON.stringify({ node: 'C', space_id: 't', watchers: [], ttl_ms: 1 })),
    '{"node":"C","space_id":"t","watchers":[{"user_id":null,"cost":1}],"ttl_ms":10000}',
  ])
    bus.publish(CHANNEL, text);
  await settle();
  assert.equal(b.watchers.wantedBy('t', 'v'), false, 'nothing counted from a bad notice');
  assert.deepEqual(b.watchers.seats('t'), []);
  a.watchers.close();
  await settle();
  assert.equal(b.watchers.wantedBy('s', 'v'), false, 'A said it stopped');
  b.watchers.close();
});
