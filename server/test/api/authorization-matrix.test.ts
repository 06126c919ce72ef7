import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type Cast,
  castOf,
  close,
  liveSpace,
  type Person,
  ROLES,
  type Role,
  scheduledSpace,
} from '../support/cast.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The authorization matrix over HTTP: every space command and action, by
 * every role, each cell on a space in its initial state, so that no cell
 * depends on another.
 * The expected answers are written here from what the product says each
 * role may do (PRODUCT.md §2 and §5: one host, co-hosts who moderate,
 * speakers, listeners and guests who listen and react; removed people never
 * come back; nobody the host blocked joins; suspended accounts do nothing;
 * admins end or cancel a space for a violation), not read from the code.
 *
 * Over HTTP a listener and a stranger are the same person to the policy
 * (signed in, not on the stage); the WebSocket matrix tells them apart.
 */
let t: TestServer;
let cast: Cast;
before(async () => {
  t = await startTestServer({ env: { HOST_MIN_FOLLOWERS: '0' } });
  cast = await castOf(t);
});
after(() => t.close());

const OK = 'ok';
const CREATED = 'created';
const RM = 'removed_from_space';
const BLK = 'blocked_by_host';
const GUEST = 'guest_not_allowed';
const SUSP = 'account_suspended';
const NH = 'not_host';
const NHC = 'not_host_or_cohost';
const NOS = 'not_on_stage';
const AOS = 'already_on_stage';
const NORQ = 'request_not_found';
const NOINV = 'invitation_not_found';
const NOAUDIO = 'media_unavailable';

/** The status each answer comes with. */
const STATUS: Record<string, number> = {
  [OK]: 200,
  [CREATED]: 201,
  [RM]: 403,
  [BLK]: 403,
  [GUEST]: 403,
  [SUSP]: 403,
  [NH]: 403,
  [NHC]: 403,
  [NOS]: 403,
  [AOS]: 409,
  [NORQ]: 404,
  [NOINV]: 404,
  [NOAUDIO]: 503,
  host_cannot_leave: 409,
};

interface Action {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: (space: string, actor: Person) => string;
  body?: () => unknown;
  /** The space it is tried on; live unless said. */
  on?: 'scheduled';
}

const at = (rest: string) => (space: string) => `/api/v1/spaces/${space}${rest}`;

/** What each row does; the targets are people outside the matrix's roles. */
const ACTIONS: Record<string, Action> = {
  snapshot: { method: 'GET', path: at('/snapshot') },
  edit: { method: 'PATCH', path: at(''), body: () => ({ title: 'Edited' }) },
  start: { method: 'POST', path: at('/start'), on: 'scheduled' },
  end: { method: 'POST', path: at('/end') },
  cancel: { method: 'POST', path: at('/cancel'), on: 'scheduled' },
  set_recording: { method: 'PUT', path: at('/recording'), body: () => ({ recording: true }) },
  set_guests: { method: 'PUT', path: at('/guests'), body: () => ({ allow_guests: false }) },
  set_speaker_requests: {
    method: 'PUT',
    path: at('/speaker-requests'),
    body: () => ({ speaker_requests: false }),
  },
  hand_over: { method: 'POST', path: (s) => at(`/handover/${cast.people.cohost.id}`)(s) },
  request_to_speak: { method: 'POST', path: at('/requests') },
  cancel_request: { method: 'DELETE', path: at('/requests') },
  approve_request: { method: 'POST', path: (s) => at(`/requests/${cast.asker.id}/approve`)(s) },
  decline_request: { method: 'POST', path: (s) => at(`/requests/${cast.asker.id}/decline`)(s) },
  invite_speaker: {
    method: 'POST',
    path: at('/invitations'),
    body: () => ({ user_id: cast.invitee.id, role: 'speaker' }),
  },
  invite_cohost: {
    method: 'POST',
    path: at('/invitations'),
    body: () => ({ user_id: cast.s2.id, role: 'cohost' }),
  },
  accept_invitation: { method: 'POST', path: at('/invitation/accept') },
  decline_invitation: { method: 'POST', path: at('/invitation/decline') },
  leave_stage: { method: 'POST', path: at('/stage/leave') },
  remove_from_stage: { method: 'DELETE', path: (s) => at(`/stage/${cast.s2.id}`)(s) },
  mute: { method: 'POST', path: (s) => at(`/stage/${cast.s2.id}/mute`)(s) },
  unmute_self: { method: 'POST', path: (s, actor) => at(`/stage/${actor.id}/unmute`)(s) },
  mute_all: { method: 'POST', path: at('/mute_all') },
  add_cohost: { method: 'POST', path: at('/cohosts'), body: () => ({ user_id: cast.s2.id }) },
  demote_cohost: {
    method: 'DELETE',
    path: (s) => at(`/cohosts/${cast.people.cohost.id}`)(s),
  },
  remove_from_space: {
    method: 'POST',
    path: at('/removals'),
    body: () => ({ kind: 'user', id: cast.bystander.id }),
  },
  pin: { method: 'POST', path: at('/pins'), body: () => ({ post_id: cast.postId }) },
  unpin: { method: 'DELETE', path: (s) => at(`/pins/${cast.pinnedId}`)(s) },
  react: { method: 'POST', path: at('/reactions'), body: () => ({ emoji: '👍' }) },
  share_by_dm: {
    method: 'POST',
    path: at('/share/dm'),
    body: () => ({ user_id: cast.bystander.id }),
  },
  share_by_post: { method: 'POST', path: at('/share/post'), body: () => ({}) },
  report: { method: 'POST', path: at('/reports'), body: () => ({ reason: 'spam' }) },
  block_from_space: {
    method: 'POST',
    path: at('/blocks'),
    body: () => ({ user_id: cast.bystander.id }),
  },
  listen: { method: 'GET', path: at('/listen') },
  invite_to_join: {
    method: 'POST',
    path: at('/invites'),
    body: () => ({ user_ids: [cast.bystander.id] }),
  },
  reschedule: {
    method: 'PUT',
    path: at('/schedule'),
    body: () => ({ scheduled_start: new Date(Date.now() + 7200_000).toISOString() }),
    on: 'scheduled',
  },
  set_reminder: { method: 'POST', path: at('/reminder'), on: 'scheduled' },
  remove_reminder: { method: 'DELETE', path: at('/reminder'), on: 'scheduled' },
};

// The HTTP oracle: its own table (routes, suspended users), not derived from spaces/policy.test.ts's.
// biome-ignore format: the table reads best as aligned columns
const EXPECTED: Record<keyof typeof ACTIONS, Record<Role, string>> = row({
  //                  host     cohost   speaker  listener stranger guest    removed  blocked  suspended admin
  snapshot:           [OK,      OK,      OK,      OK,      OK,      OK,      RM,      BLK,     SUSP,     OK],
  edit:               [OK,      NH,      NH,      NH,      NH,      GUEST,   RM,      BLK,     SUSP,     NH],
  // On a scheduled space, where only the host is on the stage yet.
  start:              [OK,      NH,      NH,      NH,      NH,      GUEST,   RM,      BLK,     SUSP,     NH],
  // Admins end a space for a violation.
  end:                [OK,      NH,      NH,      NH,      NH,      GUEST,   RM,      BLK,     SUSP,     OK],
  cancel:             [OK,      NH,      NH,      NH,      NH,      GUEST,   RM,      BLK,     SUSP,     OK],
  set_recording:      [OK,      NH,      NH,      NH,      NH,      GUEST,   RM,      BLK,     SUSP,     NH],
  set_guests:         [OK,      NH,      NH,      NH,      NH,      GUEST,   RM,      BLK,     SUSP,     NH],
  // Locking the stage to invitations is for the host and co-hosts.
  set_speaker_requests: [OK,    OK,      NHC,     NHC,     NHC,     GUEST,   RM,      BLK,     SUSP,     NHC],
  // Only the host hands the space over, and only to a co-host.
  hand_over:          [OK,      NH,      NH,      NH,      NH,      GUEST,   RM,      BLK,     SUSP,     NH],
  request_to_speak:   [AOS,     AOS,     AOS,     OK,      OK,      GUEST,   RM,      BLK,     SUSP,     OK],
  // Nobody in the matrix has a request to withdraw: allowed, then nothing to find.
  cancel_request:     [NORQ,    NORQ,    NORQ,    NORQ,    NORQ,    GUEST,   RM,      BLK,     SUSP,     NORQ],
  approve_request:    [OK,      OK,      NHC,     NHC,     NHC,     GUEST,   RM,      BLK,     SUSP,     NHC],
  decline_request:    [OK,      OK,      NHC,     NHC,     NHC,     GUEST,   RM,      BLK,     SUSP,     NHC],
  invite_speaker:     [OK,      OK,      NHC,     NHC,     NHC,     GUEST,   RM,      BLK,     SUSP,     NHC],
  invite_cohost:      [OK,      NH,      NH,      NH,      NH,      GUEST,   RM,      BLK,     SUSP,     NH],
  // Nobody in the matrix was invited: allowed, then nothing to find.
  accept_invitation:  [NOINV,   NOINV,   NOINV,   NOINV,   NOINV,   GUEST,   RM,      BLK,     SUSP,     NOINV],
  decline_invitation: [NOINV,   NOINV,   NOINV,   NOINV,   NOINV,   GUEST,   RM,      BLK,     SUSP,     NOINV],
  leave_stage:        ['host_cannot_leave', OK, OK,  NOS,     NOS,     GUEST,   RM,      BLK,     SUSP,     NOS],
  remove_from_stage:  [OK,      OK,      NHC,     NHC,     NHC,     GUEST,   RM,      BLK,     SUSP,     NHC],
  mute:               [OK,      OK,      NHC,     NHC,     NHC,     GUEST,   RM,      BLK,     SUSP,     NHC],
  // Only the person themself turns their microphone on, and only on the stage.
  unmute_self:        [OK,      OK,      OK,      NOS,     NOS,     GUEST,   RM,      BLK,     SUSP,     NOS],
  mute_all:           [OK,      OK,      NHC,     NHC,     NHC,     GUEST,   RM,      BLK,     SUSP,     NHC],
  add_cohost:         [OK,      NH,      NH,      NH,      NH,      GUEST,   RM,      BLK,     SUSP,     NH],
  // A co-host may step down themself.
  demote_cohost:      [OK,      OK,      NH,      NH,      NH,      GUEST,   RM,      BLK,     SUSP,     NH],
  remove_from_space:  [OK,      OK,      NHC,     NHC,     NHC,     GUEST,   RM,      BLK,     SUSP,     NHC],
  pin:                [OK,      OK,      OK,      NOS,     NOS,     GUEST,   RM,      BLK,     SUSP,     NOS],
  unpin:              [OK,      OK,      OK,      NOS,     NOS,     GUEST,   RM,      BLK,     SUSP,     NOS],
  react:              [OK,      OK,      OK,      OK,      OK,      OK,      RM,      BLK,     SUSP,     OK],
  // Removed and blocked people cannot spread the space they were shut out of.
  share_by_dm:        [CREATED, CREATED, CREATED, CREATED, CREATED, GUEST,   RM,      BLK,     SUSP,     CREATED],
  share_by_post:      [CREATED, CREATED, CREATED, CREATED, CREATED, GUEST,   RM,      BLK,     SUSP,     CREATED],
  // Reporting stays possible for the people a space shut out.
  report:             [CREATED, CREATED, CREATED, CREATED, CREATED, GUEST,   CREATED, CREATED, SUSP,     CREATED],
  // Anyone signed in may block anyone, from anywhere.
  block_from_space:   [OK,      OK,      OK,      OK,      OK,      GUEST,   OK,      OK,      SUSP,     OK],
  // With MEDIA=off an admitted listener hears that there is no audio; the others are refused first.
  listen:             [NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, NOAUDIO, RM,      BLK,     SUSP,     NOAUDIO],
  // A notification and a DM card each: the host and co-hosts invite people to join.
  invite_to_join:     [OK,      OK,      NHC,     NHC,     NHC,     GUEST,   RM,      BLK,     SUSP,     NHC],
  reschedule:         [OK,      NH,      NH,      NH,      NH,      GUEST,   RM,      BLK,     SUSP,     NH],
  // Anyone signed in may be reminded, but not of a space they are kept out of.
  set_reminder:       [OK,      OK,      OK,      OK,      OK,      GUEST,   RM,      BLK,     SUSP,     OK],
  // Giving a reminder up needs no right in the space.
  remove_reminder:    [OK,      OK,      OK,      OK,      OK,      GUEST,   OK,      OK,      SUSP,     OK],
});

function row(
  table: Record<keyof typeof ACTIONS, string[]>,
): Record<keyof typeof ACTIONS, Record<Role, string>> {
  const out = {} as Record<string, Record<Role, string>>;
  for (const [action, cells] of Object.entries(table)) {
    assert.equal(cells.length, ROLES.length, `row ${action} has a cell per role`);
    out[action] = Object.fromEntries(ROLES.map((role, i) => [role, cells[i]])) as Record<
      Role,
      string
    >;
  }
  return out;
}

async function attempt(action: Action, role: Role, space: string): Promise<[number, string]> {
  const actor = cast.people[role];
  const reply = await actor.client.request(
    action.method,
    action.path(space, actor),
    action.body?.(),
  );
  if (reply.status < 300) return [reply.status, reply.status === 201 ? CREATED : OK];
  return [reply.status, reply.body?.error?.code ?? `no error body (${reply.status})`];
}

test('the matrix covers every role and an action for every space command', () => {
  assert.deepEqual(Object.keys(EXPECTED).sort(), Object.keys(ACTIONS).sort());
});

/**
 * Each cell meets the space as it was set up: a refused command writes
 * nothing, so a space is used again until a cell succeeds, and replaced then.
 */
for (const [name, action] of Object.entries(ACTIONS)) {
  describe(name.replace(/_/g, ' '), () => {
    let space: string | null = null;
    const fresh = () => (action.on === 'scheduled' ? scheduledSpace(cast) : liveSpace(cast));
    after(async () => {
      if (space) await close(cast, space);
    });
    for (const role of ROLES) {
      const expected = EXPECTED[name]![role];
      const sentence =
        expected === OK || expected === CREATED
          ? `the ${role} may`
          : `the ${role} is answered ${expected}`;
      test(sentence, async () => {
        space ??= await fresh();
        const [status, code] = await attempt(action, role, space);
        if (status < 300) {
          await close(cast, space);
          space = null;
        }
        assert.equal(code, expected);
        assert.equal(status, STATUS[expected]);
      });
    }
  });
}
