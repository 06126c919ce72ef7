import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import type { Client } from '../support/client.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * A page on another site gets the visitor's cookies attached to what it
 * sends: every state change on a cookie and every WebSocket on a cookie must
 * come from Salon's own pages (http/origin.ts), and bodies must be JSON.
 */
const EVIL = 'https://evil.example';
const FRONT_END = 'https://app.example.org';

let t: TestServer;
let victim: { client: Client; id: string; handle: string };
let other: { client: Client; id: string; handle: string };
before(async () => {
  t = await startTestServer({ env: { ALLOWED_ORIGINS: FRONT_END } });
  victim = await t.user();
  other = await t.user();
});
after(() => t.close());

/** What a foreign form or fetch with mode no-cors can send: text/plain, the victim's cookies. */
function forged(client: Client, method: string, path: string, headers: Record<string, string>) {
  return client.request(method, path, 'x', { 'content-type': 'text/plain', ...headers });
}

test('a foreign-Origin text/plain follow, block or logout on the victim cookie is refused with 403 cross_site_request', async () => {
  for (const [method, path] of [
    ['POST', `/api/v1/users/${other.id}/follow`],
    ['POST', `/api/v1/users/${other.id}/block`],
    ['POST', '/api/v1/auth/logout'],
  ] as const) {
    const reply = await forged(victim.client, method, path, { origin: EVIL });
    assert.equal(reply.status, 403, `${method} ${path}`);
    assert.equal(reply.body.error.code, 'cross_site_request');
    assert.match(reply.body.error.message, /evil\.example/);
  }
  // Nothing happened: still signed in, not following, not blocking.
  assert.equal((await victim.client.get('/api/v1/me')).status, 200);
  const following = await victim.client.get(`/api/v1/users/${victim.id}/following`);
  assert.equal(following.status, 200);
  assert.equal(following.body.data.length, 0);
  const blocks = await victim.client.get('/api/v1/me/blocks');
  assert.equal(blocks.body.data.length, 0);
});

test('without Origin, a foreign Referer, a cross-site or same-site Sec-Fetch-Site, or Origin null is refused', async () => {
  const path = `/api/v1/users/${other.id}/follow`;
  const sources: Record<string, string>[] = [
    { referer: `${EVIL}/page` },
    { 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'same-site' },
    { origin: 'null' },
  ];
  for (const headers of sources) {
    const reply = await victim.client.request('POST', path, undefined, headers);
    assert.equal(reply.status, 403, JSON.stringify(headers));
    assert.equal(reply.body.error.code, 'cross_site_request');
  }
});

test('login from a foreign page is refused too (login CSRF would sign the victim into the attacker account)', async () => {
  const reply = await t
    .client()
    .request(
      'POST',
      '/api/v1/auth/login',
      { handle: victim.handle, password: 'correct horse battery' },
      { origin: EVIL },
    );
  assert.equal(reply.status, 403);
  assert.equal(reply.body.error.code, 'cross_site_request');
});

test('the same origin, an ALLOWED_ORIGINS front end, a same-origin Referer and a client with none of these headers all work', async () => {
  const path = `/api/v1/users/${other.id}/follow`;
  const sources: Record<string, string>[] = [
    { origin: t.url },
    { origin: FRONT_END },
    { referer: `${t.url}/spaces` },
    { 'sec-fetch-site': 'same-origin' },
    {},
  ];
  for (const headers of sources) {
    const reply = await victim.client.request('POST', path, {}, headers);
    assert.equal(reply.status, 200, `${JSON.stringify(headers)}: ${JSON.stringify(reply.body)}`);
  }
});

test('a bearer-token request needs no Origin check: a foreign Origin is fine', async () => {
  const created = await victim.client.post('/api/v1/auth/tokens', { name: 'script' });
  assert.equal(created.status, 201);
  const api = t.client();
  api.bearer = created.body.token;
  const reply = await api.request('POST', `/api/v1/users/${other.id}/follow`, {}, { origin: EVIL });
  assert.equal(reply.status, 200);
});

test('a non-JSON body where JSON is expected is a 415 unsupported_media_type naming application/json', async () => {
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
    const reply = await victim.client.request('PATCH', '/api/v1/me', 'bio=hi', {
      'content-type': type,
    });
    assert.equal(reply.status, 415, type);
    assert.equal(reply.body.error.code, 'unsupported_media_type');
    assert.match(reply.body.error.message, /application\/json/);
  }
  // The avatar upload takes images, and says so.
  const avatar = await victim.client.put('/api/v1/me/avatar', 'not an image', {
    'content-type': 'text/plain',
  });
  assert.equal(avatar.status, 415);
  assert.equal(avatar.body.error.code, 'unsupported_media_type');
  assert.match(avatar.body.error.message, /image\/png/);
});

function handshake(headers: Record<string, string>, query = ''): Promise<number> {
  const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/api/v1/realtime${query}`, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

test('a WebSocket handshake from a foreign Origin with the cookie is refused with 403; the same origin is accepted', async () => {
  const cookie = victim.client.cookie!;
  assert.equal(await handshake({ cookie, origin: EVIL }), 403);
  assert.equal(await handshake({ cookie, origin: 'null' }), 403);
  assert.equal(await handshake({ cookie, origin: t.url }), 101);
  assert.equal(await handshake({ cookie, origin: FRONT_END }), 101);
  // No cookie, nothing ambient to ride on: a foreign page may listen as a guest.
  const guest = await t.client().post('/api/v1/auth/guest');
  assert.equal(
    await handshake({ origin: EVIL }, `?token=${encodeURIComponent(guest.body.token)}`),
    101,
  );
  // A client that is no browser sends no Origin.
  assert.equal(await handshake({ cookie }), 101);
});
