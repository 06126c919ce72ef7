import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ServerMessage } from '@salon/protocol';
import { liveSpace } from '../support/factories.js';
import { RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Every realtime request gets an answer: its reply, an `ack`, or an `error` with its request_id. */
let t: TestServer;
let spaceId: string;
let listener: RealtimeClient;
before(async () => {
  t = await startTestServer();
  const host = await t.user('ansHost'); // the first account may host
  spaceId = (await liveSpace(host, { title: 'Answers' })).id;
  const guest = (await t.client().post('/api/v1/auth/guest')).body.token as string;
  listener = await RealtimeClient.connect(t.url, undefined, guest);
  assert.equal((await listener.subscribe(spaceId)).type, 'snapshot');
});
after(async () => {
  await listener.close();
  await t.close();
});

let n = 0;
/** Sends a raw frame with a fresh request_id and waits for the answer that carries it. */
async function ask(fields: Record<string, unknown>): Promise<ServerMessage> {
  const requestId = `ask-${++n}`;
  const answer = listener.waitFor((m) => 'request_id' in m && m.request_id === requestId, 5000);
  listener.ws.send(JSON.stringify({ ...fields, request_id: requestId }));
  return answer;
}

test('a reaction whose emoji is an object is refused with invalid_message, not a thrown TypeError', async () => {
  const answer = await ask({ type: 'react', space_id: spaceId, emoji: { toString: 1 } });
  assert.equal(answer.type, 'error');
  assert.equal(answer.type === 'error' && answer.code, 'invalid_message');
  assert.match(answer.type === 'error' ? answer.message : '', /emoji/);
});

test('every field of every message is checked for its type', async () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ type: 'subscribe', space_id: spaceId, incognito: 'yes' }, 'invalid_message'],
    [{ type: 'subscribe', space_id: 42 }, 'invalid_space_id'],
    [{ type: 'react', space_id: spaceId }, 'invalid_message'],
    [{ type: 'react', space_id: spaceId, emoji: ['👍'] }, 'invalid_message'],
    [{ type: 'react', space_id: spaceId, emoji: 'x'.repeat(10_000) }, 'invalid_message'],
    [{ type: 'unsubscribe', space_id: null }, 'invalid_space_id'],
    [{ type: 'no_such_thing', space_id: spaceId }, 'unknown_message'],
    [{ type: ['react'] }, 'invalid_message'],
  ];
  for (const [fields, code] of cases) {
    const answer = await ask(fields);
    assert.equal(answer.type, 'error', JSON.stringify(fields));
    assert.equal(answer.type === 'error' && answer.code, code, JSON.stringify(fields));
  }
});

test('requests with nothing else to say are acknowledged', async () => {
  const reacted = await ask({ type: 'react', space_id: spaceId, emoji: '👍' });
  assert.deepEqual(reacted, {
    type: 'ack',
    request_id: reacted.type === 'ack' && reacted.request_id,
    space_id: spaceId,
  });
  const left = await ask({ type: 'unsubscribe', space_id: spaceId });
  assert.equal(left.type, 'ack');
});

test('a request_id that cannot be echoed is refused, and the connection goes on', async () => {
  const refused = listener.waitFor((m) => m.type === 'error' && m.code === 'invalid_request_id');
  listener.ws.send(JSON.stringify({ type: 'ping', request_id: { id: 1 } }));
  await refused;
  const pong = await ask({ type: 'ping' });
  assert.equal(pong.type, 'pong');
});
