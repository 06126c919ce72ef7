import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ctx,
  HOST,
  liveSpace,
  run,
  scheduledSpace,
  user,
  withCohosts,
  withSpeakers,
} from '../../test/support/space-model.js';
import {
  createSpace,
  demoteCohost,
  editSpace,
  endSpace,
  leaveStage,
  mute,
  muteAll,
  removeFromSpace,
  removeFromStage,
  unmute,
} from '../spaces/model.js';
import { EffectOrder, effectsOf } from './effects.js';

const effects = (out: {
  state: Parameters<typeof effectsOf>[0];
  events: Parameters<typeof effectsOf>[1];
}) => effectsOf(out.state, out.events);

test('a space created live opens its room; one scheduled for later asks nothing of the media', () => {
  const live = createSpace(HOST, { id: 's', title: 'Now', language: 'en' }, ctx());
  assert.deepEqual(effects(live), [{ kind: 'open' }]);
  const later = createSpace(
    HOST,
    { id: 's', title: 'Later', language: 'en', scheduled_start: ctx().now + 3_600_000 },
    ctx(),
  );
  assert.deepEqual(effects(later), []);
});

test('a mute, an unmute and a mute-all name each member and the outcome', () => {
  const state = withSpeakers(liveSpace(), ['a', 'b']);
  // Stage members arrive muted: muting again states the same outcome, harmless to apply.
  assert.deepEqual(effects(run(mute, state, HOST, { user_id: 'a' })), [
    { kind: 'mute', user_id: 'a', muted: true },
  ]);
  const unmuted = run(unmute, state, user('a'), { user_id: 'a' });
  assert.deepEqual(effects(unmuted), [{ kind: 'mute', user_id: 'a', muted: false }]);
  const all = effects(run(muteAll, unmuted.state, HOST, {}));
  assert.deepEqual(all, [
    { kind: 'mute', user_id: 'a', muted: true },
    { kind: 'mute', user_id: 'b', muted: true },
  ]);
  assert.deepEqual(effects(run(mute, unmuted.state, HOST, { user_id: 'a' })), [
    { kind: 'mute', user_id: 'a', muted: true },
  ]);
});

test('leaving the stage, or being taken off it, ends the publication with its reason', () => {
  const state = withSpeakers(liveSpace(), ['a']);
  assert.deepEqual(effects(run(leaveStage, state, user('a'), {})), [
    { kind: 'unpublish', user_id: 'a', reason: 'not_on_stage' },
  ]);
  assert.deepEqual(effects(run(removeFromStage, state, HOST, { user_id: 'a' })), [
    { kind: 'unpublish', user_id: 'a', reason: 'not_on_stage' },
  ]);
});

test('a removal from the space ends the publication as a removal, and the person is removed', () => {
  const state = withSpeakers(liveSpace(), ['a']);
  const out = run(removeFromSpace, state, HOST, { participant: { kind: 'user', id: 'a' } });
  const list = effects(out);
  assert.deepEqual(
    list.filter((e) => e.kind === 'unpublish'),
    [{ kind: 'unpublish', user_id: 'a', reason: 'removed' }],
  );
  assert.deepEqual(
    list.filter((e) => e.kind === 'remove'),
    [{ kind: 'remove', participant: { kind: 'user', id: 'a' } }],
  );
  const guest = run(removeFromSpace, state, HOST, { participant: { kind: 'guest', id: 'g' } });
  assert.deepEqual(effects(guest), [{ kind: 'remove', participant: { kind: 'guest', id: 'g' } }]);
});

test('a role change keeps the member muted as the space says', () => {
  const state = withCohosts(liveSpace(), ['a']);
  const out = run(demoteCohost, state, HOST, { user_id: 'a' });
  const member = out.state.stage.find((m) => m.user_id === 'a');
  assert.ok(member);
  assert.deepEqual(effects(out), [{ kind: 'mute', user_id: 'a', muted: member.muted }]);
});

test('the end of a space ends its media; a change of its title asks nothing', () => {
  const state = withSpeakers(liveSpace(), ['a']);
  assert.deepEqual(effects(run(endSpace, state, HOST, {})), [{ kind: 'end' }]);
  assert.deepEqual(effects(run(editSpace, state, HOST, { title: 'Renamed' })), []);
  assert.deepEqual(effectsOf(scheduledSpace(), []), []);
});

test('effects of an older commit that crossed a newer one on the bus are dropped', () => {
  const order = new EffectOrder();
  assert.equal(order.accept('s', 5), true);
  assert.equal(order.accept('s', 5), false, 'the same commit twice');
  assert.equal(order.accept('s', 4), false, 'an older commit, late');
  assert.equal(order.accept('t', 1), true, 'spaces are apart');
  assert.equal(order.accept('s', 6), true);
  order.forget('s');
  assert.equal(order.accept('s', 2), true, 'forgotten once ended');
});
