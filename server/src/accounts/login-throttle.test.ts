import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideAttempt, LOGIN_THROTTLE, lockFor, type ThrottleState } from './login-throttle.js';

test('no lock for the first four attempts, then 30 s doubling to a 15 min cap', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 50, 10_000].map((n) => lockFor(n, LOGIN_THROTTLE) / 1000),
    [0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900, 900],
  );
});

test('an attempt is counted, with its lock, before the password is checked', () => {
  let state: ThrottleState | null = null;
  const now = 1_000_000;
  for (let i = 1; i <= 5; i += 1) {
    const decision = decideAttempt(state, now);
    assert.equal(decision.allowed, true);
    if (decision.allowed) state = decision.next;
  }
  assert.deepEqual(state, { failures: 5, lockedUntil: now + 30_000, updatedAt: now });
  // Locked: refused, and the refusal neither counts nor lengthens the lock.
  assert.deepEqual(decideAttempt(state, now + 10_000), { allowed: false, retryAfterMs: 20_000 });
  const after = decideAttempt(state, now + 30_000);
  assert.equal(after.allowed, true);
  if (after.allowed) assert.equal(after.next.lockedUntil, now + 30_000 + 60_000);
});

test('a count untouched for a day is forgotten', () => {
  const old: ThrottleState = { failures: 9, lockedUntil: 0, updatedAt: 0 };
  const decision = decideAttempt(old, LOGIN_THROTTLE.forgetAfterMs + 1);
  assert.equal(decision.allowed, true);
  if (decision.allowed) assert.equal(decision.next.failures, 1);
});
