import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import WebSocket from 'ws';
import { RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  castRoles,
  type FuzzContext,
  fuzzRoles,
  fuzzSeed,
  nastyString,
  type Roles,
} from '../support/ws-fuzz.js';

/**
 * The realtime WebSocket under fuzz, control plane only (MEDIA=off: media
 * messages are answered `media_unavailable` here; test/media/ws-fuzz.test.ts sends
 * them to a real Janus). Every role, every message type, bad inputs and
 * sequences; every request answered, no internal_error, the server still serves.
 */
let t: TestServer;
let roles: Roles;
let ctx: FuzzContext;
before(async () => {
  t = await startTestServer({ env: { HOST_MIN_FOLLOWERS: '0' } });
  const cast = await castRoles(t);
  roles = cast.roles;
  ctx = {
    spaceIds: [cast.spaceId],
    sdp: fc.oneof(nastyString, fc.constantFrom('v=0', 'v=0\r\nm=audio 9 RTP/AVP 0\r\n')),
  };
});
after(async () => {
  for (const socket of Object.values(roles ?? {})) socket.close();
  await t.close();
});

test('fuzzed messages under every role are all answered, none with internal_error', async () => {
  await fuzzRoles(roles, ctx, {
    seed: fuzzSeed('realtime ws-fuzz'),
    numRuns: 1500,
    timeLimitMs: 40_000,
    answerWithinMs: 10_000,
  });
});

test('a frame past the size limit closes only its own socket; the server still serves', async () => {
  const doomed = new WebSocket(`${t.url.replace(/^http/, 'ws')}/api/v1/realtime`);
  await new Promise((resolve) => doomed.once('open', resolve));
  const closed = new Promise<number>((resolve) => doomed.once('close', resolve));
  doomed.send(JSON.stringify({ type: 'ping', request_id: 'big', pad: 'x'.repeat(64 * 1024) }));
  assert.equal(await closed, 1009, 'message too big');

  assert.equal((await fetch(`${t.url}/healthz`)).status, 200);
  const guest = (await t.client().post('/api/v1/auth/guest')).body.token as string;
  const fresh = await RealtimeClient.connect(t.url, undefined, guest);
  try {
    assert.equal((await fresh.subscribe(ctx.spaceIds[0]!)).type, 'snapshot');
    const pong = fresh.waitFor((m) => m.type === 'pong');
    fresh.send({ type: 'ping', request_id: 'after' });
    await pong;
  } finally {
    await fresh.close();
  }
});
