import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CLIENT_MESSAGE_TYPES,
  type ClientMessage,
  FEED_CLIENT_MESSAGE_TYPES,
  MEDIA_CLIENT_MESSAGE_TYPES,
} from '@salon/protocol';
import WebSocket from 'ws';
import { type Cast, castOf, close, liveSpace, ROLES, type Role } from '../support/cast.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The authorization matrix over the WebSocket: every client message type,
 * sent by every role on an open socket, answered as the product's roles say
 * (written here, not read from the code). With MEDIA=off a media message the
 * sender may send is answered `media_unavailable`; one they may not is
 * refused first, with the reason: the authority check comes before any
 * handler, for every message.
 *
 * The suspended person's socket was opened before the suspension, which is
 * written to the database only (no bus event): the refusal comes from the
 * per-message check, and the socket is closed (4003).
 *
 * Rows run in order on one live space: `subscribe` and `unsubscribe` come
 * last, because they change who is in the space (the stranger is not
 * subscribed before; the others are).
 */
let t: TestServer;
let cast: Cast;
let space: string;
const sockets = new Map<Role, RealtimeClient>();
before(async () => {
  t = await startTestServer({ env: { HOST_MIN_FOLLOWERS: '0' } });
  cast = await castOf(t);
  space = await liveSpace(cast);
  for (const role of ROLES) {
    if (role === 'suspended') continue;
    const person = cast.people[role];
    const rt = await RealtimeClient.connect(t.url, person.client, person.token);
    sockets.set(role, rt);
    if (!['stranger', 'removed', 'blocked'].includes(role)) {
      assert.equal((await rt.subscribe(space)).type, 'snapshot', `${role} subscribes`);
    }
  }
});
after(async () => {
  for (const rt of sockets.values()) await rt.close();
  await close(cast, space);
  await t.close();
});

const SNAP = 'snapshot';
const PONG = 'pong';
const ACK = 'ack';
const RM = 'removed_from_space';
const BLK = 'blocked_by_host';
const GUEST = 'guest_not_allowed';
const SUSP = 'account_suspended';
const NOS = 'not_on_stage';
const NIS = 'not_in_space';
const NOAUDIO = 'media_unavailable';

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';

// biome-ignore format: the table reads best as aligned columns
const EXPECTED: Record<ClientMessage['type'], string[]> = {
  //                    host     cohost   speaker  listener stranger guest    removed  blocked  suspended admin
  ping:                 [PONG,    PONG,    PONG,    PONG,    PONG,    PONG,    PONG,    PONG,    SUSP,     PONG],
  // Reacting needs being in the space (subscribed): the stranger is not.
  react:                [ACK,     ACK,     ACK,     ACK,     NIS,     ACK,     RM,      BLK,     SUSP,     ACK],
  // Only the stage speaks.
  media_publish:        [NOAUDIO, NOAUDIO, NOAUDIO, NOS,     NOS,     GUEST,   RM,      BLK,     SUSP,     NOS],
  feed_publish:         [NOAUDIO, NOAUDIO, NOAUDIO, NOS,     NOS,     GUEST,   RM,      BLK,     SUSP,     NOS],
  feed_standby:         [NOAUDIO, NOAUDIO, NOAUDIO, NOS,     NOS,     GUEST,   RM,      BLK,     SUSP,     NOS],
  // Anyone admitted listens, guests included; the removed and the blocked are not admitted.
  media_listen:         [NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, RM,      BLK,     SUSP,     NOAUDIO],
  media_listen_answer:  [NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, RM,      BLK,     SUSP,     NOAUDIO],
  feeds_watch:          [NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, RM,      BLK,     SUSP,     NOAUDIO],
  feeds_answer:         [NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, RM,      BLK,     SUSP,     NOAUDIO],
  // Giving something up needs no right in the space; a suspended account is still refused.
  media_unpublish:      [NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, SUSP,     NOAUDIO],
  media_stop_listening: [NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, SUSP,     NOAUDIO],
  feed_unpublish:       [NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, SUSP,     NOAUDIO],
  feeds_stop:           [NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, SUSP,     NOAUDIO],
  subscribe:            [SNAP,    SNAP,    SNAP,    SNAP,    SNAP,    SNAP,    RM,      BLK,     SUSP,     SNAP],
  unsubscribe:          [ACK,     ACK,     ACK,     ACK,     ACK,     ACK,     ACK,     ACK,     SUSP,     ACK],
};

function messageOf(type: ClientMessage['type'], requestId: string): ClientMessage {
  const base = { space_id: space, request_id: requestId };
  switch (type) {
    case 'ping':
      return { type, request_id: requestId };
    case 'react':
      return { type, ...base, emoji: '👍' };
    case 'media_publish':
    case 'media_listen_answer':
    case 'feed_publish':
    case 'feeds_answer':
      return { type, ...base, sdp: SDP };
    default:
      return { type, ...base } as ClientMessage;
  }
}

/** The answer to one request: the type of a reply, or the code of an error. */
async function answer(rt: RealtimeClient, type: ClientMessage['type']): Promise<string> {
  const requestId = `${type}-${Math.random().toString(36).slice(2)}`;
  const reply = rt.waitFor((m) => 'request_id' in m && m.request_id === requestId);
  rt.send(messageOf(type, requestId));
  const m = await reply;
  return m.type === 'error' ? m.code : m.type;
}

/** A signed-in person whose socket opened before their account was suspended (in the database only). */
async function suspendedSocket(): Promise<RealtimeClient> {
  const person = await t.user();
  const rt = await RealtimeClient.connect(t.url, person.client);
  await t.server.services.storage.db
    .updateTable('users')
    .set({ suspended_at: Date.now() })
    .where('id', '=', person.id)
    .execute();
  return rt;
}

function closeCode(rt: RealtimeClient): Promise<number> {
  if (rt.ws.readyState === WebSocket.CLOSED) return Promise.resolve(-1);
  return new Promise((resolve) => rt.ws.once('close', (code) => resolve(code)));
}

test('the matrix has a row for every client message type', () => {
  const all = [
    ...CLIENT_MESSAGE_TYPES,
    ...MEDIA_CLIENT_MESSAGE_TYPES,
    ...FEED_CLIENT_MESSAGE_TYPES,
  ];
  assert.deepEqual(Object.keys(EXPECTED).sort(), [...new Set(all)].sort());
  for (const [type, cells] of Object.entries(EXPECTED))
    assert.equal(cells.length, ROLES.length, `row ${type} has a cell per role`);
});

for (const [type, cells] of Object.entries(EXPECTED) as Array<[ClientMessage['type'], string[]]>) {
  describe(type, () => {
    ROLES.forEach((role, i) => {
      const expected = cells[i]!;
      test(`from the ${role}: ${expected}`, async () => {
        if (role !== 'suspended') {
          assert.equal(await answer(sockets.get(role)!, type), expected);
          return;
        }
        const rt = await suspendedSocket();
        const closed = closeCode(rt);
        assert.equal(await answer(rt, type), expected);
        assert.equal(await closed, 4003, 'the suspended account’s socket is closed');
      });
    });
  });
}

test('a subscription of the suspended is refused and the socket closed, with nothing of the space sent', async () => {
  const rt = await suspendedSocket();
  const closed = closeCode(rt);
  assert.equal(await answer(rt, 'subscribe'), SUSP);
  await closed;
  await eventually(() => rt.ws.readyState === WebSocket.CLOSED, 'the socket to close');
  assert.equal(
    rt.messages.some((m) => m.type === 'snapshot'),
    false,
  );
});
