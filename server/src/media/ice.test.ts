import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iceServersFor } from './ice.js';

const NOW = 1_700_000_000_000; // 2023-11-14T22:13:20Z
const base = {
  stun: { host: 'stun.example.org', port: 3478 },
  turn: {
    host: 'turn.example.org',
    port: 3478,
    type: 'udp' as const,
    user: 'janus',
    password: 'pw',
  },
  turnSecret: null,
  turnTtlSeconds: 86_400,
};

test('with a TURN secret, each person gets credentials of their own that coturn can check', () => {
  const dto = iceServersFor({ ...base, turnSecret: 'coturn-secret' }, 'u-abc', NOW);
  assert.deepEqual(dto.ice_servers[0], { urls: ['stun:stun.example.org:3478'] });
  const turn = dto.ice_servers[1]!;
  assert.deepEqual(turn.urls, [
    'turn:turn.example.org:3478?transport=udp',
    'turn:turn.example.org:3478?transport=tcp',
  ]);
  // Expiry = now + TTL, in unix seconds; the password is base64(HMAC-SHA1(secret, username)),
  // here as computed by `openssl dgst -sha1 -hmac coturn-secret -binary | base64`.
  assert.equal(turn.username, '1700086400:u-abc');
  assert.equal(turn.credential, 'KqmmtxVqj0rT65HsQoB31CqVwHY=');
  assert.equal(dto.expires_at, '2023-11-15T22:13:20.000Z');
});

test('without a secret the static TURN user is handed out; with no servers, none', () => {
  const dto = iceServersFor(base, 'g-1', NOW);
  assert.deepEqual(dto.ice_servers[1]?.username, 'janus');
  assert.deepEqual(dto.ice_servers[1]?.credential, 'pw');
  assert.equal(dto.expires_at, null);
  assert.deepEqual(iceServersFor({ ...base, stun: null, turn: null }, 'g-1', NOW), {
    ice_servers: [],
    expires_at: null,
  });
});
