import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SPACE_SWITCHES, SWITCH_NAMES } from '@salon/protocol';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { liveSpace } from '../support/factories.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The space's switches, made from the protocol's table (SPACE_SWITCHES): each
 * has its route, its field in the space and its event, and a rule that
 * `needs` one is refused while it is off. Speaker requests off ("lock the
 * stage") is the switch such a rule reads: on one node, and across two.
 */
describe('one node', () => {
  let node: TestServer;
  before(async () => {
    node = await startTestServer({ env: { MEDIA: 'off', HOST_MIN_FOLLOWERS: '0' } });
  });
  after(() => node.close());

  test('every switch is a route, a field of the space and an event, with its initial value', async () => {
    const host = await node.user('swhost');
    const space = await liveSpace(host);
    const rt = await RealtimeClient.connect(node.url, host.client);
    await rt.subscribe(space.id);
    for (const name of SWITCH_NAMES) {
      const row = SPACE_SWITCHES[name];
      assert.equal(space[name], row.initial, `${name} starts ${row.initial}`);
      const reply = await host.client.put(`${space.path}/${row.path}`, {
        [row.body]: !row.initial,
      });
      assert.equal(reply.status, 200, `${name}: ${JSON.stringify(reply.body)}`);
      assert.equal(reply.body[name], !row.initial);
      await eventually(
        () => rt.views.get(space.id)?.space[name] === !row.initial,
        `the ${row.event} event to reach the host`,
      );
      // Saying it again changes nothing: no new version.
      const version = rt.views.get(space.id)!.version;
      assert.equal(
        (await host.client.put(`${space.path}/${row.path}`, { [row.body]: !row.initial })).status,
        200,
      );
      const snapshot = (await host.client.get(`${space.path}/snapshot`)).body;
      assert.equal(snapshot.version, version);
      assert.equal(snapshot.space[name], !row.initial);
    }
    const bad = await host.client.put(`${space.path}/speaker-requests`, { allowed: false });
    assert.equal(bad.status, 400);
    await rt.close();
  });

  test('with speaker requests off, a listener is told so and requests made before stay', async () => {
    const host = await node.user('swlock');
    const early = await node.user('swearly');
    const late = await node.user('swlate');
    const space = await liveSpace(host);
    assert.equal((await early.client.post(`${space.path}/requests`)).status, 200);

    const lock = await host.client.put(`${space.path}/speaker-requests`, {
      speaker_requests: false,
    });
    assert.equal(lock.status, 200);
    const refused = await late.client.post(`${space.path}/requests`);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'turned_off');
    assert.deepEqual(refused.body.error.details, { switch: 'speaker_requests' });
    assert.match(refused.body.error.message, /not taking requests to speak/);

    // The request made before the lock is still there, and may be approved.
    const snapshot = (await host.client.get(`${space.path}/snapshot`)).body;
    assert.deepEqual(
      snapshot.requests.map((r: { user_id: string }) => r.user_id),
      [early.id],
    );
    assert.equal(
      (await host.client.post(`${space.path}/requests/${early.id}/approve`)).status,
      200,
    );
    // A host can still invite, and unlocking takes requests again.
    await host.client.put(`${space.path}/speaker-requests`, { speaker_requests: true });
    assert.equal((await late.client.post(`${space.path}/requests`)).status, 200);
  });
});

describe('two nodes', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({
      nodes: 2,
      redis: true,
      env: { MEDIA: 'off', HOST_MIN_FOLLOWERS: '0' },
    });
  });
  after(() => cluster.close());

  test('the stage locked through node A is refused on node B and shown there', async () => {
    const host = await cluster.user(0, 'swmnhost');
    const listener = await cluster.user(0, 'swmnlistener');
    const space = await liveSpace(host);
    const onB = listener.client.at(cluster.url(1));
    const rt = await RealtimeClient.connect(cluster.url(1), onB);
    await rt.subscribe(space.id);

    await host.client.put(`${space.path}/speaker-requests`, { speaker_requests: false });
    await eventually(
      () => rt.views.get(space.id)?.space.speaker_requests === false,
      'node B’s listener to see the stage locked',
    );
    const refused = await onB.post(`${space.path}/requests`);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'turned_off');
    await rt.close();
  });
});
