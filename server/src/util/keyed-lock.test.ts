import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyedLock } from './keyed-lock.js';

test('one key runs one at a time, in order, and a failure does not block the next', async () => {
  const lock = new KeyedLock();
  const order: string[] = [];
  let inside = 0;
  const job = (name: string, ms: number, fail = false) =>
    lock.run('a', async () => {
      inside += 1;
      assert.equal(inside, 1, `${name} alone`);
      await sleep(ms);
      order.push(name);
      inside -= 1;
      if (fail) throw new Error(name);
      return name;
    });
  const results = await Promise.allSettled([job('1', 20), job('2', 1, true), job('3', 5)]);
  assert.deepEqual(order, ['1', '2', '3']);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
});

test('different keys run together, up to the limit', async () => {
  const lock = new KeyedLock(2);
  let inside = 0;
  let most = 0;
  await Promise.all(
    ['a', 'b', 'c', 'd'].map((key) =>
      lock.run(key, async () => {
        inside += 1;
        most = Math.max(most, inside);
        await sleep(10);
        inside -= 1;
      }),
    ),
  );
  assert.equal(most, 2);
});
