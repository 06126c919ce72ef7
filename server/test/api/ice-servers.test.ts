import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer({
    env: {
      STUN_SERVER: 'stun.example.org:3478',
      TURN_SERVER: 'turn.example.org:3478',
      TURN_USER: 'janus',
      TURN_PASSWORD: 'janus-pw',
      TURN_SECRET: 'coturn-secret',
      TURN_TTL_SECONDS: '600',
    },
  });
});
after(() => t.close());

test('signed-in users and guests get STUN and personal TURN credentials; nobody else does', async () => {
  const user = await t.user();
  const reply = await user.client.get('/api/v1/media/ice-servers');
  assert.equal(reply.status, 200);
  assert.equal(reply.headers.get('cache-control'), 'private, no-store');
  const [stun, turn] = reply.body.ice_servers;
  assert.deepEqual(stun, { urls: ['stun:stun.example.org:3478'] });
  const [expiry, who] = turn.username.split(':');
  assert.equal(who, `u-${user.id}`);
  const inSeconds = Number(expiry) - Date.now() / 1000;
  assert.ok(inSeconds > 590 && inSeconds <= 601, `expires in ${inSeconds} s`);
  assert.equal(
    turn.credential,
    createHmac('sha1', 'coturn-secret').update(turn.username).digest('base64'),
  );
  assert.notEqual(turn.credential, 'janus-pw', "Janus's own TURN password stays on the server");

  const guest = (await t.client().post('/api/v1/auth/guest')).body;
  const asGuest = await t.client().request('GET', '/api/v1/media/ice-servers', undefined, {
    authorization: `Bearer ${guest.token}`,
  });
  assert.equal(asGuest.status, 200);
  assert.match(asGuest.body.ice_servers[1].username, /^\d+:g-/);

  const anonymous = await t.client().get('/api/v1/media/ice-servers');
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.body.error.code, 'unauthenticated');
});
