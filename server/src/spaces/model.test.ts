import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SPACE_EVENT_TYPES, type SpaceEventType } from '@salon/protocol';
import {
  acceptInvitation,
  addCohost,
  approveRequest,
  type Command,
  type CommandContext,
  cancelRequest,
  cancelSpace,
  createSpace,
  DEFAULT_SPACE_LIMITS,
  declineInvitation,
  declineRequest,
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
  type SpaceLimits,
  type SpaceState,
  setRecording,
  startSpace,
  unmute,
  unpin,
} from './model.js';
import type { Actor } from './policy.js';

const T0 = Date.UTC(2026, 0, 1, 18);
const HOUR = 3600 * 1000;

const ctx = (limits: Partial<SpaceLimits> = {}, now = T0): CommandContext => ({
  now,
  limits: { ...DEFAULT_SPACE_LIMITS, ...limits },
});

const user = (userId: string, extra: Partial<Extract<Actor, { kind: 'user' }>> = {}): Actor => ({
  kind: 'user',
  userId,
  role: 'user',
  incognito: false,
  blockedByHost: false,
  ...extra,
});
const HOST = user('host');

/** Every command's input is frozen: a pure transition never touches it. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Runs a command and checks what every successful command owes: the version
 * moves by exactly one and each event carries it.
 */
function run<I>(
  command: Command<I>,
  state: SpaceState,
  actor: Actor,
  input: I,
  c = ctx(),
): Outcome {
  const out = command(deepFreeze(state), actor, input, c);
  assert.equal(out.state.version, state.version + 1, 'version moves by exactly one');
  assert.ok(out.events.length > 0, 'a successful command says what it did');
  for (const event of out.events) assert.equal(event.version, out.state.version);
  return out;
}

function liveSpace(c = ctx()): SpaceState {
  return createSpace(HOST, { id: 'space1', title: 'Morning show', language: 'en' }, c).state;
}

function scheduledSpace(): SpaceState {
  const input = { id: 'space1', title: 'Later', language: 'en', scheduled_start: T0 + HOUR };
  return createSpace(HOST, input, ctx()).state;
}

/** Brings each user on stage as a speaker, the usual way: ask, then be approved. */
function withSpeakers(state: SpaceState, ids: string[], c = ctx()): SpaceState {
  for (const id of ids) {
    state = run(requestToSpeak, state, user(id), {}, c).state;
    state = run(approveRequest, state, HOST, { user_id: id }, c).state;
  }
  return state;
}

function withCohosts(state: SpaceState, ids: string[], c = ctx()): SpaceState {
  state = withSpeakers(state, ids, c);
  for (const id of ids) state = run(addCohost, state, HOST, { user_id: id }, c).state;
  return state;
}

const member = (state: SpaceState, id: string) => state.stage.find((m) => m.user_id === id);
const types = (events: SpaceEvent[]) => events.map((e) => e.type);
const reasons = (events: SpaceEvent[]) => events.map((e) => ('reason' in e ? e.reason : e.type));
const refusal = (code: string) => ({ name: 'AppError', code });

/** Asserts that a command is refused with this code. */
function refuses<I>(
  code: string,
  command: Command<I>,
  state: SpaceState,
  actor: Actor,
  input: I,
  c = ctx(),
) {
  assert.throws(() => command(state, actor, input, c), refusal(code));
}

describe('creating a space', () => {
  test('a space created without a schedule is live at once, with the host alone on stage and muted', () => {
    const { state, events } = createSpace(
      HOST,
      { id: 'space1', title: 'Morning show', language: 'en' },
      ctx(),
    );
    assert.equal(state.state, 'live');
    assert.equal(state.started_at, T0);
    assert.equal(state.version, 1);
    assert.deepEqual(state.stage, [{ user_id: 'host', role: 'host', muted: true, joined_at: T0 }]);
    assert.deepEqual(types(events), ['space_created']);
    assert.equal(events[0]?.version, 1);
  });

  test('a space with a start time waits as scheduled', () => {
    const state = scheduledSpace();
    assert.equal(state.state, 'scheduled');
    assert.equal(state.scheduled_start, T0 + HOUR);
    assert.equal(state.started_at, null);
  });

  test('title, topics and language are normalised', () => {
    const { state } = createSpace(
      HOST,
      {
        id: 'space1',
        title: '  Late\n night   talk ',
        description: '  About things \n',
        topics: [' Music ', 'music', 'Jazz Fusion'],
        language: 'PT-br',
      },
      ctx(),
    );
    assert.equal(state.title, 'Late night talk');
    assert.equal(state.description, 'About things');
    assert.deepEqual(state.topics, ['music', 'jazz fusion']);
    assert.equal(state.language, 'pt-BR');
  });

  test('language tags keep their script and region in canonical case', () => {
    const create = (language: string) =>
      createSpace(HOST, { id: 's', title: 't', language }, ctx()).state.language;
    assert.equal(create('zh-hant-tw'), 'zh-Hant-TW');
    assert.equal(create('es-419'), 'es-419');
    assert.equal(create('en_GB'), 'en-GB');
  });

  test('a title counts characters, not UTF-16 units: 70 emoji fit', () => {
    const title = '🎙'.repeat(70);
    assert.equal(createSpace(HOST, { id: 's', title, language: 'en' }, ctx()).state.title, title);
  });

  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ['an empty title', { title: '' }, 'title_required'],
    ['a title of only spaces', { title: '   ' }, 'title_required'],
    ['a title of 71 characters', { title: 'x'.repeat(71) }, 'title_too_long'],
    ['a description of 281 characters', { description: 'x'.repeat(281) }, 'description_too_long'],
    ['4 topics', { topics: ['a', 'b', 'c', 'd'] }, 'too_many_topics'],
    ['an empty topic', { topics: [' '] }, 'invalid_topic'],
    ['a topic of 31 characters', { topics: ['x'.repeat(31)] }, 'invalid_topic'],
    ['the language "english"', { language: 'english' }, 'invalid_language'],
    ['the language "e"', { language: 'e' }, 'invalid_language'],
    ['an empty language', { language: '' }, 'invalid_language'],
    ['a start in the past', { scheduled_start: T0 - 1 }, 'schedule_in_past'],
    ['a start 15 days ahead', { scheduled_start: T0 + 15 * 24 * HOUR }, 'schedule_too_far'],
  ];
  for (const [what, patch, code] of invalid) {
    test(`${what} is refused with ${code}`, () => {
      const input = { id: 's', title: 'Fine', language: 'en', ...patch } as Parameters<
        typeof createSpace
      >[1];
      assert.throws(() => createSpace(HOST, input, ctx()), { ...refusal(code), kind: 'invalid' });
    });
  }

  test('70 characters of title, 280 of description and 3 topics are accepted', () => {
    const input = {
      id: 's',
      title: 'x'.repeat(70),
      description: 'y'.repeat(280),
      topics: ['a', 'b', 'c'],
      language: 'en',
    };
    assert.equal(createSpace(HOST, input, ctx()).state.topics.length, 3);
  });

  test('guests and anonymous visitors cannot create a space', () => {
    const input = { id: 's', title: 'Hi', language: 'en' };
    const guest: Actor = { kind: 'guest', guestId: 'g' };
    assert.throws(() => createSpace(guest, input, ctx()), refusal('guest_not_allowed'));
    assert.throws(
      () => createSpace({ kind: 'anonymous' }, input, ctx()),
      refusal('unauthenticated'),
    );
  });
});

describe('the lifecycle of a space', () => {
  test('the host starts a scheduled space, which goes live', () => {
    const later = ctx({}, T0 + HOUR);
    const { state, events } = run(startSpace, scheduledSpace(), HOST, {}, later);
    assert.equal(state.state, 'live');
    assert.equal(state.started_at, T0 + HOUR);
    assert.equal(member(state, 'host')?.joined_at, T0 + HOUR);
    assert.deepEqual(types(events), ['state_changed']);
  });

  test('nobody but the host starts a space, and a live space cannot start again', () => {
    refuses('not_host', startSpace, scheduledSpace(), user('x'), {});
    refuses('space_not_scheduled', startSpace, liveSpace(), HOST, {});
  });

  test('the host ends a live space, and what was pending goes with it', () => {
    let state = withSpeakers(liveSpace(), ['s']);
    state = run(requestToSpeak, state, user('l'), {}).state;
    state = run(invite, state, HOST, { user_id: 'm', role: 'speaker' }).state;
    const { state: ended, events } = run(endSpace, state, HOST, {}, ctx({}, T0 + HOUR));
    assert.equal(ended.state, 'ended');
    assert.equal(ended.ended_reason, 'host');
    assert.equal(ended.ended_at, T0 + HOUR);
    assert.deepEqual([ended.requests, ended.invitations], [[], []]);
    assert.deepEqual(types(events), ['state_changed']);
  });

  test('an admin ends a space for moderation', () => {
    const { state } = run(endSpace, liveSpace(), user('mod', { role: 'admin' }), {});
    assert.equal(state.ended_reason, 'moderation');
  });

  test('a co-host cannot end the space', () => {
    const state = withCohosts(liveSpace(), ['c']);
    refuses('not_host', endSpace, state, user('c'), {});
  });

  test('the host cancels a scheduled space but not a live one', () => {
    const { state } = run(cancelSpace, scheduledSpace(), HOST, {});
    assert.equal(state.state, 'cancelled');
    assert.equal(state.ended_reason, 'host');
    refuses('space_not_scheduled', cancelSpace, liveSpace(), HOST, {});
  });

  test('the host edits title and description while live; the event carries them whole', () => {
    const { state, events } = run(editSpace, liveSpace(), HOST, {
      title: 'Evening show',
      description: 'Now later',
    });
    assert.equal(state.title, 'Evening show');
    assert.deepEqual(events[0], {
      type: 'space_updated',
      title: 'Evening show',
      description: 'Now later',
      topics: [],
      language: 'en',
      version: 2,
    });
  });

  test('edits follow the same rules as creation', () => {
    refuses('title_too_long', editSpace, liveSpace(), HOST, { title: 'x'.repeat(71) });
    refuses('too_many_topics', editSpace, liveSpace(), HOST, { topics: ['a', 'b', 'c', 'd'] });
  });

  test('nothing changes once a space has ended', () => {
    const ended = run(endSpace, liveSpace(), HOST, {}).state;
    refuses('space_ended', editSpace, ended, HOST, { title: 'Again' });
    refuses('space_ended', requestToSpeak, ended, user('l'), {});
    refuses('space_ended', pin, ended, HOST, { post_id: 'p' });
  });

  test('the host turns recording on and off', () => {
    const on = run(setRecording, liveSpace(), HOST, { recording: true });
    assert.equal(on.state.recording, true);
    assert.deepEqual(types(on.events), ['recording_changed']);
    assert.equal(run(setRecording, on.state, HOST, { recording: false }).state.recording, false);
  });
});

describe('requests to speak', () => {
  test('a listener asks to speak, once', () => {
    const { state, events } = run(requestToSpeak, liveSpace(), user('l'), {});
    assert.deepEqual(state.requests, [{ user_id: 'l', requested_at: T0 }]);
    assert.deepEqual(types(events), ['request_added']);
    refuses('already_requested', requestToSpeak, state, user('l'), {});
  });

  test('a listener cancels their request', () => {
    const asked = run(requestToSpeak, liveSpace(), user('l'), {}).state;
    const { state, events } = run(cancelRequest, asked, user('l'), {});
    assert.deepEqual(state.requests, []);
    assert.deepEqual(reasons(events), ['cancelled']);
    refuses('request_not_found', cancelRequest, state, user('l'), {});
  });

  test('an approved listener comes on stage as a muted speaker', () => {
    const asked = run(requestToSpeak, liveSpace(), user('l'), {}).state;
    const { state, events } = run(approveRequest, asked, HOST, { user_id: 'l' });
    assert.deepEqual(member(state, 'l'), {
      user_id: 'l',
      role: 'speaker',
      muted: true,
      joined_at: T0,
    });
    assert.deepEqual(state.requests, []);
    assert.deepEqual(types(events), ['request_removed', 'stage_changed']);
  });

  test('a co-host approves too, a speaker does not', () => {
    let state = withCohosts(liveSpace(), ['c']);
    state = withSpeakers(state, ['s']);
    state = run(requestToSpeak, state, user('l'), {}).state;
    refuses('not_host_or_cohost', approveRequest, state, user('s'), { user_id: 'l' });
    assert.equal(
      member(run(approveRequest, state, user('c'), { user_id: 'l' }).state, 'l')?.role,
      'speaker',
    );
  });

  test('approving or declining someone who did not ask is refused', () => {
    refuses('request_not_found', approveRequest, liveSpace(), HOST, { user_id: 'l' });
    refuses('request_not_found', declineRequest, liveSpace(), HOST, { user_id: 'l' });
  });

  test('a declined listener stays a listener', () => {
    const asked = run(requestToSpeak, liveSpace(), user('l'), {}).state;
    const { state, events } = run(declineRequest, asked, HOST, { user_id: 'l' });
    assert.equal(member(state, 'l'), undefined);
    assert.deepEqual(reasons(events), ['declined']);
  });

  test('the queue of requests is bounded', () => {
    const c = ctx({ maxRequests: 2 });
    let state = run(requestToSpeak, liveSpace(c), user('a'), {}, c).state;
    state = run(requestToSpeak, state, user('b'), {}, c).state;
    refuses('requests_full', requestToSpeak, state, user('x'), {}, c);
  });
});

describe('the stage capacity', () => {
  test('of two approvals for the last seat applied one after the other, exactly one wins', () => {
    const c = ctx({ maxStage: 4 });
    let state = withSpeakers(liveSpace(c), ['s1', 's2'], c);
    state = run(requestToSpeak, state, user('a'), {}, c).state;
    state = run(requestToSpeak, state, user('b'), {}, c).state;
    const first = run(approveRequest, state, HOST, { user_id: 'a' }, c).state;
    assert.equal(first.stage.length, 4);
    assert.throws(() => approveRequest(first, HOST, { user_id: 'b' }, c), {
      ...refusal('stage_full'),
      kind: 'conflict',
    });
    assert.ok(
      first.requests.some((r) => r.user_id === 'b'),
      'the loser is still waiting',
    );
  });

  test('the default stage holds 11 people, host included', () => {
    const ids = Array.from({ length: 10 }, (_, i) => `s${i}`);
    let state = withSpeakers(liveSpace(), ids);
    assert.equal(state.stage.length, 11);
    state = run(requestToSpeak, state, user('late'), {}).state;
    refuses('stage_full', approveRequest, state, HOST, { user_id: 'late' });
  });

  test('co-hosts take seats like speakers', () => {
    const c = ctx({ maxStage: 3 });
    let state = withCohosts(liveSpace(c), ['c'], c);
    state = withSpeakers(state, ['s'], c);
    state = run(invite, state, HOST, { user_id: 'l', role: 'speaker' }, c).state;
    refuses('stage_full', acceptInvitation, state, user('l'), {}, c);
  });
});

describe('invitations', () => {
  test('an invited listener accepts and comes on stage muted', () => {
    const invited = run(invite, liveSpace(), HOST, { user_id: 'l', role: 'speaker' });
    assert.deepEqual(types(invited.events), ['invitation_added']);
    const { state, events } = run(acceptInvitation, invited.state, user('l'), {});
    assert.equal(member(state, 'l')?.muted, true);
    assert.deepEqual(state.invitations, []);
    assert.deepEqual(types(events), ['invitation_removed', 'stage_changed']);
  });

  test('an invitation to co-host brings a listener on stage as a muted co-host', () => {
    const invited = run(invite, liveSpace(), HOST, { user_id: 'l', role: 'cohost' }).state;
    const { state } = run(acceptInvitation, invited, user('l'), {});
    assert.deepEqual(member(state, 'l'), {
      user_id: 'l',
      role: 'cohost',
      muted: true,
      joined_at: T0,
    });
  });

  test('a speaker who accepts co-hosting is promoted and muted', () => {
    let state = withSpeakers(liveSpace(), ['s']);
    state = run(unmute, state, user('s'), { user_id: 's' }).state;
    state = run(invite, state, HOST, { user_id: 's', role: 'cohost' }).state;
    const { state: after, events } = run(acceptInvitation, state, user('s'), {});
    assert.deepEqual([member(after, 's')?.role, member(after, 's')?.muted], ['cohost', true]);
    assert.deepEqual(types(events), ['invitation_removed', 'mute_changed', 'stage_changed']);
  });

  test('a co-host invites to speak but only the host invites to co-host', () => {
    const state = withCohosts(liveSpace(), ['c']);
    assert.equal(
      run(invite, state, user('c'), { user_id: 'l', role: 'speaker' }).state.invitations.length,
      1,
    );
    refuses('not_host', invite, state, user('c'), { user_id: 'l', role: 'cohost' });
  });

  test('a third co-host is refused when inviting and when accepting', () => {
    let state = withCohosts(liveSpace(), ['c1']);
    state = run(invite, state, HOST, { user_id: 'l', role: 'cohost' }).state;
    state = withCohosts(state, ['c2']);
    refuses('cohost_limit_reached', invite, state, HOST, { user_id: 'm', role: 'cohost' });
    refuses('cohost_limit_reached', acceptInvitation, state, user('l'), {});
  });

  test('a declined invitation is gone, and there is nothing left to accept', () => {
    const invited = run(invite, liveSpace(), HOST, { user_id: 'l', role: 'speaker' }).state;
    const { state, events } = run(declineInvitation, invited, user('l'), {});
    assert.deepEqual(reasons(events), ['declined']);
    refuses('invitation_not_found', acceptInvitation, state, user('l'), {});
  });

  test('a new invitation replaces the previous one', () => {
    const first = run(invite, liveSpace(), HOST, { user_id: 'l', role: 'speaker' }).state;
    const { state, events } = run(invite, first, HOST, { user_id: 'l', role: 'cohost' });
    assert.deepEqual(
      state.invitations.map((i) => i.role),
      ['cohost'],
    );
    assert.deepEqual(types(events), ['invitation_removed', 'invitation_added']);
  });

  test('nobody is invited to a stage they are on, nor after being removed', () => {
    let state = withSpeakers(liveSpace(), ['s']);
    refuses('already_on_stage', invite, state, HOST, { user_id: 's', role: 'speaker' });
    state = run(removeFromSpace, state, HOST, { participant: { kind: 'user', id: 'r' } }).state;
    refuses('target_removed', invite, state, HOST, { user_id: 'r', role: 'speaker' });
  });

  test('joining the stage one way drops the other pending way', () => {
    let state = run(requestToSpeak, liveSpace(), user('l'), {}).state;
    state = run(invite, state, HOST, { user_id: 'l', role: 'speaker' }).state;
    const accepted = run(acceptInvitation, state, user('l'), {});
    assert.deepEqual([accepted.state.requests, accepted.state.invitations], [[], []]);
    assert.ok(
      accepted.events.some((e) => e.type === 'request_removed' && e.reason === 'joined_stage'),
    );
    const approved = run(approveRequest, state, HOST, { user_id: 'l' });
    assert.deepEqual([approved.state.requests, approved.state.invitations], [[], []]);
    assert.ok(
      approved.events.some((e) => e.type === 'invitation_removed' && e.reason === 'joined_stage'),
    );
  });
});

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
