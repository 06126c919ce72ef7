/**
 * The pure rule table of the space policy: who may do each action, and when.
 * The server's policy (server/src/spaces/policy.ts) decides with it, adding
 * identity, bans, blocks, rank over a target and the few per-action cases;
 * the web app shows a control when `allows` says the table lets its command
 * through, so a button and its command read the same row.
 */
import type { SpaceStatus, StageRole } from './spaces.js';
import { type SpaceSwitch, type SwitchFields, switchOn } from './switches.js';

export const SPACE_ACTIONS = [
  'view',
  'listen',
  'react',
  'share',
  'report',
  'edit',
  'start',
  'end',
  'cancel',
  'set_recording',
  'request_to_speak',
  'cancel_request',
  'approve_request',
  'decline_request',
  'invite_speaker',
  'invite_cohost',
  'accept_invitation',
  'decline_invitation',
  'leave_stage',
  'remove_from_stage',
  'add_cohost',
  'demote_cohost',
  'mute',
  'unmute',
  'mute_all',
  'remove_from_space',
  'pin',
  'unpin',
  'publish',
  'invite',
  'hand_over',
  'set_guests',
  'set_clipping',
  'set_captions',
  'set_own_captions',
  'set_speaker_requests',
] as const;
export type SpaceAction = (typeof SPACE_ACTIONS)[number];

/**
 * - `anyone`: even without a guest pass (seeing a space's card).
 * - `pass`: a user or a guest (listening, reacting).
 * - `user`: a signed-in user.
 * - `stage`: host, co-host or speaker.
 * - `moderator`: host or co-host.
 * - `host`: the host only.
 */
export type Who = 'anyone' | 'pass' | 'user' | 'stage' | 'moderator' | 'host';
/** `open` = scheduled or live. */
export type When = 'any' | 'open' | 'live' | 'scheduled';

export interface Rule {
  who: Who;
  when: When;
  target?: true;
  /** Reporting must stay possible for the people a space shut out. */
  evenIfExcluded?: true;
  /** Platform admins may do this to any space, for a violation. */
  adminModerates?: true;
  /** Refused (`turned_off`) while this switch of the space is off (switches.ts). */
  needs?: SpaceSwitch;
}

export const RULES: Readonly<Record<SpaceAction, Rule>> = {
  view: { who: 'anyone', when: 'any' },
  listen: { who: 'pass', when: 'live' },
  react: { who: 'pass', when: 'live' },
  share: { who: 'user', when: 'any' },
  report: { who: 'user', when: 'any', evenIfExcluded: true },
  edit: { who: 'host', when: 'open' },
  start: { who: 'host', when: 'scheduled' },
  end: { who: 'host', when: 'live', adminModerates: true },
  cancel: { who: 'host', when: 'scheduled', adminModerates: true },
  set_recording: { who: 'host', when: 'open' },
  request_to_speak: { who: 'user', when: 'live', needs: 'speaker_requests' },
  cancel_request: { who: 'user', when: 'live' },
  approve_request: { who: 'moderator', when: 'live', target: true },
  decline_request: { who: 'moderator', when: 'live', target: true },
  invite_speaker: { who: 'moderator', when: 'live', target: true },
  invite_cohost: { who: 'host', when: 'live', target: true },
  accept_invitation: { who: 'user', when: 'live' },
  decline_invitation: { who: 'user', when: 'live' },
  leave_stage: { who: 'stage', when: 'live' },
  remove_from_stage: { who: 'moderator', when: 'live', target: true },
  add_cohost: { who: 'host', when: 'live', target: true },
  // A co-host may step down themself; see roleRefusal.
  demote_cohost: { who: 'host', when: 'live', target: true },
  // Muting oneself needs only a place on stage; see roleRefusal.
  mute: { who: 'moderator', when: 'live', target: true },
  // Only ever oneself: nobody opens someone else's microphone.
  unmute: { who: 'stage', when: 'live', target: true },
  mute_all: { who: 'moderator', when: 'live' },
  // Open, not only live: a host may keep someone out before the space starts.
  remove_from_space: { who: 'moderator', when: 'open', target: true },
  pin: { who: 'stage', when: 'open' },
  unpin: { who: 'stage', when: 'open' },
  // Sending audio (the mix or a feed): only the stage speaks.
  publish: { who: 'stage', when: 'live' },
  // Inviting people to join or follow the space (a notification and a DM card each).
  invite: { who: 'moderator', when: 'open' },
  // Only to a co-host (the model checks the role in the version it runs on).
  hand_over: { who: 'host', when: 'live', target: true },
  set_guests: { who: 'host', when: 'open' },
  // Clips are made live and from the replay, so the switch works after the end too.
  set_clipping: { who: 'moderator', when: 'any' },
  // Captions are made live, so the switch is for a space that has not ended.
  set_captions: { who: 'moderator', when: 'open' },
  // A stage member's own words: only they decide, while the space is open.
  set_own_captions: { who: 'stage', when: 'open' },
  // Locking the stage (no requests, invitations only) is for the space's moderators.
  set_speaker_requests: { who: 'moderator', when: 'open' },
};

/** Where the viewer stands in a space: on the stage, a signed-in listener, or a guest. */
export type ViewerRole = StageRole | 'listener' | 'guest';

/** What of a space the table reads: its status and its switches. */
export type SpaceStanding = { state: SpaceStatus } & SwitchFields;

/**
 * Whether the table lets `role` do `action` in `space` (its status and
 * switches). The server checks more (a target's rank, a removal, a block);
 * this is the part a client knows from its snapshot alone.
 */
export function allows(action: SpaceAction, role: ViewerRole, space: SpaceStanding): boolean {
  const rule = RULES[action];
  return (
    whoAllows(rule.who, role) &&
    whenAllows(rule.when, space.state) &&
    (rule.needs === undefined || switchOn(space, rule.needs))
  );
}

function whoAllows(who: Who, role: ViewerRole): boolean {
  switch (who) {
    case 'anyone':
    case 'pass':
      return true;
    case 'user':
      return role !== 'guest';
    case 'stage':
      return role === 'host' || role === 'cohost' || role === 'speaker';
    case 'moderator':
      return role === 'host' || role === 'cohost';
    case 'host':
      return role === 'host';
  }
}

function whenAllows(when: When, state: SpaceStatus): boolean {
  switch (when) {
    case 'any':
      return true;
    case 'open':
      return state === 'scheduled' || state === 'live';
    case 'live':
      return state === 'live';
    case 'scheduled':
      return state === 'scheduled';
  }
}
