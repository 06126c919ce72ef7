import assert from 'node:assert/strict';
import { test } from 'node:test';
import { START_RETRY_MAX_MS, startRetryDelay } from './packagers.js';

test('a packager that cannot start is tried again after 1 s, then twice as long each time, at most 30 s apart', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 50].map(startRetryDelay),
    [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000],
  );
  assert.equal(START_RETRY_MAX_MS, 30_000);
});
