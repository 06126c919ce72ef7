import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  APPEAL_RETENTION_MS,
  appealDeadline,
  DAY_MS,
  isPurgeable,
  retention,
} from './retention.js';

const ended = Date.UTC(2026, 0, 1);

test('audio is kept 30 days after the space ends, and not a moment less', () => {
  const facts = { endedAt: ended, upheldAt: [], pendingAppeals: 0 };
  assert.deepEqual(retention(facts), { kind: 'until', until: ended + 30 * DAY_MS });
  assert.equal(isPurgeable(facts, ended + 29 * DAY_MS), false);
  assert.equal(isPurgeable(facts, ended + 30 * DAY_MS - 1), false);
  assert.equal(isPurgeable(facts, ended + 30 * DAY_MS), true);
  assert.equal(isPurgeable(facts, ended + 31 * DAY_MS), true);
});

test('a report upheld within the window keeps the audio 90 days from the decision', () => {
  const decided = ended + 20 * DAY_MS;
  const facts = { endedAt: ended, upheldAt: [decided], pendingAppeals: 0 };
  assert.deepEqual(retention(facts), { kind: 'until', until: decided + APPEAL_RETENTION_MS });
  assert.equal(isPurgeable(facts, ended + 31 * DAY_MS), false);
  assert.equal(isPurgeable(facts, decided + 90 * DAY_MS - 1), false);
  assert.equal(isPurgeable(facts, decided + 90 * DAY_MS), true);
  assert.equal(appealDeadline(decided), decided + 90 * DAY_MS);
});

test('a decision after the audio expired cannot revive it; a later decision within the extension extends again', () => {
  const late = { endedAt: ended, upheldAt: [ended + 45 * DAY_MS], pendingAppeals: 0 };
  assert.deepEqual(retention(late), { kind: 'until', until: ended + 30 * DAY_MS });
  const chained = {
    endedAt: ended,
    upheldAt: [ended + 100 * DAY_MS, ended + 10 * DAY_MS],
    pendingAppeals: 0,
  };
  assert.deepEqual(retention(chained), { kind: 'until', until: ended + 190 * DAY_MS });
});

test('nothing is purged while an appeal is pending, however old', () => {
  const facts = { endedAt: ended, upheldAt: [ended + DAY_MS], pendingAppeals: 1 };
  assert.deepEqual(retention(facts), { kind: 'hold', reason: 'appeal_pending' });
  assert.equal(isPurgeable(facts, ended + 10_000 * DAY_MS), false);
});
