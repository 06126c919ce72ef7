import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
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
import { TEST_ICE_ADDRESS } from './support/stage.js';

/**
 * The realtime WebSocket under fuzz with a real Janus behind it: media and
 * feed messages carry SDPs that pass Salon's own checks (so they reach
 * Janus) and then break in every way a mutation can. Every request is
 * answered (Janus's refusals and timeouts become codes), none with
 * internal_error, and the media plane still serves afterwards.
 */
let t: TestServer;
let roles: Roles;
let ctx: FuzzContext;
let spaceId: string;

/** A plausible half-trickle Opus offer, as a browser sends one (one audio m-line, with a mid). */
const OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=msid-semantic: WMS',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:fzUf',
  'a=ice-pwd:fuzzfuzzfuzzfuzzfuzzfuzz',
  'a=ice-options:trickle',
  `a=fingerprint:sha-256 ${Array.from({ length: 32 }, () => 'AB').join(':')}`,
  'a=setup:actpass',
  'a=mid:0',
  'a=sendonly',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  `a=candidate:1 1 udp 2122260223 ${TEST_ICE_ADDRESS} 50000 typ host`,
  'a=end-of-candidates',
];

/** The offer, mutated: lines dropped, duplicated or replaced, line ends changed, m-lines added. */
const mutatedOffer: fc.Arbitrary<string> = fc
  .record({
    drop: fc.uniqueArray(fc.integer({ min: 1, max: OFFER.length - 1 }), { maxLength: 4 }),
    replace: fc.option(fc.tuple(fc.integer({ min: 1, max: OFFER.length - 1 }), nastyString)),
    duplicate: fc.option(fc.integer({ min: 1, max: OFFER.length - 1 })),
    extra: fc.constantFrom(
      '',
      'm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=rtpmap:96 VP8/90000',
      'm=audio 70000 RTP/AVP 0',
      'a=rtpmap:111 opus/48000/2',
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:2',
    ),
    eol: fc.constantFrom('\r\n', '\n', '\r'),
  })
  .map(({ drop, replace, duplicate, extra, eol }) => {
    const lines = OFFER.filter((_, i) => !drop.includes(i));
    if (replace) lines[Math.min(replace[0], lines.length - 1)] = replace[1];
    if (duplicate !== null) lines.push(OFFER[duplicate]!);
    if (extra) lines.push(extra);
    return `${lines.join(eol)}${eol}`;
  });

before(async () => {
  t = await startTestServer({
    env: {
      MEDIA: 'embedded',
      JANUS_ICE_ENFORCE_LIST: TEST_ICE_ADDRESS,
      HOST_MIN_FOLLOWERS: '0',
      // Offers the fuzz never answers free their seats quickly.
      WEBRTC_ANSWER_SECONDS: '2',
    },
  });
  const cast = await castRoles(t);
  roles = cast.roles;
  spaceId = cast.spaceId;
  ctx = {
    spaceIds: [spaceId],
    sdp: fc.oneof(
      { weight: 6, arbitrary: mutatedOffer },
      { weight: 1, arbitrary: fc.constant(OFFER.join('\r\n')) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('v=0', 'v=0\r\n', 'v=0\r\nm=audio 9 RTP/AVP 0\r\na=mid:0'),
      },
      { weight: 1, arbitrary: nastyString.map((s) => `v=0\r\n${s}`) },
    ),
  };
});
after(async () => {
  for (const socket of Object.values(roles ?? {})) socket.close();
  await t.close();
});

test('fuzzed media and feed messages under every role reach Janus and are all answered, none with internal_error', async () => {
  await fuzzRoles(roles, ctx, {
    seed: fuzzSeed('media ws-fuzz'),
    numRuns: 300,
    timeLimitMs: 45_000,
    // Janus's own request deadline is 10 s; its timeouts are answered too.
    answerWithinMs: 15_000,
  });
});

test('after the fuzz, the media plane still serves: a new listener gets an offer from Janus', async () => {
  const ready = await fetch(`${t.url}/readyz`);
  assert.equal(ready.status, 200, await ready.text());
  const guest = (await t.client().post('/api/v1/auth/guest')).body.token as string;
  const rt = await RealtimeClient.connect(t.url, undefined, guest);
  try {
    assert.equal((await rt.subscribe(spaceId)).type, 'snapshot');
    const offer = rt.waitFor((m) => 'request_id' in m && m.request_id === 'after', 15_000);
    rt.send({ type: 'media_listen', space_id: spaceId, request_id: 'after' });
    const answer = await offer;
    assert.equal(answer.type, 'media_offer', JSON.stringify(answer));
  } finally {
    await rt.close();
  }
});
