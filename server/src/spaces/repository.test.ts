import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { liveSpace } from '../../test/support/space-model.js';
import { isAppError } from '../errors.js';
import { parseSpaceState, SPACE_STATE_FORMAT, serializeSpaceState } from './repository.js';

const FORMAT_1 = readFileSync(
  new URL('../../test/spaces/fixtures/space-state-format1.json', import.meta.url),
  'utf8',
);

function unreadable(error: unknown): boolean {
  return isAppError(error) && error.code === 'space_state_unreadable';
}

test('a state stored before the format field reads with the later settings at their defaults', () => {
  const state = parseSpaceState(FORMAT_1);
  assert.equal(state.allow_guests, true);
  assert.equal(state.clipping, true);
  assert.equal(state.captions, false);
  assert.deepEqual(state.captions_off, []);
  assert.equal(state.host_away_since, null);
  assert.equal('format' in state, false, 'the format is the row’s, not the state’s');
  // What was stored is kept as it was.
  const stored = JSON.parse(FORMAT_1);
  for (const key of Object.keys(stored))
    assert.deepEqual(state[key as keyof typeof state], stored[key]);
});

test('a setting stored off stays off: defaults fill only what is absent', () => {
  const stored = { ...JSON.parse(FORMAT_1), allow_guests: false, clipping: false, captions: true };
  const state = parseSpaceState(JSON.stringify(stored));
  assert.equal(state.allow_guests, false);
  assert.equal(state.clipping, false);
  assert.equal(state.captions, true);
});

test('a state written today reads back as it was', () => {
  const state = liveSpace();
  const data = serializeSpaceState(state);
  assert.equal(JSON.parse(data).format, SPACE_STATE_FORMAT);
  assert.deepEqual(parseSpaceState(data), state);
});

test('a row from a newer server, or one that does not parse, is refused, naming the space', () => {
  const newer = { ...JSON.parse(FORMAT_1), format: SPACE_STATE_FORMAT + 1 };
  assert.throws(
    () => parseSpaceState(JSON.stringify(newer)),
    (e: unknown) => {
      return unreadable(e) && (e as Error).message.includes('sp_format1');
    },
  );
  const broken = { ...JSON.parse(FORMAT_1), stage: [{ user_id: 'u_host', role: 'boss' }] };
  assert.throws(() => parseSpaceState(JSON.stringify(broken)), unreadable);
  assert.throws(() => parseSpaceState('{}'), unreadable);
});
