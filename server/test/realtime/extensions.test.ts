import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ClientMessageOf, ServerMessage } from '@salon/protocol';
import type { GatewayExtension } from '../../src/realtime/gateway.js';
import { liveSpace } from '../support/factories.js';
import { RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Extensions answer their message types through typed handlers keyed by
 * type (realtime/router.ts), after the schema check; each extension answers
 * the types it has handlers for. The test server runs without media, so no
 * other extension holds these types.
 */
let t: TestServer;
let spaceId: string;
let listener: RealtimeClient;
const seen: Array<ClientMessageOf<'feeds_answer'> | ClientMessageOf<'feeds_watch'>> = [];
const stops: Array<ClientMessageOf<'feeds_stop'>> = [];

before(async () => {
  t = await startTestServer();
  const typed: GatewayExtension = {
    handlers: {
      feeds_watch: async (conn, message, requestId) => {
        seen.push(message);
        conn.send({
          type: 'feeds_watching',
          space_id: message.space_id,
          feeds: [],
          request_id: requestId,
        });
      },
      // No answer of its own: the router acknowledges it.
      feeds_answer: async (_conn, message) => {
        seen.push(message);
      },
    },
  };
  // A second extension, as media and feeds are two: each answers its own types.
  const other: GatewayExtension = {
    handlers: {
      feeds_stop: async (_conn, message) => {
        stops.push(message);
      },
    },
  };
  t.server.services.realtime.extend(typed);
  t.server.services.realtime.extend(other);
  const host = await t.user('extHost'); // the first account may host
  spaceId = (await liveSpace(host, { title: 'Extensions' })).id;
  const guest = (await t.client().post('/api/v1/auth/guest')).body.token as string;
  listener = await RealtimeClient.connect(t.url, undefined, guest);
  assert.equal((await listener.subscribe(spaceId)).type, 'snapshot');
});
after(async () => {
  await listener.close();
  await t.close();
});

let n = 0;
async function ask(fields: Record<string, unknown>): Promise<ServerMessage> {
  const requestId = `ext-${++n}`;
  const answer = listener.waitFor((m) => 'request_id' in m && m.request_id === requestId, 5000);
  listener.ws.send(JSON.stringify({ ...fields, request_id: requestId }));
  return answer;
}

test('a typed handler gets the checked message of its type and answers it', async () => {
  const answer = await ask({ type: 'feeds_watch', space_id: spaceId });
  assert.deepEqual(answer, {
    type: 'feeds_watching',
    space_id: spaceId,
    feeds: [],
    request_id: answer.type === 'feeds_watching' && answer.request_id,
  });
  assert.deepEqual(seen.at(-1), { type: 'feeds_watch', space_id: spaceId, request_id: `ext-${n}` });
});

test('a handler that sends nothing is acknowledged; a message failing its schema never reaches it', async () => {
  const before = seen.length;
  const refused = await ask({ type: 'feeds_answer', space_id: spaceId, sdp: 42 });
  assert.equal(refused.type, 'error');
  assert.equal(refused.type === 'error' && refused.code, 'invalid_message');
  assert.equal(seen.length, before);
  const acked = await ask({ type: 'feeds_answer', space_id: spaceId, sdp: 'v=0' });
  assert.equal(acked.type, 'ack');
  assert.equal(seen.length, before + 1);
  assert.equal((seen.at(-1) as ClientMessageOf<'feeds_answer'>).sdp, 'v=0');
});

test('another extension answers the types it has handlers for, and unhandled types are refused', async () => {
  const stopped = await ask({ type: 'feeds_stop', space_id: spaceId });
  assert.equal(stopped.type, 'ack');
  assert.equal(stops.at(-1)?.type, 'feeds_stop');
  const none = await ask({ type: 'media_listen', space_id: spaceId });
  assert.equal(none.type, 'error');
  assert.equal(none.type === 'error' && none.code, 'media_unavailable');
});
