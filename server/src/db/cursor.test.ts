import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeIdCursor, decodeTimeIdCursor, encodeCursor } from './cursor.js';

const raw = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');

test('a cursor this server gave out decodes to its sort key', () => {
  const at = Date.UTC(2026, 0, 1);
  assert.deepEqual(decodeTimeIdCursor(encodeCursor([at, 'abc'])), [at, 'abc']);
  assert.deepEqual(decodeTimeIdCursor(encodeCursor([0, 'a'])), [0, 'a']);
  assert.deepEqual(decodeTimeIdCursor(encodeCursor([Number.MAX_SAFE_INTEGER, 'a'])), [
    Number.MAX_SAFE_INTEGER,
    'a',
  ]);
  assert.equal(decodeIdCursor(encodeCursor(['0mx58'])), '0mx58');
  assert.equal(decodeIdCursor(undefined), null);
});

test('times that are not non-negative safe integers are refused, naming the cursor', () => {
  for (const time of [1.5, 1e21, 2 ** 63, -1, 2 ** 53, '1', null]) {
    assert.throws(() => decodeTimeIdCursor(raw([time, 'a'])), {
      code: 'invalid_cursor',
      details: { field: 'query.cursor' },
    });
  }
});

test('strings that are not storable text, and malformed cursors, are refused', () => {
  for (const cursor of [
    raw(['a\u0000b']),
    raw(['\ud800']),
    raw(['x'.repeat(101)]),
    raw([1]),
    raw(['a', 'b']),
    raw({ id: 'a' }),
    'not base64 at all!',
    '',
  ]) {
    assert.throws(() => decodeIdCursor(cursor), { code: 'invalid_cursor' }, cursor);
  }
});
