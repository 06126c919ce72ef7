import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client } from '../support/client.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { liveSpace } from '../support/factories.js';
import { eventually, RealtimeClient } from '../support/realtime.js';

/**
 * Two Salon nodes on one PostgreSQL database and one Redis: a command on one
 * node reaches the clients of the other, in order, and so do reactions.
 */
let cluster: TestCluster;
before(async () => {
  // Node B on node A's DATA_DIR, as two processes sharing a volume.
  cluster = await startTestCluster({
    nodes: 2,
    redis: true,
    sharedDataDir: true,
    env: { MEDIA: 'off', HOST_MIN_FOLLOWERS: '0' },
  });
});
after(() => cluster.close());

test('events and reactions committed on one node reach the listeners of another', async () => {
  const host = await cluster.user(0, 'mnhost');
  const space = await liveSpace(host, { title: 'Across nodes' });
  // The same account, seen through node B (sessions live in the shared database).
  const listenerOnB = new Client(cluster.url(1));
  const reg = await listenerOnB.post('/api/v1/auth/register', {
    handle: 'mnlistener',
    display_name: 'L',
    password: 'long enough pw',
  });
  assert.equal(reg.status, 201);
  const rtB = await RealtimeClient.connect(cluster.url(1), listenerOnB);
  assert.equal((await rtB.subscribe(space.id)).type, 'snapshot');
  const hostRt = await RealtimeClient.connect(cluster.url(0), host.client);
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
  const host = await cluster.user(0, 'mnhost2');
  const space = await liveSpace(host, { title: 'Counted everywhere' });
  const url = `/api/v1/spaces/${space.id}`;
  // One person with a tab on each node, a guest on B, an incognito listener on A.
  const alice = await cluster.user(0, 'mnalice');
  const aliceOnB = alice.client.at(cluster.url(1));
  const tabA = await RealtimeClient.connect(cluster.url(0), alice.client);
  const tabB = await RealtimeClient.connect(cluster.url(1), aliceOnB);
  await tabA.subscribe(space.id);
  await tabB.subscribe(space.id);
  const guest = (await new Client(cluster.url(1)).post('/api/v1/auth/guest')).body;
  const guestRt = await RealtimeClient.connect(cluster.url(1), undefined, guest.token);
  await guestRt.subscribe(space.id);
  const shy = await cluster.user(0, 'mnshy');
  const shyRt = await RealtimeClient.connect(cluster.url(0), shy.client);
  await shyRt.subscribe(space.id, true);

  const countsOn = async (client: Client) => (await client.get(`${url}/counts`)).body;
  const everywhere = async (total: number, listed: number) => {
    for (const client of [host.client, aliceOnB, new Client(cluster.url(1))]) {
      const c = await countsOn(client);
      if (c.now_total !== total || c.now_listed !== listed || c.now_anonymous !== total - listed)
        return false;
    }
    return true;
  };
  await eventually(() => everywhere(3, 1), 'alice once, the guest and the shy one: 3, 1 listed');
  const listed = (await new Client(cluster.url(1)).get(`${url}/snapshot`)).body.listeners.data;
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
