import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SpaceStatus } from '@salon/protocol';
import { user } from '../../test/support/space-model.js';
import type { SpaceState } from './model.js';
import {
  type Actor,
  authorize,
  can,
  mayHost,
  type Participant,
  SPACE_ACTIONS,
  type SpaceAction,
} from './policy.js';

const T0 = Date.UTC(2026, 0, 1, 18);

/**
 * One live space with someone in every position: the host `h`, co-hosts `c`
 * and `c2`, speakers `s` and `s2`, listener `l2` waiting to speak, and the
 * removed user `r`. Listeners `l`, `i`, `b` and `a` are simply not on stage.
 */
function space(state: SpaceStatus = 'live'): SpaceState {
  const member = (user_id: string, role: 'host' | 'cohost' | 'speaker') => ({
    user_id,
    role,
    muted: true,
    joined_at: T0,
  });
  return {
    id: 'space1',
    host_id: 'h',
    title: 'Policy',
    description: '',
    topics: [],
    language: 'en',
    state,
    created_at: T0,
    scheduled_start: null,
    started_at: state === 'scheduled' ? null : T0,
    ended_at: null,
    ended_reason: null,
    recording: false,
    version: 7,
    stage: [
      member('h', 'host'),
      member('c', 'cohost'),
      member('c2', 'cohost'),
      member('s', 'speaker'),
      member('s2', 'speaker'),
    ],
    requests: [{ user_id: 'l2', requested_at: T0 }],
    invitations: [],
    removed_user_ids: ['r'],
    removed_guest_ids: ['g-removed'],
    pins: [{ post_id: 'p1', pinned_by: 's2', pinned_at: T0 }],
  };
}

const ROLES = {
  host: user('h'),
  cohost: user('c'),
  speaker: user('s'),
  listener: user('l'),
  guest: { kind: 'guest', guestId: 'g' },
  incognito: user('i', { incognito: true }),
  removed: user('r'),
  blocked: user('b', { blockedByHost: true }),
  admin: user('a', { role: 'admin' }),
  anonymous: { kind: 'anonymous' },
} satisfies Record<string, Actor>;
type RoleName = keyof typeof ROLES;
const ROLE_NAMES = Object.keys(ROLES) as RoleName[];

const u = (id: string): Participant => ({ kind: 'user', id });

/** The person each targeted action is aimed at in the table. */
const TARGETS: Partial<Record<SpaceAction, Participant>> = {
  approve_request: u('l2'),
  decline_request: u('l2'),
  invite_speaker: u('l2'),
  invite_cohost: u('s2'),
  remove_from_stage: u('s2'),
  add_cohost: u('s2'),
  demote_cohost: u('c2'),
  mute: u('s2'),
  unmute: u('s2'),
  remove_from_space: u('l2'),
  hand_over: u('c2'),
};

// Short names for the refusal codes, one a line, so the matrix below reads in aligned columns: alike in shape only.
const OK = 'ok';
const ANON = 'unauthenticated';
const GUEST = 'guest_not_allowed';
const RM = 'removed_from_space';
const BLK = 'blocked_by_host';
const NH = 'not_host';
const NHC = 'not_host_or_cohost';
const NOS = 'not_on_stage';
const AOS = 'already_on_stage';
const NSCHED = 'space_not_scheduled';
const NOT_LIVE = 'space_not_live';
const ENDED = 'space_ended';
const UNMUTE = 'cannot_unmute_others';

// biome-ignore format: the table reads best as aligned columns
const TABLE: Record<SpaceAction, Record<RoleName, string>> = row({
  //                  host        cohost  speaker listener guest  incognito      removed blocked admin anonymous
  view:               [OK,         OK,     OK,     OK,      OK,    OK,            RM,     BLK,    OK,   OK],
  listen:             [OK,         OK,     OK,     OK,      OK,    OK,            RM,     BLK,    OK,   ANON],
  react:              [OK,         OK,     OK,     OK,      OK,    OK,            RM,     BLK,    OK,   ANON],
  share:              [OK,         OK,     OK,     OK,      GUEST, OK,            RM,     BLK,    OK,   ANON],
  report:             [OK,         OK,     OK,     OK,      GUEST, OK,            OK,     OK,     OK,   ANON],
  edit:               [OK,         NH,     NH,     NH,      GUEST, NH,            RM,     BLK,    NH,   ANON],
  start:              [NSCHED,     NH,     NH,     NH,      GUEST, NH,            RM,     BLK,    NH,   ANON],
  end:                [OK,         NH,     NH,     NH,      GUEST, NH,            RM,     BLK,    OK,   ANON],
  cancel:             [NSCHED,     NH,     NH,     NH,      GUEST, NH,            RM,     BLK,    NSCHED, ANON],
  set_recording:      [OK,         NH,     NH,     NH,      GUEST, NH,            RM,     BLK,    NH,   ANON],
  request_to_speak:   [AOS,        AOS,    AOS,    OK,      GUEST, 'incognito_listener', RM, BLK,  OK,   ANON],
  cancel_request:     [OK,         OK,     OK,     OK,      GUEST, OK,            RM,     BLK,    OK,   ANON],
  approve_request:    [OK,         OK,     NHC,    NHC,     GUEST, NHC,           RM,     BLK,    NHC,  ANON],
  decline_request:    [OK,         OK,     NHC,    NHC,     GUEST, NHC,           RM,     BLK,    NHC,  ANON],
  invite_speaker:     [OK,         OK,     NHC,    NHC,     GUEST, NHC,           RM,     BLK,    NHC,  ANON],
  invite_cohost:      [OK,         NH,     NH,     NH,      GUEST, NH,            RM,     BLK,    NH,   ANON],
  accept_invitation:  [OK,         OK,     OK,     OK,      GUEST, OK,            RM,     BLK,    OK,   ANON],
  decline_invitation: [OK,         OK,     OK,     OK,      GUEST, OK,            RM,     BLK,    OK,   ANON],
  leave_stage:        ['host_cannot_leave', OK, OK, NOS,    GUEST, NOS,           RM,     BLK,    NOS,  ANON],
  remove_from_stage:  [OK,         OK,     NHC,    NHC,     GUEST, NHC,           RM,     BLK,    NHC,  ANON],
  add_cohost:         [OK,         NH,     NH,     NH,      GUEST, NH,            RM,     BLK,    NH,   ANON],
  demote_cohost:      [OK,         NH,     NH,     NH,      GUEST, NH,            RM,     BLK,    NH,   ANON],
  mute:               [OK,         OK,     NHC,    NHC,     GUEST, NHC,           RM,     BLK,    NHC,  ANON],
  unmute:             [UNMUTE,     UNMUTE, UNMUTE, UNMUTE,  GUEST, UNMUTE,        RM,     BLK,    UNMUTE, ANON],
  mute_all:           [OK,         OK,     NHC,    NHC,     GUEST, NHC,           RM,     BLK,    NHC,  ANON],
  remove_from_space:  [OK,         OK,     NHC,    NHC,     GUEST, NHC,           RM,     BLK,    NHC,  ANON],
  pin:                [OK,         OK,     OK,     NOS,     GUEST, NOS,           RM,     BLK,    NOS,  ANON],
  unpin:              [OK,         OK,     OK,     NOS,     GUEST, NOS,           RM,     BLK,    NOS,  ANON],
  publish:            [OK,         OK,     OK,     NOS,     GUEST, NOS,           RM,     BLK,    NOS,  ANON],
  invite:             [OK,         OK,     NHC,    NHC,     GUEST, NHC,           RM,     BLK,    NHC,  ANON],
  hand_over:          [OK,         NH,     NH,     NH,      GUEST, NH,            RM,     BLK,    NH,   ANON],
  set_guests:         [OK,         NH,     NH,     NH,      GUEST, NH,            RM,     BLK,    NH,   ANON],
  set_clipping:       [OK,         OK,     NHC,    NHC,     GUEST, NHC,           RM,     BLK,    NHC,  ANON],
  set_captions:       [OK,         OK,     NHC,    NHC,     GUEST, NHC,           RM,     BLK,    NHC,  ANON],
  set_own_captions:   [OK,         OK,     OK,     NOS,     GUEST, NOS,           RM,     BLK,    NOS,  ANON],
  set_speaker_requests: [OK,       OK,     NHC,    NHC,     GUEST, NHC,           RM,     BLK,    NHC,  ANON],
});

function row(table: Record<SpaceAction, string[]>): Record<SpaceAction, Record<RoleName, string>> {
  const out = {} as Record<SpaceAction, Record<RoleName, string>>;
  for (const action of SPACE_ACTIONS) {
    const cells = table[action];
    assert.equal(cells.length, ROLE_NAMES.length, `row ${action} has a cell per role`);
    out[action] = Object.fromEntries(ROLE_NAMES.map((role, i) => [role, cells[i]])) as Record<
      RoleName,
      string
    >;
  }
  return out;
}

function outcome(
  actor: Actor,
  action: SpaceAction,
  state: SpaceState,
  target?: Participant,
): string {
  const decision = can(actor, action, state, target);
  return decision.ok ? OK : decision.error.code;
}

function sentence(role: string, action: string, expected: string): string {
  const article = /^[aeiou]/.test(role) ? 'an' : 'a';
  const verb = action.replace(/_/g, ' ');
  return expected === OK
    ? `${article} ${role} may ${verb}`
    : `${article} ${role} may not ${verb}, with ${expected}`;
}

describe('who may do what in a live space', () => {
  for (const action of SPACE_ACTIONS) {
    describe(action, () => {
      for (const role of ROLE_NAMES) {
        const expected = TABLE[action][role];
        test(sentence(role, action, expected), () => {
          assert.equal(outcome(ROLES[role], action, space(), TARGETS[action]), expected);
        });
      }
    });
  }
});

// biome-ignore format: the table reads best as aligned columns
const LIFECYCLE: Record<SpaceAction, [scheduled: string, ended: string, cancelled: string]> = {
  view:               [OK,       OK,     OK],
  listen:             [NOT_LIVE, ENDED,  ENDED],
  react:              [NOT_LIVE, ENDED,  ENDED],
  share:              [OK,       OK,     OK],
  report:             [OK,       OK,     OK],
  edit:               [OK,       ENDED,  ENDED],
  start:              [OK,       NSCHED, NSCHED],
  end:                [NOT_LIVE, ENDED,  ENDED],
  cancel:             [OK,       NSCHED, NSCHED],
  set_recording:      [OK,       ENDED,  ENDED],
  request_to_speak:   [AOS,      AOS,    AOS],
  cancel_request:     [NOT_LIVE, ENDED,  ENDED],
  approve_request:    [NOT_LIVE, ENDED,  ENDED],
  decline_request:    [NOT_LIVE, ENDED,  ENDED],
  invite_speaker:     [NOT_LIVE, ENDED,  ENDED],
  invite_cohost:      [NOT_LIVE, ENDED,  ENDED],
  accept_invitation:  [NOT_LIVE, ENDED,  ENDED],
  decline_invitation: [NOT_LIVE, ENDED,  ENDED],
  leave_stage:        ['host_cannot_leave', 'host_cannot_leave', 'host_cannot_leave'],
  remove_from_stage:  [NOT_LIVE, ENDED,  ENDED],
  add_cohost:         [NOT_LIVE, ENDED,  ENDED],
  demote_cohost:      [NOT_LIVE, ENDED,  ENDED],
  mute:               [NOT_LIVE, ENDED,  ENDED],
  unmute:             [UNMUTE,   UNMUTE, UNMUTE],
  mute_all:           [NOT_LIVE, ENDED,  ENDED],
  remove_from_space:  [OK,       ENDED,  ENDED],
  pin:                [OK,       ENDED,  ENDED],
  unpin:              [OK,       ENDED,  ENDED],
  publish:            [NOT_LIVE, ENDED,  ENDED],
  invite:             [OK,       ENDED,  ENDED],
  hand_over:          [NOT_LIVE, ENDED,  ENDED],
  set_guests:         [OK,       ENDED,  ENDED],
  set_clipping:       [OK,       OK,     OK],
  set_captions:       [OK,       ENDED,  ENDED],
  set_own_captions:   [OK,       ENDED,  ENDED],
  set_speaker_requests: [OK,     ENDED,  ENDED],
};

describe('what the host may do outside a live space', () => {
  const states = ['scheduled', 'ended', 'cancelled'] as const;
  for (const action of SPACE_ACTIONS) {
    states.forEach((state, i) => {
      const expected = LIFECYCLE[action][i] as string;
      test(`${sentence('host', action, expected)} when the space is ${state}`, () => {
        assert.equal(outcome(ROLES.host, action, space(state), TARGETS[action]), expected);
      });
    });
  }
});

describe('rank between host, co-hosts and speakers', () => {
  const cases: Array<[string, Actor, SpaceAction, Participant, string]> = [
    ['a co-host may not mute the host', ROLES.cohost, 'mute', u('h'), 'cannot_act_on_host'],
    [
      'a co-host may not mute another co-host',
      ROLES.cohost,
      'mute',
      u('c2'),
      'cannot_act_on_cohost',
    ],
    ['the host may mute a co-host', ROLES.host, 'mute', u('c'), OK],
    ['a speaker may mute themself', ROLES.speaker, 'mute', u('s'), OK],
    ['a speaker may unmute themself', ROLES.speaker, 'unmute', u('s'), OK],
    ['the host may unmute themself', ROLES.host, 'unmute', u('h'), OK],
    ['a listener may not mute themself, not being on stage', ROLES.listener, 'mute', u('l'), NOS],
    [
      'a listener may not unmute themself, not being on stage',
      ROLES.listener,
      'unmute',
      u('l'),
      NOS,
    ],
    [
      'nobody mutes a listener, who has no microphone',
      ROLES.host,
      'mute',
      u('l'),
      'target_not_on_stage',
    ],
    ['the host may remove a co-host from the stage', ROLES.host, 'remove_from_stage', u('c'), OK],
    [
      'a co-host may not remove the host from the stage',
      ROLES.cohost,
      'remove_from_stage',
      u('h'),
      'cannot_act_on_host',
    ],
    [
      'a co-host may not remove another co-host from the stage',
      ROLES.cohost,
      'remove_from_stage',
      u('c2'),
      'cannot_act_on_cohost',
    ],
    [
      'a co-host leaves the stage rather than removing themself',
      ROLES.cohost,
      'remove_from_stage',
      u('c'),
      'cannot_act_on_self',
    ],
    [
      'removing a listener from the stage is refused',
      ROLES.host,
      'remove_from_stage',
      u('l'),
      'target_not_on_stage',
    ],
    ['the host may remove a co-host from the space', ROLES.host, 'remove_from_space', u('c'), OK],
    [
      'a co-host may remove a speaker from the space',
      ROLES.cohost,
      'remove_from_space',
      u('s'),
      OK,
    ],
    [
      'a co-host may remove a guest from the space',
      ROLES.cohost,
      'remove_from_space',
      { kind: 'guest', id: 'g' },
      OK,
    ],
    [
      'a co-host may not remove the host from the space',
      ROLES.cohost,
      'remove_from_space',
      u('h'),
      'cannot_act_on_host',
    ],
    [
      'a co-host may not remove another co-host from the space',
      ROLES.cohost,
      'remove_from_space',
      u('c2'),
      'cannot_act_on_cohost',
    ],
    [
      'the host may not remove themself from the space',
      ROLES.host,
      'remove_from_space',
      u('h'),
      'cannot_act_on_self',
    ],
    ['a co-host may step down', ROLES.cohost, 'demote_cohost', u('c'), OK],
    ['the host may not demote themself', ROLES.host, 'demote_cohost', u('h'), 'cannot_act_on_self'],
    [
      'the host may not invite a guest to speak',
      ROLES.host,
      'invite_speaker',
      { kind: 'guest', id: 'g' },
      GUEST,
    ],
    [
      'the host may not invite themself',
      ROLES.host,
      'invite_speaker',
      u('h'),
      'cannot_act_on_self',
    ],
    [
      'the host may not make themself a co-host',
      ROLES.host,
      'add_cohost',
      u('h'),
      'cannot_act_on_self',
    ],
  ];
  for (const [name, actor, action, target, expected] of cases) {
    test(name, () => {
      assert.equal(outcome(actor, action, space(), target), expected);
    });
  }
});

describe('special cases of identity', () => {
  test('a removed guest may not listen again, even in a new tab', () => {
    assert.equal(outcome({ kind: 'guest', guestId: 'g-removed' }, 'listen', space()), RM);
  });

  test('an admin ends a space for a violation even when the host blocked them', () => {
    assert.equal(outcome(user('a', { role: 'admin', blockedByHost: true }), 'end', space()), OK);
  });

  test('an admin removed from a space may still end it for a violation', () => {
    assert.equal(outcome(user('r', { role: 'admin' }), 'end', space()), OK);
  });

  test('an admin cancels a scheduled space for a violation', () => {
    assert.equal(outcome(ROLES.admin, 'cancel', space('scheduled')), OK);
  });

  test('a moderator ends a live space and cancels a scheduled one for a violation, but may not start one', () => {
    const moderator = user('m', { role: 'moderator', blockedByHost: true });
    assert.equal(outcome(moderator, 'end', space()), OK);
    assert.equal(outcome(moderator, 'cancel', space('scheduled')), OK);
    assert.equal(outcome(user('m', { role: 'moderator' }), 'start', space('scheduled')), NH);
  });

  test('an admin may not start a space for its host', () => {
    assert.equal(outcome(ROLES.admin, 'start', space('scheduled')), NH);
  });

  test('an incognito listener may accept an invitation, which is a deliberate choice', () => {
    assert.equal(outcome(ROLES.incognito, 'accept_invitation', space()), OK);
  });

  test('with speaker requests off, a listener may not ask to speak, and is told which switch', () => {
    const locked = { ...space(), speaker_requests: false };
    assert.equal(outcome(ROLES.listener, 'request_to_speak', locked), 'turned_off');
    const decision = can(ROLES.listener, 'request_to_speak', locked);
    assert.deepEqual(decision.ok ? null : decision.error.details, { switch: 'speaker_requests' });
    // Who and when come first: a guest is still told to sign up, the stage that it is there.
    assert.equal(outcome(ROLES.guest, 'request_to_speak', locked), GUEST);
    assert.equal(outcome(ROLES.speaker, 'request_to_speak', locked), AOS);
    // Requests already made may still be withdrawn, approved and declined.
    assert.equal(outcome(ROLES.listener, 'cancel_request', locked), OK);
    assert.equal(outcome(ROLES.host, 'approve_request', locked, u('l')), OK);
    // A space stored before the switch existed takes requests.
    const { speaker_requests: _, ...older } = space();
    assert.equal(outcome(ROLES.listener, 'request_to_speak', older), OK);
  });

  test('a targeted action without a target is refused as invalid', () => {
    const decision = can(ROLES.host, 'mute', space());
    assert.equal(decision.ok, false);
    assert.equal(decision.ok ? null : decision.error.code, 'target_required');
    assert.equal(decision.ok ? null : decision.error.kind, 'invalid');
  });

  test('authorize throws the same refusal that can returns', () => {
    assert.throws(() => authorize(ROLES.speaker, 'mute_all', space()), {
      name: 'AppError',
      code: NHC,
      kind: 'forbidden',
    });
    assert.doesNotThrow(() => authorize(ROLES.cohost, 'mute_all', space()));
  });

  test('every refusal carries a message a person can act on', () => {
    for (const action of SPACE_ACTIONS) {
      for (const role of ROLE_NAMES) {
        const decision = can(ROLES[role], action, space(), TARGETS[action]);
        if (!decision.ok) assert.match(decision.error.message, /^[A-Z].+\.$/);
      }
    }
  });
});

describe('who may host', () => {
  const person = (
    followers: number,
    extra: { canHost?: boolean; role?: 'user' | 'admin' } = {},
  ) => ({
    followers,
    canHost: extra.canHost ?? false,
    role: extra.role ?? 'user',
  });

  test('a user below the threshold is told how many followers hosting needs', () => {
    const decision = mayHost(person(12), 600);
    assert.equal(decision.ok, false);
    assert.equal(decision.ok ? null : decision.error.code, 'hosting_not_allowed');
    assert.equal(
      decision.ok ? null : decision.error.message,
      'Hosting needs 600 followers; you have 12. An admin can grant hosting.',
    );
  });

  test('the default threshold is 600 followers, as when X opened Spaces', () => {
    assert.equal(mayHost(person(599)).ok, false);
    assert.equal(mayHost(person(600)).ok, true);
  });

  test('a threshold of 0 lets everyone host', () => {
    assert.equal(mayHost(person(0), 0).ok, true);
  });

  test('admins and users granted hosting may always host', () => {
    assert.equal(mayHost(person(0, { role: 'admin' }), 600).ok, true);
    assert.equal(mayHost(person(0, { canHost: true }), 600).ok, true);
  });

  test('the refusal reads well for one follower and for large numbers', () => {
    const one = mayHost(person(0), 1);
    assert.equal(
      one.ok ? null : one.error.message,
      'Hosting needs 1 follower; you have 0. An admin can grant hosting.',
    );
    const many = mayHost(person(1234), 10000);
    assert.equal(
      many.ok ? null : many.error.message,
      'Hosting needs 10,000 followers; you have 1,234. An admin can grant hosting.',
    );
  });
});
