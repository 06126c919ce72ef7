import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ServerMessage } from '@salon/protocol';
import { RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { TEST_ICE_ADDRESS } from './support/stage.js';

/**
 * An SDP the media server refuses is answered with a code, not silence:
 * Janus's error (or its timeout) comes back as an `error` with the request's id.
 */
let t: TestServer;
let spaceId: string;
let host: RealtimeClient;
before(async () => {
  t = await startTestServer({
    env: { MEDIA: 'embedded', JANUS_ICE_ENFORCE_LIST: TEST_ICE_ADDRESS, HOST_MIN_FOLLOWERS: '0' },
  });
  const u = await t.user('sdpHost');
  spaceId = (await u.client.post('/api/v1/spaces', { title: 'Bad SDP' })).body.id;
  host = await RealtimeClient.connect(t.url, u.client);
  await host.subscribe(spaceId);
});
after(async () => {
  await host.close();
  await t.close();
});

/**
 * Below the web client's own 15 s request timeout. A request Janus never
 * answers would come back as media_timeout after 10 s, which fails the code check.
 */
const ANSWER_WITHIN_MS = 12_000;
let n = 0;
async function ask(rt: RealtimeClient, message: Record<string, unknown>): Promise<ServerMessage> {
  const requestId = `sdp-${++n}`;
  const answer = rt.waitFor(
    (m) => 'request_id' in m && m.request_id === requestId,
    ANSWER_WITHIN_MS,
  );
  rt.ws.send(JSON.stringify({ ...message, space_id: spaceId, request_id: requestId }));
  return answer;
}

const GARBAGE_AUDIO = 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n';

/** Janus's JSON parser drops these without an answer: Salon must refuse them itself. */
const WITH_NUL = `${GARBAGE_AUDIO}a=x\u0000y\r\n`;
const WITH_LONE_SURROGATE = `${GARBAGE_AUDIO}s=\ud800\r\n`;

const BAD_SDPS = [
  ['v=0', 'v=0'],
  ['an audio m-line and nothing else', GARBAGE_AUDIO],
  ['a NUL', WITH_NUL],
  ['a lone surrogate', WITH_LONE_SURROGATE],
] as const;

for (const type of ['media_publish', 'feed_publish']) {
  for (const [name, sdp] of BAD_SDPS) {
    test(`${type} with an SDP Janus cannot use (${name}) is answered invalid_sdp`, async () => {
      const answer = await ask(host, { type, sdp });
      assert.equal(answer.type, 'error', JSON.stringify(answer));
      assert.equal(answer.type === 'error' && answer.code, 'invalid_sdp', JSON.stringify(answer));
    });
  }
}

test('media_listen_answer with an SDP Janus refuses is answered invalid_sdp', async () => {
  const guest = (await t.client().post('/api/v1/auth/guest')).body.token as string;
  const rt = await RealtimeClient.connect(t.url, undefined, guest);
  try {
    await rt.subscribe(spaceId);
    const offer = await ask(rt, { type: 'media_listen' });
    assert.equal(offer.type, 'media_offer', JSON.stringify(offer));
    for (const [, sdp] of BAD_SDPS) {
      const answer = await ask(rt, { type: 'media_listen_answer', sdp });
      assert.equal(answer.type, 'error', JSON.stringify(answer));
      assert.equal(answer.type === 'error' && answer.code, 'invalid_sdp', JSON.stringify(answer));
    }
  } finally {
    await rt.close();
  }
});
