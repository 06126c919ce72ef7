import assert from 'node:assert/strict';
import { test } from 'node:test';
import { open, seal } from './envelope.js';

const KINDS: ReadonlySet<'event' | 'speaking'> = new Set(['event', 'speaking']);

test('an envelope is opened with its kind and its JSON as it was sealed', () => {
  const json = JSON.stringify({ type: 'event', text: 'a line\nwith a newline' });
  assert.deepEqual(open(seal('event', json), KINDS), { kind: 'event', json });
});

test('a kind off the list, a bare JSON message or text without a header is no envelope', () => {
  assert.equal(open(seal('caption', '{}'), KINDS), null);
  assert.equal(open('{"type":"event","space_id":"s"}', KINDS), null);
  assert.equal(open('\n{}', KINDS), null);
  assert.equal(open('', KINDS), null);
});
