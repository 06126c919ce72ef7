import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** The walk a new user takes with curl, as the README describes it. */
let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

test('a new user registers, signs in, follows, posts, blocks, unblocks, messages and reads notifications', async () => {
  const alice = t.client();
  const bob = t.client();

  const reg = await alice.post('/api/v1/auth/register', {
    handle: 'alice',
    display_name: 'Alice',
    password: 'wonderland-tea-party',
  });
  assert.equal(reg.status, 201);
  assert.equal(reg.body.user.role, 'admin', 'the first account administers the instance');
  assert.match(reg.headers.get('set-cookie') ?? '', /salon_session=.*HttpOnly/i);
  const bobReg = await bob.post('/api/v1/auth/register', {
    handle: 'bob',
    display_name: 'Bob',
    password: 'builder-of-bridges',
  });
  assert.equal(bobReg.body.user.role, 'user');
  const aliceId = reg.body.user.id;
  const bobId = bobReg.body.user.id;

  assert.equal((await alice.post('/api/v1/auth/logout')).status, 200);
  assert.equal((await alice.get('/api/v1/me')).status, 401);
  const wrong = await alice.post('/api/v1/auth/login', {
    handle: 'alice',
    password: 'not it at all',
  });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error.code, 'invalid_credentials');
  assert.equal(
    (await alice.post('/api/v1/auth/login', { handle: 'ALICE', password: 'wonderland-tea-party' }))
      .status,
    200,
  );
  assert.equal((await alice.get('/api/v1/me')).body.user.handle, 'alice');

  assert.equal((await bob.post(`/api/v1/users/${aliceId}/follow`)).status, 200);
  assert.equal((await alice.post(`/api/v1/users/${bobId}/follow`)).status, 200);
  const profile = await bob.get(`/api/v1/users/${aliceId}`);
  assert.equal(profile.body.followers_count, 1);
  assert.deepEqual(profile.body.relationship, {
    following: true,
    followed_by: true,
    blocking: false,
    blocked_by: false,
  });
  assert.equal((await bob.get('/api/v1/users/by-handle/alice')).body.id, aliceId);

  const post = await alice.post('/api/v1/posts', { text: 'Hello, Salon' });
  assert.equal(post.status, 201);
  const timeline = await bob.get('/api/v1/timeline');
  assert.deepEqual(
    timeline.body.data.map((p: any) => p.text),
    ['Hello, Salon'],
  );
  assert.equal((await bob.delete(`/api/v1/posts/${post.body.id}`)).body.error.code, 'not_author');

  assert.equal((await alice.post(`/api/v1/users/${bobId}/block`)).status, 200);
  const afterBlock = await alice.get(`/api/v1/users/${bobId}`);
  assert.equal(afterBlock.body.followers_count, 0, 'blocking removed both follows');
  assert.equal(afterBlock.body.following_count, 0);
  const refused = await bob.post(`/api/v1/dms/${aliceId}`, { text: 'hey?' });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, 'dm_blocked');
  assert.equal(
    (await bob.post(`/api/v1/users/${aliceId}/follow`)).body.error.code,
    'blocked_by_user',
  );
  assert.equal((await bob.get(`/api/v1/users/${aliceId}/posts`)).status, 403);
  assert.deepEqual(
    (await alice.get('/api/v1/me/blocks')).body.data.map((u: any) => u.id),
    [bobId],
  );

  assert.equal((await alice.delete(`/api/v1/users/${bobId}/block`)).status, 200);
  const dm = await bob.post(`/api/v1/dms/${aliceId}`, { text: 'Thanks for unblocking' });
  assert.equal(dm.status, 201);
  const conversations = await alice.get('/api/v1/dms');
  assert.equal(conversations.body.data[0].peer.id, bobId);
  assert.equal(conversations.body.data[0].unread_count, 1);
  assert.equal(
    (await alice.get(`/api/v1/dms/${bobId}`)).body.data[0].text,
    'Thanks for unblocking',
  );

  const notifications = await alice.get('/api/v1/notifications?unread_only=true');
  assert.deepEqual(notifications.body.data.map((n: any) => n.kind).sort(), ['dm', 'follow']);
  assert.equal((await alice.get('/api/v1/notifications/unread_count')).body.count, 2);
  assert.equal((await alice.post('/api/v1/notifications/read', { all: true })).body.updated, 2);
  assert.equal((await alice.get('/api/v1/notifications/unread_count')).body.count, 0);
  assert.equal((await alice.delete(`/api/v1/posts/${post.body.id}`)).status, 200);
  assert.equal((await bob.get(`/api/v1/posts/${post.body.id}`)).status, 404);
});

test('API clients use bearer tokens, which can be listed and revoked', async () => {
  const { handle } = await t.user('tokenuser');
  const api = t.client();
  const created = await api.post('/api/v1/auth/tokens', {
    name: 'cli',
    handle,
    password: 'correct horse battery',
  });
  assert.equal(created.status, 201);
  assert.match(created.body.token, /^s_/);
  api.bearer = created.body.token;
  assert.equal((await api.get('/api/v1/me')).body.user.handle, handle);
  const list = await api.get('/api/v1/auth/tokens');
  assert.deepEqual(
    list.body.data.map((x: any) => x.name),
    ['cli'],
  );
  assert.equal((await api.delete(`/api/v1/auth/tokens/${created.body.id}`)).status, 200);
  const after = await api.get('/api/v1/me');
  assert.equal(after.status, 401);
  assert.equal(after.body.error.code, 'invalid_token');
});

test('guests get a signed token that lets them read but never post, follow or message', async () => {
  const guest = t.client();
  const issued = await guest.post('/api/v1/auth/guest');
  assert.equal(issued.status, 201);
  guest.bearer = issued.body.token;
  const { id } = await t.user();
  for (const [method, path, body] of [
    ['POST', '/api/v1/posts', { text: 'hi' }],
    ['POST', `/api/v1/users/${id}/follow`, undefined],
    ['POST', `/api/v1/dms/${id}`, { text: 'hi' }],
  ] as const) {
    const reply = await guest.request(method, path, body);
    assert.equal(reply.status, 403, `${method} ${path}`);
    assert.equal(reply.body.error.code, 'guest_not_allowed');
  }
  assert.equal((await guest.get(`/api/v1/users/${id}`)).status, 200);
  guest.bearer = `${issued.body.token.slice(0, -3)}abc`;
  assert.equal((await guest.get(`/api/v1/users/${id}`)).status, 401);
});

test('an avatar upload checks size and type, and is served with its type', async () => {
  const { client } = await t.user();
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 1)]);
  const ok = await client.put('/api/v1/me/avatar', png, { 'content-type': 'image/png' });
  assert.equal(ok.status, 200);
  const image = await fetch(t.url + ok.body.user.avatar_url);
  assert.equal(image.headers.get('content-type'), 'image/png');
  assert.ok(Buffer.from(await image.arrayBuffer()).equals(png));
  const lie = await client.put('/api/v1/me/avatar', Buffer.from('not an image at all'), {
    'content-type': 'image/png',
  });
  assert.equal(lie.status, 415);
  assert.equal(lie.body.error.code, 'unsupported_image');
  const svg = await client.put('/api/v1/me/avatar', '<svg/>', { 'content-type': 'image/svg+xml' });
  assert.equal(svg.status, 415);
  const huge = Buffer.concat([png, Buffer.alloc(t.config.avatarMaxBytes)]);
  const tooBig = await client.put('/api/v1/me/avatar', huge, { 'content-type': 'image/png' });
  assert.equal(tooBig.status, 413);
  assert.equal(tooBig.body.error.code, 'body_too_large');
});

test('a new avatar replaces the old one, whose file is gone, and removing it leaves none', async () => {
  const { client } = await t.user();
  const png = (fill: number) =>
    Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, fill)]);
  const first = await client.put('/api/v1/me/avatar', png(1), { 'content-type': 'image/png' });
  assert.equal(first.status, 200);
  const second = await client.put('/api/v1/me/avatar', png(2), { 'content-type': 'image/png' });
  assert.equal(second.status, 200);
  assert.notEqual(second.body.user.avatar_url, first.body.user.avatar_url);
  assert.equal((await fetch(t.url + first.body.user.avatar_url)).status, 404);
  const current = await fetch(t.url + second.body.user.avatar_url);
  assert.ok(Buffer.from(await current.arrayBuffer()).equals(png(2)));
  const removed = await client.delete('/api/v1/me/avatar');
  assert.equal(removed.status, 200);
  assert.equal(removed.body.user.avatar_url, null);
  assert.equal((await fetch(t.url + second.body.user.avatar_url)).status, 404);
});

test('auth routes are rate limited per address', async () => {
  const limited = await startTestServer({ env: { RATE_LIMIT_AUTH_PER_MINUTE: '3' } });
  try {
    const c = limited.client();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (await c.post('/api/v1/auth/login', { handle: 'nobody', password: 'x' })).status,
      );
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
    const last = await c.post('/api/v1/auth/login', { handle: 'nobody', password: 'x' });
    assert.equal(last.body.error.code, 'rate_limited');
  } finally {
    await limited.close();
  }
});

test('health, readiness, metrics, OpenAPI and docs answer', async () => {
  const c = t.client();
  assert.deepEqual((await c.get('/healthz')).body, { status: 'ok' });
  const ready = await c.get('/readyz');
  assert.equal(ready.status, 200);
  // Other fields (media) are checked where their plane is running.
  assert.equal(ready.body.status, 'ready');
  assert.equal(ready.body.database, 'ok');
  assert.equal(ready.body.bus, 'ok', 'one node: the in-process bus');
  assert.equal(ready.body.hls, 'off', 'MEDIA=off: no packagers');
  const metrics = await c.get('/metrics');
  assert.match(
    metrics.body,
    /salon_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/,
  );
  const openapi = await c.get('/openapi.json');
  assert.equal(openapi.body.openapi, '3.0.3');
  assert.ok(openapi.body.paths['/api/v1/auth/register']);
  const docs = await fetch(`${t.url}/docs/`);
  assert.equal(docs.status, 200);
  assert.match(await docs.text(), /swagger/i);
  const id = (await c.get('/healthz')).headers.get('x-request-id');
  assert.ok(id && id.length > 8);
  const echoed = await c.request('GET', '/healthz', undefined, { 'x-request-id': 'trace-123' });
  assert.equal(echoed.headers.get('x-request-id'), 'trace-123');
});

test('a signed-in user gets notifications live over the realtime WebSocket', async () => {
  const star = await t.user();
  const fan = await t.user();
  const rt = await RealtimeClient.connect(t.url, star.client);
  const live = rt.waitFor((m) => m.type === 'notification');
  await fan.client.post(`/api/v1/users/${star.id}/follow`);
  const message = await live;
  assert.ok(message.type === 'notification');
  assert.equal(message.notification.kind, 'follow');
  assert.equal(message.notification.actor?.id, fan.id);
  await rt.close();
});
