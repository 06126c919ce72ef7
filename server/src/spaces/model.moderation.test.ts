import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SPACE_EVENT_TYPES, type SpaceEventType } from '@salon/protocol';
import {
  ctx,
  deepFreeze,
  HOST,
  liveSpace,
  member,
  refusal,
  refuses,
  run,
  scheduledSpace,
  types,
  user,
  withCohosts,
  withSpeakers,
} from '../../test/support/space-model.js';
import {
  addCohost,
  approveRequest,
  demoteCohost,
  editSpace,
  endSpace,
  invite,
  leaveStage,
  mute,
  muteAll,
  type Outcome,
  pin,
  removeFromSpace,
  removeFromStage,
  requestToSpeak,
  type SpaceEvent,
  type SpaceState,
  setRecording,
  startSpace,
  unmute,
  unpin,
} from './model.js';

describe('leaving and being removed from the stage', () => {
  test('a speaker leaves the stage', () => {
    const { state, events } = run(leaveStage, withSpeakers(liveSpace(), ['s']), user('s'), {});
    assert.equal(member(state, 's'), undefined);
    const change = events[0]?.type === 'stage_changed' ? events[0].change : null;
    assert.deepEqual(change, { kind: 'left', user_id: 's', reason: 'left' });
  });

  test('the host cannot leave the stage', () => {
    refuses('host_cannot_leave', leaveStage, liveSpace(), HOST, {});
  });

  test('a speaker removed from the stage may ask to speak again', () => {
    const { state, events } = run(removeFromStage, withSpeakers(liveSpace(), ['s']), HOST, {
      user_id: 's',
    });
    assert.ok(
      events.some(
        (e) =>
          e.type === 'stage_changed' &&
          e.change.kind === 'left' &&
          e.change.reason === 'removed_from_stage',
      ),
    );
    assert.equal(run(requestToSpeak, state, user('s'), {}).state.requests.length, 1);
  });

  test('a co-host removes neither the host nor another co-host from the stage', () => {
    const state = withCohosts(liveSpace(), ['c1', 'c2']);
    refuses('cannot_act_on_host', removeFromStage, state, user('c1'), { user_id: 'host' });
    refuses('cannot_act_on_cohost', removeFromStage, state, user('c1'), { user_id: 'c2' });
  });
});

describe('co-hosts', () => {
  test('the host makes a speaker co-host, who starts muted', () => {
    let state = withSpeakers(liveSpace(), ['s']);
    state = run(unmute, state, user('s'), { user_id: 's' }).state;
    const { state: after, events } = run(addCohost, state, HOST, { user_id: 's' });
    assert.deepEqual([member(after, 's')?.role, member(after, 's')?.muted], ['cohost', true]);
    const change = events.find((e) => e.type === 'stage_changed');
    assert.deepEqual(change?.type === 'stage_changed' && change.change, {
      kind: 'role_changed',
      user_id: 's',
      role: 'cohost',
      previous_role: 'speaker',
    });
  });

  test('only speakers are made co-hosts directly, two at most, by the host only', () => {
    let state = withCohosts(liveSpace(), ['c1']);
    state = withSpeakers(state, ['s1', 's2']);
    refuses('target_not_on_stage', addCohost, state, HOST, { user_id: 'l' });
    refuses('already_cohost', addCohost, state, HOST, { user_id: 'c1' });
    refuses('not_host', addCohost, state, user('c1'), { user_id: 's1' });
    state = run(addCohost, state, HOST, { user_id: 's1' }).state;
    refuses('cohost_limit_reached', addCohost, state, HOST, { user_id: 's2' });
  });

  test('a demoted co-host becomes a speaker and keeps their microphone as it was', () => {
    let state = withCohosts(liveSpace(), ['c']);
    state = run(unmute, state, user('c'), { user_id: 'c' }).state;
    const { state: after } = run(demoteCohost, state, HOST, { user_id: 'c' });
    assert.deepEqual([member(after, 'c')?.role, member(after, 'c')?.muted], ['speaker', false]);
  });

  test('a co-host may step down; demoting a speaker is refused', () => {
    const state = withSpeakers(withCohosts(liveSpace(), ['c']), ['s']);
    assert.equal(
      member(run(demoteCohost, state, user('c'), { user_id: 'c' }).state, 'c')?.role,
      'speaker',
    );
    refuses('not_cohost', demoteCohost, state, HOST, { user_id: 's' });
  });
});

describe('microphones', () => {
  test('a speaker unmutes themself', () => {
    const { state, events } = run(unmute, withSpeakers(liveSpace(), ['s']), user('s'), {
      user_id: 's',
    });
    assert.equal(member(state, 's')?.muted, false);
    assert.deepEqual(events[0], {
      type: 'mute_changed',
      user_ids: ['s'],
      muted: false,
      by: 's',
      version: state.version,
    });
  });

  test('nobody unmutes someone else, not even the host', () => {
    const state = withSpeakers(withCohosts(liveSpace(), ['c']), ['s']);
    refuses('cannot_unmute_others', unmute, state, HOST, { user_id: 's' });
    refuses('cannot_unmute_others', unmute, state, user('c'), { user_id: 's' });
    refuses('cannot_unmute_others', unmute, state, user('s'), { user_id: 'host' });
  });

  test('the host mutes a speaker, who can unmute themself afterwards', () => {
    let state = withSpeakers(liveSpace(), ['s']);
    state = run(unmute, state, user('s'), { user_id: 's' }).state;
    state = run(mute, state, HOST, { user_id: 's' }).state;
    assert.equal(member(state, 's')?.muted, true);
    assert.equal(member(run(unmute, state, user('s'), { user_id: 's' }).state, 's')?.muted, false);
  });

  test('a speaker mutes themself but not another speaker', () => {
    let state = withSpeakers(liveSpace(), ['s1', 's2']);
    state = run(unmute, state, user('s1'), { user_id: 's1' }).state;
    assert.equal(member(run(mute, state, user('s1'), { user_id: 's1' }).state, 's1')?.muted, true);
    refuses('not_host_or_cohost', mute, state, user('s1'), { user_id: 's2' });
  });

  test('mute all mutes every speaker; the host and co-hosts keep the floor', () => {
    let state = withSpeakers(withCohosts(liveSpace(), ['c']), ['s1', 's2']);
    for (const id of ['host', 'c', 's1', 's2'])
      state = run(unmute, state, user(id), { user_id: id }).state;
    const { state: after, events } = run(muteAll, state, user('c'), {});
    assert.deepEqual(
      after.stage.map((m) => [m.user_id, m.muted]),
      [
        ['host', false],
        ['c', false],
        ['s1', true],
        ['s2', true],
      ],
    );
    assert.deepEqual(
      events.map((e) => e.type === 'mute_changed' && e.user_ids),
      [['s1', 's2']],
    );
  });

  test('a speaker cannot mute everyone', () => {
    const state = withSpeakers(liveSpace(), ['s']);
    refuses('not_host_or_cohost', muteAll, state, user('s'), {});
  });
});

describe('removing someone from the space', () => {
  test('removal drops their seat, invitation and pins in one version', () => {
    let state = withSpeakers(liveSpace(), ['s']);
    state = run(pin, state, user('s'), { post_id: 'p1' }).state;
    state = run(pin, state, HOST, { post_id: 'p2' }).state;
    state = run(invite, state, HOST, { user_id: 's', role: 'cohost' }).state;
    const { state: after, events } = run(removeFromSpace, state, HOST, {
      participant: { kind: 'user', id: 's' },
    });
    assert.equal(member(after, 's'), undefined);
    assert.deepEqual(after.invitations, []);
    assert.deepEqual(
      after.pins.map((p) => p.post_id),
      ['p2'],
    );
    assert.deepEqual(after.removed_user_ids, ['s']);
    assert.deepEqual(types(events), [
      'participant_removed',
      'stage_changed',
      'invitation_removed',
      'pins_changed',
    ]);
  });

  test('a removed listener loses their request and cannot ask again', () => {
    const asked = run(requestToSpeak, liveSpace(), user('l'), {}).state;
    const { state, events } = run(removeFromSpace, asked, HOST, {
      participant: { kind: 'user', id: 'l' },
    });
    assert.deepEqual(state.requests, []);
    assert.ok(
      events.some((e) => e.type === 'request_removed' && e.reason === 'removed_from_space'),
    );
    refuses('removed_from_space', requestToSpeak, state, user('l'), {});
  });

  test('a guest is removed by guest id', () => {
    const { state } = run(removeFromSpace, liveSpace(), HOST, {
      participant: { kind: 'guest', id: 'g1' },
    });
    assert.deepEqual([state.removed_guest_ids, state.removed_user_ids], [['g1'], []]);
  });

  test('the host cannot be removed, and a co-host cannot remove another co-host', () => {
    const state = withCohosts(liveSpace(), ['c1', 'c2']);
    const remove = (actor: string, id: string) => () =>
      removeFromSpace(state, user(actor), { participant: { kind: 'user', id } }, ctx());
    assert.throws(remove('c1', 'host'), refusal('cannot_act_on_host'));
    assert.throws(remove('host', 'host'), refusal('cannot_act_on_self'));
    assert.throws(remove('c1', 'c2'), refusal('cannot_act_on_cohost'));
    assert.equal(
      run(removeFromSpace, state, HOST, { participant: { kind: 'user', id: 'c2' } }).state.stage
        .length,
      2,
    );
  });
});

describe('pinned posts', () => {
  test('stage members pin up to the limit, once each', () => {
    const c = ctx({ maxPins: 2 });
    let state = withSpeakers(liveSpace(c), ['s'], c);
    const first = run(pin, state, user('s'), { post_id: 'p1' }, c);
    assert.deepEqual(types(first.events), ['pins_changed']);
    refuses('already_pinned', pin, first.state, HOST, { post_id: 'p1' }, c);
    state = run(pin, first.state, HOST, { post_id: 'p2' }, c).state;
    refuses('pin_limit_reached', pin, state, HOST, { post_id: 'p3' }, c);
  });

  test('listeners do not pin, and a post id is required', () => {
    refuses('not_on_stage', pin, liveSpace(), user('l'), { post_id: 'p' });
    refuses('invalid_post_id', pin, liveSpace(), HOST, { post_id: '' });
  });

  test('any stage member unpins; an unknown pin is not found', () => {
    let state = withSpeakers(liveSpace(), ['s']);
    state = run(pin, state, HOST, { post_id: 'p1' }).state;
    assert.deepEqual(run(unpin, state, user('s'), { post_id: 'p1' }).state.pins, []);
    refuses('pin_not_found', unpin, state, HOST, { post_id: 'nope' });
  });
});

describe('versions and events', () => {
  test('a whole session moves one version per command', () => {
    let state = scheduledSpace();
    const steps: Array<(s: SpaceState) => Outcome> = [
      (s) => run(startSpace, s, HOST, {}),
      (s) => run(requestToSpeak, s, user('l'), {}),
      (s) => run(approveRequest, s, HOST, { user_id: 'l' }),
      (s) => run(unmute, s, user('l'), { user_id: 'l' }),
      (s) => run(muteAll, s, HOST, {}),
      (s) => run(endSpace, s, HOST, {}),
    ];
    for (const step of steps) state = step(state).state;
    assert.equal(state.version, 1 + steps.length);
  });

  test('a refused command leaves the state as it was', () => {
    const state = deepFreeze(withSpeakers(liveSpace(), ['s']));
    const before = structuredClone(state);
    assert.throws(() => unmute(state, HOST, { user_id: 's' }, ctx()));
    assert.deepEqual(state, before);
  });

  test('the model emits only event names the wire knows', () => {
    type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
    const namesMatch: Same<Exclude<SpaceEvent['type'], 'space_created'>, SpaceEventType> = true;
    assert.equal(namesMatch, true);
    let state = withSpeakers(withCohosts(liveSpace(), ['c']), ['s']);
    const seen = new Set<string>();
    const record = (out: Outcome) => {
      for (const e of out.events) seen.add(e.type);
      state = out.state;
    };
    record(run(editSpace, state, HOST, { title: 'New' }));
    record(run(requestToSpeak, state, user('l'), {}));
    record(run(invite, state, HOST, { user_id: 'l', role: 'speaker' }));
    record(run(muteAll, state, HOST, {}));
    record(run(pin, state, HOST, { post_id: 'p' }));
    record(run(setRecording, state, HOST, { recording: true }));
    record(run(removeFromSpace, state, HOST, { participant: { kind: 'user', id: 'l' } }));
    record(run(endSpace, state, HOST, {}));
    for (const type of seen)
      assert.ok((SPACE_EVENT_TYPES as readonly string[]).includes(type), type);
  });
});
