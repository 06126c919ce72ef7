import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { liveSpace } from '../support/factories.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** A restart during a live space keeps its stage, bans, pins and listener totals; clients converge again. */
let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

test('restarting the server during a live space loses none of its state, and clients resubscribe and converge', async () => {
  const host = await t.user('rhost');
  const speaker = await t.user('rspeaker');
  const banned = await t.user('rbanned');
  const listeners = await Promise.all([t.user(), t.user(), t.user()]);
  const space = await liveSpace(host, { title: 'Survives restarts', recording: true });
  const url = `/api/v1/spaces/${space.id}`;
  await speaker.client.post(`${url}/requests`);
  await host.client.post(`${url}/requests/${speaker.id}/approve`);
  await speaker.client.post(`${url}/stage/${speaker.id}/unmute`);
  const post = (await host.client.post('/api/v1/posts', { text: 'Agenda: everything' })).body;
  assert.equal((await host.client.post(`${url}/pins`, { post_id: post.id })).status, 200);

  const clients = await Promise.all(
    [host, speaker, banned, ...listeners].map(async (p) => {
      const rt = await RealtimeClient.connect(t.url, p.client);
      assert.equal((await rt.subscribe(space.id)).type, 'snapshot');
      return rt;
    }),
  );
  await eventually(
    async () => (await host.client.get(`${url}/counts`)).body.total_unique === 6,
    'six listeners recorded',
  );
  await host.client.post(`${url}/removals`, { kind: 'user', id: banned.id });
  const before = (await host.client.get(`${url}/snapshot`)).body;

  await t.restart();
  for (const rt of clients)
    await eventually(() => rt.ws.readyState === rt.ws.CLOSED, 'the old connection to close');

  // Clients reconnect and resubscribe, as the web app does after a drop.
  const again = await Promise.all(
    [host, speaker, ...listeners].map(async (p) => {
      const rt = await RealtimeClient.connect(t.url, p.client);
      assert.equal((await rt.subscribe(space.id)).type, 'snapshot');
      return rt;
    }),
  );
  const refused = await RealtimeClient.connect(t.url, banned.client);
  const answer = await refused.subscribe(space.id);
  assert.equal(
    answer.type === 'error' && answer.code,
    'removed_from_space',
    'the ban survived the restart',
  );

  const after = (await host.client.get(`${url}/snapshot`)).body;
  assert.equal(after.version, before.version);
  assert.deepEqual(after.stage, before.stage);
  assert.deepEqual(after.pins, before.pins);
  assert.equal(after.recording, true);
  assert.equal(
    after.counts.total_unique,
    6,
    'people who listened before the restart are still counted once',
  );
  await eventually(async () => {
    const truth = (await host.client.get(`${url}/snapshot`)).body;
    return again.every(
      (rt) =>
        isDeepStrictEqual(rt.views.get(space.id)?.counts, truth.counts) &&
        rt.views.get(space.id)?.version === truth.version,
    );
  }, 'clients to converge after the restart');
  assert.equal((await host.client.get(`${url}/counts`)).body.now_total, 5);
  for (const rt of [...again, refused]) await rt.close();
});
