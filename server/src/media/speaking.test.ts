import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SpaceEventPayload } from '@salon/protocol';
import { SpeakingNow } from './speaking.js';

const event = (e: unknown) => e as SpaceEventPayload;

test('who is talking follows the speaking messages', () => {
  const now = new SpeakingNow();
  now.heard('a', true);
  now.heard('b', true);
  now.heard('a', false);
  assert.deepEqual([...now], ['b']);
});

test('leaving the stage or the space silences, the end silences everyone, other events do not', () => {
  const now = new SpeakingNow();
  for (const id of ['a', 'b', 'c', 'd']) now.heard(id, true);
  now.follow(event({ type: 'stage_changed', change: { kind: 'left', user_id: 'a' } }));
  now.follow(event({ type: 'stage_changed', change: { kind: 'joined', user_id: 'b' } }));
  now.follow(event({ type: 'participant_removed', participant: { kind: 'user', id: 'c' } }));
  assert.deepEqual([...now], ['b', 'd']);
  now.follow(event({ type: 'state_changed', state: 'live' }));
  assert.deepEqual([...now], ['b', 'd']);
  now.follow(event({ type: 'state_changed', state: 'ended' }));
  assert.deepEqual([...now], []);
});
