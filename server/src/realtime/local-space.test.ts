import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ListenerDto } from '@salon/protocol';
import type { PresenceView } from './directory.js';
import { LocalSpace } from './local-space.js';

const listing = (id: string): ListenerDto => ({
  user_id: id,
  user: { id, handle: id, display_name: id, avatar_url: null },
  joined_at: '2026-11-21T10:00:00.000Z',
});

test('the cluster view counts everyone once, lists whoever is listed on any node, and diffs', () => {
  const space = new LocalSpace(() => {}, 1 << 20);
  // Here: ann listed, a guest counted.
  space.presence.add({ key: 'u:ann', listed: listing('ann') });
  space.presence.add({ key: 'g:1', listed: null });
  assert.deepEqual(space.counts(0), {
    now_total: 2,
    now_listed: 1,
    now_anonymous: 1,
    total_unique: 2,
  });

  // Another node holds ann again (incognito there), bob listed, and the same guest.
  const first: PresenceView = new Map([
    ['u:ann', null],
    ['u:bob', listing('bob')],
    ['g:1', null],
  ]);
  const change = space.adoptCluster(first);
  assert.deepEqual(
    change.joined.map((l) => l.user_id),
    ['ann', 'bob'],
  );
  assert.deepEqual(change.left, []);
  assert.equal(change.countsChanged, true);
  assert.deepEqual(space.counts(10), {
    now_total: 3,
    now_listed: 2,
    now_anonymous: 1,
    total_unique: 10,
  });
  assert.deepEqual(
    space.listed(10).map((l) => l.user_id),
    ['ann', 'bob'],
  );
  // Someone joining here is counted at once, before the next reading.
  assert.equal(space.counts(0, { key: 'u:cy', listed: listing('cy') }).now_listed, 3);
  assert.equal(space.counts(0, { key: 'u:bob', listed: listing('bob') }).now_total, 3);

  // Bob leaves the other node; nothing else moves.
  const second: PresenceView = new Map([
    ['u:ann', null],
    ['g:1', null],
  ]);
  const after = space.adoptCluster(second);
  assert.deepEqual(after.joined, []);
  assert.deepEqual(after.left, ['bob']);
  assert.equal(after.countsChanged, true);
  const same = space.adoptCluster(
    new Map([
      ['u:ann', null],
      ['g:1', null],
    ]),
  );
  assert.deepEqual(same, { joined: [], left: [], countsChanged: false });
});
