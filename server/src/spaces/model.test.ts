import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
// model.lifecycle.test.ts was split from this file by subject: both read the same support helpers, hence the same import list.
import {
  ctx,
  HOST,
  HOUR,
  liveSpace,
  member,
  reasons,
  refusal,
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
  acceptInvitation,
  approveRequest,
  cancelRequest,
  cancelSpace,
  createSpace,
  declineInvitation,
  declineRequest,
  editSpace,
  endSpace,
  invite,
  pin,
  removeFromSpace,
  requestToSpeak,
  setRecording,
  startSpace,
  unmute,
} from './model.js';
import type { Actor } from './policy.js';

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
      scheduled_start: null,
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
