import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
// Split from model.test.ts by subject: both read the same support helpers, hence the same import list.
import {
  ctx,
  HOST,
  liveSpace,
  member,
  refuses,
  run,
  scheduledSpace,
  T0,
  types,
  user,
  withCohosts,
  withSpeakers,
} from '../../test/support/space-model.js';
import {
  endIfHostGone,
  endSpace,
  handOver,
  hostAway,
  hostBack,
  mute,
  setAllowGuests,
} from './model.js';
import { can } from './policy.js';

const GRACE = 60_000;
const GUEST = { kind: 'guest', guestId: 'g1' } as const;

describe("the host's connection going and coming back", () => {
  test('a host whose connection went is recorded as away, with when', () => {
    const { state, events } = run(hostAway, liveSpace(), HOST, {}, ctx({}, T0 + 5));
    assert.equal(state.host_away_since, T0 + 5);
    assert.deepEqual(events, [
      { type: 'host_presence_changed', away_since: T0 + 5, version: state.version },
    ]);
  });

  test('saying twice that the host is away changes nothing (two nodes may both notice)', () => {
    const away = run(hostAway, liveSpace(), HOST, {}).state;
    const again = hostAway(away, HOST, {}, ctx({}, T0 + 1000));
    assert.equal(again.state, away);
    assert.deepEqual(again.events, []);
  });

  test('a host back before the grace is over keeps the space live and clears the banner', () => {
    const away = run(hostAway, liveSpace(), HOST, {}).state;
    const back = run(hostBack, away, HOST, {}).state;
    assert.equal(back.host_away_since, null);
    const late = endIfHostGone(back, HOST, { graceMs: GRACE }, ctx({}, T0 + 10 * GRACE));
    assert.deepEqual(late.events, []);
    assert.equal(late.state.state, 'live');
  });

  test('a host back when they were never away changes nothing', () => {
    const out = hostBack(liveSpace(), HOST, {}, ctx());
    assert.deepEqual(out.events, []);
  });

  test('the space does not end before the whole grace has passed', () => {
    const away = run(hostAway, liveSpace(), HOST, {}).state;
    const early = endIfHostGone(away, HOST, { graceMs: GRACE }, ctx({}, T0 + GRACE - 1));
    assert.deepEqual(early.events, []);
  });

  test('after the grace the space ends for everyone, with the reason "host left"', () => {
    const away = run(hostAway, withSpeakers(liveSpace(), ['s1']), HOST, {}).state;
    const { state, events } = run(
      endIfHostGone,
      away,
      user('system'),
      { graceMs: GRACE },
      ctx({}, T0 + GRACE),
    );
    assert.equal(state.state, 'ended');
    assert.equal(state.ended_reason, 'host_left');
    assert.equal(state.ended_at, T0 + GRACE);
    assert.equal(state.host_away_since, null);
    assert.deepEqual(types(events), ['state_changed']);
    // Ending twice (another node's timer) is a no-op.
    assert.deepEqual(
      endIfHostGone(state, HOST, { graceMs: GRACE }, ctx({}, T0 + 2 * GRACE)).events,
      [],
    );
  });

  test('nothing of this applies to a space that is not live', () => {
    assert.deepEqual(hostAway(scheduledSpace(), HOST, {}, ctx()).events, []);
    const ended = run(endSpace, liveSpace(), HOST, {}).state;
    assert.deepEqual(hostAway(ended, HOST, {}, ctx()).events, []);
  });
});

describe('handing the space over to a co-host', () => {
  test('the co-host becomes the host, first on stage; the former host leaves the stage', () => {
    const before = withCohosts(liveSpace(), ['c1']);
    const { state, events } = run(handOver, before, HOST, { user_id: 'c1' });
    assert.equal(state.host_id, 'c1');
    assert.equal(state.stage[0]?.user_id, 'c1');
    assert.equal(member(state, 'c1')?.role, 'host');
    assert.equal(member(state, 'host'), undefined);
    assert.deepEqual(types(events), ['host_changed', 'stage_changed', 'stage_changed']);
    assert.deepEqual(events[0], {
      type: 'host_changed',
      host_id: 'c1',
      previous_host_id: 'host',
      version: state.version,
    });
  });

  test('the new host has every host power, and the former host none', () => {
    const state = run(handOver, withCohosts(liveSpace(), ['c1']), HOST, { user_id: 'c1' }).state;
    assert.equal(can(user('c1'), 'end', state).ok, true);
    assert.equal(can(user('c1'), 'invite_cohost', state, { kind: 'user', id: 'x' }).ok, true);
    assert.equal(can(HOST, 'end', state).ok, false);
    refuses('not_host_or_cohost', mute, state, HOST, { user_id: 'c1' });
    const ended = run(endSpace, state, user('c1'), {}).state;
    assert.equal(ended.ended_reason, 'host');
  });

  test('a handover clears a pending "host away"', () => {
    const away = run(hostAway, withCohosts(liveSpace(), ['c1']), HOST, {}).state;
    const state = run(handOver, away, HOST, { user_id: 'c1' }).state;
    assert.equal(state.host_away_since, null);
  });

  test('only to a co-host: a speaker or a listener is refused', () => {
    const state = withSpeakers(liveSpace(), ['s1']);
    refuses('not_cohost', handOver, state, HOST, { user_id: 's1' });
    refuses('not_cohost', handOver, state, HOST, { user_id: 'nobody' });
    refuses('cannot_act_on_self', handOver, state, HOST, { user_id: 'host' });
  });

  test('only the host hands over; a co-host cannot take the space', () => {
    const state = withCohosts(liveSpace(), ['c1', 'c2']);
    refuses('not_host', handOver, state, user('c1'), { user_id: 'c2' });
  });

  test('two handovers racing: the second runs on the new version and is refused', () => {
    const state = withCohosts(liveSpace(), ['c1', 'c2']);
    const first = run(handOver, state, HOST, { user_id: 'c1' }).state;
    // The service retries the loser on the stored version, where the old host is no longer host.
    refuses('not_host', handOver, first, HOST, { user_id: 'c2' });
  });

  test('a co-host demoted meanwhile cannot receive the space', () => {
    const state = withCohosts(liveSpace(), ['c1']);
    const demoted = {
      ...state,
      stage: state.stage.map((m) => (m.user_id === 'c1' ? { ...m, role: 'speaker' as const } : m)),
    };
    refuses('not_cohost', handOver, demoted, HOST, { user_id: 'c1' });
  });
});

describe('allowing listeners without an account', () => {
  test('guests may listen by default', () => {
    assert.equal(liveSpace().allow_guests, true);
    assert.equal(can(GUEST, 'listen', liveSpace()).ok, true);
  });

  test('once the host turns it off, guests may not listen or react, but may see the card', () => {
    const { state, events } = run(setAllowGuests, liveSpace(), HOST, { allow_guests: false });
    assert.deepEqual(types(events), ['settings_changed']);
    for (const action of ['listen', 'react'] as const) {
      const decision = can(GUEST, action, state);
      assert.equal(decision.ok ? 'ok' : decision.error.code, 'guests_not_allowed');
    }
    assert.equal(can(GUEST, 'view', state).ok, true);
    assert.equal(can(user('l1'), 'listen', state).ok, true);
  });

  test('turned on again, guests are welcome again', () => {
    const off = run(setAllowGuests, liveSpace(), HOST, { allow_guests: false }).state;
    const on = run(setAllowGuests, off, HOST, { allow_guests: true }).state;
    assert.equal(can(GUEST, 'listen', on).ok, true);
  });

  test('setting it to what it is changes nothing', () => {
    assert.deepEqual(setAllowGuests(liveSpace(), HOST, { allow_guests: true }, ctx()).events, []);
  });

  test('a space stored before the setting existed allows guests', () => {
    const { allow_guests: _omitted, ...old } = liveSpace();
    assert.equal(can(GUEST, 'listen', old).ok, true);
  });

  test('only the host changes it', () => {
    const state = withCohosts(liveSpace(), ['c1']);
    refuses('not_host', setAllowGuests, state, user('c1'), { allow_guests: false });
  });
});
