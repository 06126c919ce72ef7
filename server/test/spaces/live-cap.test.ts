import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client } from '../support/client.js';
import { startTestCluster } from '../support/cluster.js';
import { user } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** One host cannot hold the media of many live spaces at once (MAX_LIVE_SPACES_PER_HOST, 1 by default). */
let t: TestServer;
let admin: Awaited<ReturnType<TestServer['user']>>;
before(async () => {
  t = await startTestServer();
  admin = await t.user('capAdmin'); // the first account is the admin
});
after(() => t.close());

const host = (handle: string) => user(t, { handle, hostingGrantedBy: admin });
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

test('a host with a live space cannot go live with another (409 too_many_live_spaces), but may schedule one, and start it once the first ended', async () => {
  const h = await host('capHost');
  const first = await h.client.post('/api/v1/spaces', { title: 'First' });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  const second = await h.client.post('/api/v1/spaces', { title: 'Second' });
  assert.equal(second.status, 409, JSON.stringify(second.body));
  assert.equal(second.body.error.code, 'too_many_live_spaces');

  const later = await h.client.post('/api/v1/spaces', {
    title: 'Later',
    scheduled_start: inAnHour(),
  });
  assert.equal(later.status, 201, JSON.stringify(later.body));
  const early = await h.client.post(`/api/v1/spaces/${later.body.id}/start`);
  assert.equal(early.status, 409);
  assert.equal(early.body.error.code, 'too_many_live_spaces');
  assert.equal((await h.client.get(`/api/v1/spaces/${later.body.id}`)).body.state, 'scheduled');

  assert.equal((await h.client.post(`/api/v1/spaces/${first.body.id}/end`)).status, 200);
  const started = await h.client.post(`/api/v1/spaces/${later.body.id}/start`);
  assert.equal(started.status, 200, JSON.stringify(started.body));
  assert.equal(started.body.state, 'live');
});

test('requests racing to go live cannot all pass the count: exactly one of ten wins', async () => {
  const h = await host('capRacer');
  const replies = await Promise.all(
    Array.from({ length: 10 }, (_, i) => h.client.post('/api/v1/spaces', { title: `Race ${i}` })),
  );
  const statuses = replies.map((r) => r.status).sort();
  assert.deepEqual(statuses, [201, ...Array(9).fill(409)]);
  const live = await h.client.get('/api/v1/spaces/discover?state=live&q=Race');
  assert.equal(
    live.body.data.filter((item: { space: { host_id: string } }) => item.space.host_id === h.id)
      .length,
    1,
    JSON.stringify(live.body),
  );
});

test('admins, who run the instance, are not capped', async () => {
  for (const title of ['Admin one', 'Admin two']) {
    const reply = await admin.client.post('/api/v1/spaces', { title });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
  }
});

test('two nodes on one PostgreSQL: requests racing to go live through both still let exactly one win', async () => {
  const cluster = await startTestCluster({ nodes: 2, env: { MEDIA: 'off' } });
  try {
    const first = await cluster.user(0, 'capAdmin2'); // the first account is the admin
    assert.ok(first);
    const h = await cluster.user(0, 'capNodes');
    const granted = await first.client.put(`/api/v1/admin/users/${h.id}/hosting`, {
      can_host: true,
    });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    // The same session through each node, as a load balancer without stickiness would send it.
    const through = [0, 1].map((node) => {
      const client = new Client(cluster.url(node));
      for (const [k, v] of h.client.cookies) client.cookies.set(k, v);
      return client;
    });
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        through[i % 2]!.post('/api/v1/spaces', { title: `Both nodes ${i}` }),
      ),
    );
    const statuses = replies.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, ...Array(11).fill(409)], JSON.stringify(statuses));
  } finally {
    await cluster.close();
  }
});
