import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ServerMessage } from '@salon/protocol';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { Publisher } from './support/publisher.js';
import { TEST_ICE_ADDRESS } from './support/stage.js';

/**
 * WebRTC seats cannot be hoarded: one per person (or guest) per space across
 * their sockets, the newest wins; an offer nobody answers frees its seat.
 * (Reproduction: 310 sockets of one guest token sent media_listen, never
 * answered, and held 300 seats in 1.4 s; a real listener went to HLS.)
 */
let t: TestServer;
let spaceId: string;
let hostRt: RealtimeClient;
const sockets: RealtimeClient[] = [];
before(async () => {
  t = await startTestServer({
    env: {
      MEDIA: 'embedded',
      JANUS_ICE_ENFORCE_LIST: TEST_ICE_ADDRESS,
      HOST_MIN_FOLLOWERS: '0',
      WEBRTC_ANSWER_SECONDS: '2',
      // Two seats: if the hoarder held more than one, the real listener below would be refused.
      WEBRTC_LISTENERS_PER_SPACE: '2',
    },
  });
  const host = await t.user('seatHost');
  spaceId = (await host.client.post('/api/v1/spaces', { title: 'Seats' })).body.id;
  hostRt = await socket(undefined, host.client);
});
after(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await t.close();
});

const seats = () => t.server.services.media!.plane.listenerCounts(spaceId).space;
const handles = () => t.server.services.media!.plane.describe(spaceId)?.listeners ?? 0;

async function socket(token?: string, http?: Parameters<typeof RealtimeClient.connect>[1]) {
  const rt = await RealtimeClient.connect(t.url, http, token);
  sockets.push(rt);
  assert.equal((await rt.subscribe(spaceId)).type, 'snapshot');
  return rt;
}
const guestToken = async () => (await t.client().post('/api/v1/auth/guest')).body.token as string;

let n = 0;
function ask(rt: RealtimeClient, type: string): Promise<ServerMessage> {
  const requestId = `seat-${++n}`;
  const answer = rt.waitFor((m) => 'request_id' in m && m.request_id === requestId, 15_000);
  rt.ws.send(JSON.stringify({ type, space_id: spaceId, request_id: requestId }));
  return answer;
}
const stopped = (rt: RealtimeClient, reason: string) =>
  rt.waitFor((m) => m.type === 'media_stopped' && m.reason === reason, 15_000, true);

test('one guest with 20 sockets sending media_listen and never answering holds one seat at most, and none after the answer deadline', async () => {
  const token = await guestToken();
  const hoard = await Promise.all(Array.from({ length: 20 }, () => socket(token)));
  let most = 0;
  const sampler = setInterval(() => {
    most = Math.max(most, seats());
  }, 5);
  const answers = await Promise.all(hoard.map((rt) => ask(rt, 'media_listen')));
  clearInterval(sampler);
  most = Math.max(most, seats());
  // Each is answered: an offer, or (past the few a person may have waiting) listen_busy.
  const offered = answers.filter((a) => a.type === 'media_offer').length;
  assert.ok(
    answers.every(
      (a) => a.type === 'media_offer' || (a.type === 'error' && a.code === 'listen_busy'),
    ),
    JSON.stringify(answers.map((a) => (a.type === 'error' ? a.code : a.type))),
  );
  assert.ok(offered >= 1);
  assert.equal(most, 1, 'never more than one seat for one guest');
  assert.equal(seats(), 1);
  assert.equal(handles(), 1, 'one Janus handle left, the newest');
  // Every socket that got an offer but the newest was told its listen moved elsewhere.
  const told = await Promise.all(
    hoard.map((rt) =>
      rt
        .waitFor(
          (m) => m.type === 'media_stopped' && m.reason === 'listening_elsewhere',
          3000,
          true,
        )
        .then(
          () => true,
          () => false,
        ),
    ),
  );
  assert.equal(told.filter(Boolean).length, offered - 1);

  // A real listener still gets a seat (the cap is two).
  const listener = await socket(await guestToken());
  const offer = await ask(listener, 'media_listen');
  assert.equal(offer.type, 'media_offer', JSON.stringify(offer));

  // Nobody answers: after the deadline both seats and their Janus handles are free.
  const last = hoard.find((_, i) => answers[i]!.type === 'media_offer' && !told[i])!;
  await stopped(last, 'answer_timeout');
  await stopped(listener, 'answer_timeout');
  await eventually(() => seats() === 0 && handles() === 0, 'the unanswered seats to be freed');
  const late = await ask(listener, 'media_listen_answer');
  assert.equal(late.type, 'error');
});

test('a person’s newest tab takes their seat from the older one, mix or feeds', async () => {
  const person = await t.user();
  const older = await socket(undefined, person.client);
  const newer = await socket(undefined, person.client);
  assert.equal((await ask(older, 'media_listen')).type, 'media_offer');
  // No feed is live yet: the watch is answered with no offer, and still takes the seat.
  const watching = await ask(newer, 'feeds_watch');
  assert.equal(watching.type, 'feeds_watching', JSON.stringify(watching));
  await stopped(older, 'listening_elsewhere');
  assert.equal(seats(), 1);
  await ask(newer, 'feeds_stop');
  await eventually(() => seats() === 0, 'the watch to end');
});

test('an unanswered feeds offer frees its watch and seat after the deadline too', async () => {
  const feed = await Publisher.feed(hostRt, spaceId, 440);
  try {
    const watcher = await socket(await guestToken());
    const requestId = 'watch-deadline';
    // The watch is answered with an offer once the host's feed is live (maybe at once).
    const offered = watcher.waitFor((m) => m.type === 'feeds_offer', 15_000, true);
    watcher.ws.send(
      JSON.stringify({ type: 'feeds_watch', space_id: spaceId, request_id: requestId }),
    );
    await offered;
    const watchers = () => t.server.services.media!.feeds.describe(spaceId)?.watchers ?? 0;
    assert.equal(watchers(), 1);
    await watcher.waitFor(
      (m) => m.type === 'feeds_stopped' && m.which === 'watch' && m.reason === 'answer_timeout',
      15_000,
      true,
    );
    await eventually(() => watchers() === 0 && seats() === 0, 'the watch and its seat to be freed');
  } finally {
    await feed.close();
  }
});
