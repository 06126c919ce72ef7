import assert from 'node:assert/strict';
import { test } from 'node:test';
import { preferredEncoding } from './web.js';

test('a page with its own tags goes out in the encoding the browser prefers', () => {
  assert.equal(preferredEncoding('gzip, deflate, br, zstd'), 'br');
  assert.equal(preferredEncoding('gzip, deflate'), 'gzip');
  assert.equal(preferredEncoding('br;q=0, gzip;q=0.5'), 'gzip');
  assert.equal(preferredEncoding('*'), 'br');
  assert.equal(preferredEncoding('identity'), null);
  assert.equal(preferredEncoding(undefined), null);
  assert.equal(preferredEncoding('br;q=0, gzip;q=0, *;q=1'), null);
  assert.equal(preferredEncoding(['gzip', 'br;q=0.1']), 'br');
});
