import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '../support/client.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { liveSpace, onStage } from '../support/factories.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * A live space whose host is gone ends after HOST_GRACE_SECONDS, on one node
 * and across two, and a host who comes back in time (on any node) keeps it.
 */
const GRACE_S = 2;

async function hostedSpace(node: Pick<TestServer, 'user'>, handle: string) {
  const host = await node.user(handle);
  const space = await liveSpace(host, { title: 'Waiting for the host' });
  return { host, space };
}

async function stateOf(client: Client, spaceId: string) {
  return (await client.get(`/api/v1/spaces/${spaceId}`)).body;
}

describe('one node', () => {
  let node: TestServer;
  before(async () => {
    node = await startTestServer({
      env: { HOST_MIN_FOLLOWERS: '0', HOST_GRACE_SECONDS: String(GRACE_S) },
    });
  });
  after(() => node.close());

  test('a host whose connection goes is shown away, then the space ends with "host left"', async () => {
    const { host, space } = await hostedSpace(node, 'hg1host');
    const hostRt = await RealtimeClient.connect(node.url, host.client);
    await hostRt.subscribe(space.id);
    const listener = await node.user('hg1listener');
    const rt = await RealtimeClient.connect(node.url, listener.client);
    await rt.subscribe(space.id);

    await hostRt.close();
    await eventually(
      () => rt.views.get(space.id)?.space.host_away_since != null,
      'the listener to see the host away',
    );
    assert.equal(rt.views.get(space.id)?.space.state, 'live', 'still live during the grace');
    await eventually(
      () => rt.views.get(space.id)?.space.state === 'ended',
      'the space to end after the grace',
      GRACE_S * 1000 + 5000,
    );
    const ended = await stateOf(listener.client, space.id);
    assert.equal(ended.ended_reason, 'host_left');
    assert.equal(ended.host_away_since, null);
    await rt.close();
  });

  test('a host who comes back within the grace keeps the space live', async () => {
    const { host, space } = await hostedSpace(node, 'hg2host');
    const first = await RealtimeClient.connect(node.url, host.client);
    await first.subscribe(space.id);
    const listener = await node.user('hg2listener');
    const rt = await RealtimeClient.connect(node.url, listener.client);
    await rt.subscribe(space.id);
    await first.close();
    await eventually(() => rt.views.get(space.id)?.space.host_away_since != null, 'host away');
    const again = await RealtimeClient.connect(node.url, host.client);
    await again.subscribe(space.id);
    await eventually(() => rt.views.get(space.id)?.space.host_away_since === null, 'host back');
    // Past the grace, measured from when the host went, the space is still live.
    const since = Date.now();
    await eventually(
      () => Date.now() - since > GRACE_S * 1000 + 1000,
      'the grace to pass',
      GRACE_S * 1000 + 3000,
    );
    assert.equal((await stateOf(listener.client, space.id)).state, 'live');
    await again.close();
    await rt.close();
  });

  test('a host with two tabs who closes one is not away', async () => {
    const { host, space } = await hostedSpace(node, 'hg3host');
    const tab1 = await RealtimeClient.connect(node.url, host.client);
    const tab2 = await RealtimeClient.connect(node.url, host.client);
    await tab1.subscribe(space.id);
    await tab2.subscribe(space.id);
    await tab1.close();
    await tab2.subscribe(space.id);
    assert.equal((await stateOf(host.client, space.id)).host_away_since, null);
    await tab2.close();
  });

  test('the host hands the space to a co-host, who can then end it', async () => {
    const { host, space } = await hostedSpace(node, 'hg4host');
    const cohost = await node.user('hg4cohost');
    const url = space.path;
    await onStage(host, space, cohost, 'cohost');
    const speaker = await node.user('hg4speaker');
    const refused = await host.client.post(`${url}/handover/${speaker.id}`);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'not_cohost');
    const handed = await host.client.post(`${url}/handover/${cohost.id}`);
    assert.equal(handed.status, 200);
    assert.equal(handed.body.host_id, cohost.id);
    assert.equal((await host.client.post(`${url}/end`)).body.error.code, 'not_host');
    const ended = await cohost.client.post(`${url}/end`);
    assert.equal(ended.status, 200);
    assert.equal(ended.body.ended_reason, 'host');
  });

  test('with guests turned off, a guest cannot subscribe and one already listening is sent away', async () => {
    const { host, space } = await hostedSpace(node, 'hg5host');
    const guest = (await new Client(node.url).post('/api/v1/auth/guest')).body;
    const guestRt = await RealtimeClient.connect(node.url, undefined, guest.token);
    assert.equal((await guestRt.subscribe(space.id)).type, 'snapshot');
    const off = await host.client.put(`/api/v1/spaces/${space.id}/guests`, { allow_guests: false });
    assert.equal(off.status, 200);
    assert.equal(off.body.allow_guests, false);
    const notice = await guestRt.waitFor((m) => m.type === 'removed_from_space', 3000, true);
    assert.ok(notice.type === 'removed_from_space' && notice.code === 'guests_not_allowed');
    const other = (await new Client(node.url).post('/api/v1/auth/guest')).body;
    const otherRt = await RealtimeClient.connect(node.url, undefined, other.token);
    const refused = await otherRt.subscribe(space.id);
    assert.ok(refused.type === 'error' && refused.code === 'guests_not_allowed');
    const listen = await new Client(node.url).request(
      'GET',
      `/api/v1/spaces/${space.id}/listen`,
      undefined,
      { authorization: `Bearer ${other.token}` },
    );
    assert.equal(listen.status, 403);
    assert.equal(listen.body.error.code, 'guests_not_allowed');
    await guestRt.close();
    await otherRt.close();
  });
});

describe('two nodes', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({
      nodes: 2,
      redis: true,
      sharedDataDir: true,
      env: { MEDIA: 'off', HOST_MIN_FOLLOWERS: '0', HOST_GRACE_SECONDS: String(GRACE_S) },
    });
  });
  after(() => cluster.close());

  const nodeA = {
    get url() {
      return cluster.url(0);
    },
    user: (handle: string) => cluster.user(0, handle),
  };
  const nodeB = {
    get url() {
      return cluster.url(1);
    },
  };

  const onB = (client: Client) => client.at(nodeB.url);

  test('a host who drops on one node and comes back on the other keeps the space', async () => {
    const { host, space } = await hostedSpace(nodeA, 'hgmn1host');
    const onA = await RealtimeClient.connect(nodeA.url, host.client);
    await onA.subscribe(space.id);
    const listener = await nodeA.user('hgmn1listener');
    const rt = await RealtimeClient.connect(nodeB.url, onB(listener.client));
    await rt.subscribe(space.id);
    await onA.close();
    await eventually(
      () => rt.views.get(space.id)?.space.host_away_since != null,
      'node B to show the host away',
    );
    const back = await RealtimeClient.connect(nodeB.url, onB(host.client));
    await back.subscribe(space.id);
    await eventually(() => rt.views.get(space.id)?.space.host_away_since === null, 'host back');
    const since = Date.now();
    await eventually(() => Date.now() - since > GRACE_S * 1000 + 1000, 'the grace', 6000);
    assert.equal((await stateOf(listener.client, space.id)).state, 'live');
    await back.close();
    await rt.close();
  });

  test('a host with a tab on each node who closes one is not away', async () => {
    const { host, space } = await hostedSpace(nodeA, 'hgmn2host');
    const onA = await RealtimeClient.connect(nodeA.url, host.client);
    const tabB = await RealtimeClient.connect(nodeB.url, onB(host.client));
    await onA.subscribe(space.id);
    await tabB.subscribe(space.id);
    // The directory learns of the tab on B before A's tab closes.
    await eventually(
      async () => (await host.client.get(`/api/v1/spaces/${space.id}/counts`)).body.now_total === 1,
      'the host counted once in the cluster',
    );
    await onA.close();
    const since = Date.now();
    await eventually(() => Date.now() - since > GRACE_S * 1000 + 1000, 'the grace', 6000);
    const state = await stateOf(host.client, space.id);
    assert.equal(state.state, 'live');
    await tabB.close();
  });

  test('a host gone from the cluster: the space ends once, seen on both nodes', async () => {
    const { host, space } = await hostedSpace(nodeA, 'hgmn3host');
    const onA = await RealtimeClient.connect(nodeA.url, host.client);
    await onA.subscribe(space.id);
    const la = await nodeA.user('hgmn3a');
    const rtA = await RealtimeClient.connect(nodeA.url, la.client);
    await rtA.subscribe(space.id);
    const rtB = await RealtimeClient.connect(nodeB.url, onB((await nodeA.user('hgmn3b')).client));
    await rtB.subscribe(space.id);
    await onA.close();
    for (const rt of [rtA, rtB]) {
      await eventually(
        () => rt.views.get(space.id)?.space.ended_reason === 'host_left',
        'every node to see the end',
        GRACE_S * 1000 + 8000,
      );
    }
    assert.equal(rtA.resyncs + rtB.resyncs, 0, 'one end, in order: no version gap');
    await rtA.close();
    await rtB.close();
  });
});
