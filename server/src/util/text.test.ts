import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findUnstorableText, textProblem } from './text.js';

test('NUL and unpaired surrogates are unstorable; paired surrogates and other controls are fine', () => {
  assert.equal(textProblem('a\u0000b'), 'nul');
  assert.equal(textProblem('\ud800'), 'lone_surrogate');
  assert.equal(textProblem('x\udc00'), 'lone_surrogate');
  assert.equal(textProblem('\udc00\ud800'), 'lone_surrogate');
  assert.equal(textProblem('\ud83d\ude00 ok'), null);
  assert.equal(textProblem('tab\tbell\u0007 é 中'), null);
  assert.equal(textProblem(''), null);
});

test('the first unstorable string in parsed data is found with its path, in values and in names', () => {
  assert.deepEqual(findUnstorableText({ a: 'ok', list: ['ok', 'x\u0000'] }), {
    path: 'list.1',
    problem: 'nul',
    inKey: false,
  });
  assert.deepEqual(findUnstorableText({ nested: { ['k\ud800']: 1 } }), {
    path: 'nested',
    problem: 'lone_surrogate',
    inKey: true,
  });
  assert.deepEqual(findUnstorableText('\u0000'), { path: '', problem: 'nul', inKey: false });
  assert.equal(findUnstorableText({ n: 1, b: true, z: null, s: 'fine' }), null);
  // A query object from Fastify has no Object prototype; it is walked all the same.
  const query = Object.assign(Object.create(null), { q: 'a\u0000' });
  assert.equal(findUnstorableText(query)?.path, 'q');
  // Bytes are not text.
  assert.equal(findUnstorableText(Buffer.from([0, 0xff])), null);
});

test('deeply nested data is walked without overflowing the stack', () => {
  let deep: unknown = 'bottom\u0000';
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.equal(findUnstorableText(deep)?.problem, 'nul');
});
