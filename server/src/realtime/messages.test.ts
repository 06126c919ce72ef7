import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAppError } from '../errors.js';
import { checkFields, KNOWN_CLIENT_TYPES, readEnvelope } from './messages.js';

const SPACE = 'a'.repeat(20);
const refusal = (type: string, message: Record<string, unknown>) => {
  try {
    checkFields(type, message);
    return null;
  } catch (error) {
    assert.ok(isAppError(error));
    return error.code;
  }
};

test('every client message type of the protocol has its fields checked, none falls back to a guess', () => {
  for (const type of KNOWN_CLIENT_TYPES) {
    const sdp = ['media_publish', 'media_listen_answer', 'feed_publish', 'feeds_answer'].includes(
      type,
    );
    const ok = {
      type,
      space_id: SPACE,
      ...(type === 'react' ? { emoji: '👍' } : {}),
      ...(sdp ? { sdp: 'v=0' } : {}),
    };
    assert.equal(refusal(type, ok), null, type);
    if (type !== 'ping') assert.equal(refusal(type, { type }), 'invalid_space_id', type);
    if (type === 'react' || sdp)
      assert.equal(
        refusal(type, { ...ok, [sdp ? 'sdp' : 'emoji']: { toString: 1 } }),
        'invalid_message',
      );
  }
  assert.equal(refusal('subscribe', { space_id: SPACE, incognito: 'true' }), 'invalid_message');
});

test('the envelope: JSON, an object with a string type, a request_id that can be echoed', () => {
  const code = (text: string) => {
    const e = readEnvelope(text);
    return e.ok ? 'ok' : e.error.code;
  };
  assert.equal(code('{'), 'invalid_json');
  assert.equal(code('[]'), 'invalid_message');
  assert.equal(code('null'), 'invalid_message');
  assert.equal(code('{"type":1}'), 'invalid_message');
  assert.equal(code('{"type":"ping","request_id":7}'), 'invalid_request_id');
  assert.equal(code(`{"type":"ping","request_id":"${'x'.repeat(65)}"}`), 'invalid_request_id');
  assert.equal(code('{"type":"ping","request_id":"\\ud800"}'), 'ok');
  const bad = readEnvelope('{"type":1,"request_id":"r1"}');
  assert.equal(bad.requestId, 'r1', 'a bad type is still answered with the request_id');
});
