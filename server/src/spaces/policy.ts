import {
  RULES,
  type Rule,
  SPACE_SWITCHES,
  type SpaceAction,
  type StageRole,
  switchOn,
  type When,
} from '@salon/protocol';
import { AppError } from '../errors.js';
import type { SpaceState } from './model.js';

/**
 * Who may do what in a space, in one place. The model's commands call
 * `authorize` before touching state, and transports may call `can` to decide
 * which controls to show, so a button and its command never disagree.
 *
 * The policy answers questions about the actor (identity, bans, blocks, role
 * in the space), the space's lifecycle, and the actor's rank over a target.
 * Questions about the data (is there a request to approve, is the stage full)
 * belong to the model.
 *
 * Checks run in a fixed order, so each refusal names the most useful reason:
 * identity → removed/blocked → guest → role → lifecycle → switch → target.
 */

/** Moderators moderate spaces as admins do (end or cancel one for a violation). */
export type PlatformRole = 'user' | 'moderator' | 'admin';

/**
 * The person acting, as the server knows them from the session. Whether they
 * were removed from the space is read from the space itself (one source of
 * truth); whether the host blocked them is a fact of the social graph that
 * the caller looks up.
 */
export type Actor =
  | {
      kind: 'user';
      userId: string;
      role: PlatformRole;
      /** Listening without being listed. */
      incognito: boolean;
      blockedByHost: boolean;
    }
  | { kind: 'guest'; guestId: string }
  | { kind: 'anonymous' };

/** Someone acted upon: a user, or (for removal only) a guest. */
export interface Participant {
  kind: 'user' | 'guest';
  id: string;
}

export type SpaceRole = StageRole | 'listener';

export { SPACE_ACTIONS, type SpaceAction } from '@salon/protocol';

export type Decision = { ok: true } | { ok: false; error: AppError };

const OK: Decision = { ok: true };

export function can(
  actor: Actor,
  action: SpaceAction,
  space: SpaceState,
  target?: Participant,
): Decision {
  const error = refusal(actor, action, space, target);
  return error === null ? OK : { ok: false, error };
}

/** `can`, throwing the refusal. */
export function authorize(
  actor: Actor,
  action: SpaceAction,
  space: SpaceState,
  target?: Participant,
): void {
  const error = refusal(actor, action, space, target);
  if (error !== null) throw error;
}

export function roleOf(space: SpaceState, userId: string): SpaceRole {
  return space.stage.find((m) => m.user_id === userId)?.role ?? 'listener';
}

export function isRemoved(space: SpaceState, who: Participant): boolean {
  return who.kind === 'user'
    ? space.removed_user_ids.includes(who.id)
    : space.removed_guest_ids.includes(who.id);
}

export function participantOf(actor: Actor): Participant | null {
  if (actor.kind === 'user') return { kind: 'user', id: actor.userId };
  if (actor.kind === 'guest') return { kind: 'guest', id: actor.guestId };
  return null;
}

function refusal(
  actor: Actor,
  action: SpaceAction,
  space: SpaceState,
  target: Participant | undefined,
): AppError | null {
  const rule = RULES[action];
  if (rule.target && target === undefined) {
    return AppError.invalid('target_required', 'Say whom this is for.');
  }
  const self = participantOf(actor);
  const targetIsSelf =
    self !== null && target !== undefined && target.kind === self.kind && target.id === self.id;
  const role: SpaceRole = actor.kind === 'user' ? roleOf(space, actor.userId) : 'listener';

  const moderating =
    rule.adminModerates === true &&
    actor.kind === 'user' &&
    actor.role !== 'user' &&
    role !== 'host';
  if (!moderating) {
    const error = actorRefusal(actor, action, rule, space, role, targetIsSelf);
    if (error !== null) return error;
  }
  return (
    lifecycleRefusal(rule.when, space) ??
    switchRefusal(rule, space) ??
    targetRefusal(action, space, role, target, targetIsSelf)
  );
}

/** A rule that `needs` a switch of the space is refused while it is off. */
function switchRefusal(rule: Rule, space: SpaceState): AppError | null {
  if (rule.needs === undefined || switchOn(space, rule.needs)) return null;
  return new AppError('forbidden', 'turned_off', SPACE_SWITCHES[rule.needs].offMessage, {
    details: { switch: rule.needs },
  });
}

function actorRefusal(
  actor: Actor,
  action: SpaceAction,
  rule: Rule,
  space: SpaceState,
  role: SpaceRole,
  targetIsSelf: boolean,
): AppError | null {
  if (actor.kind === 'anonymous') {
    return rule.who === 'anyone'
      ? null
      : AppError.unauthenticated('Sign in, or listen as a guest, to do this.');
  }
  if (!rule.evenIfExcluded) {
    const self = participantOf(actor);
    if (self !== null && isRemoved(space, self)) {
      return AppError.forbidden('removed_from_space', 'You were removed from this space.');
    }
    if (actor.kind === 'user' && actor.blockedByHost) {
      return AppError.forbidden('blocked_by_host', 'The host of this space has blocked you.');
    }
  }
  if (actor.kind === 'guest') {
    // The host closed the door to people without an account (a raid): guests may still
    // see the space's card, not listen or react.
    if (rule.who === 'pass' && space.allow_guests === false) {
      return AppError.forbidden(
        'guests_not_allowed',
        'The host allows only listeners with an account in this space. Sign in to listen.',
      );
    }
    return rule.who === 'anyone' || rule.who === 'pass'
      ? null
      : AppError.forbidden(
          'guest_not_allowed',
          'Guests can listen and react only. Create an account to do this.',
        );
  }
  return roleRefusal(actor, action, rule, role, targetIsSelf);
}

function roleRefusal(
  actor: Extract<Actor, { kind: 'user' }>,
  action: SpaceAction,
  rule: Rule,
  role: SpaceRole,
  targetIsSelf: boolean,
): AppError | null {
  let who = rule.who;
  switch (action) {
    case 'unmute':
      if (!targetIsSelf) {
        return AppError.forbidden(
          'cannot_unmute_others',
          'Only the person themself can turn their microphone on.',
        );
      }
      break;
    case 'mute':
      if (targetIsSelf) who = 'stage';
      break;
    case 'demote_cohost':
      if (targetIsSelf && role === 'cohost') return null;
      break;
    case 'leave_stage':
      if (role === 'host') {
        return AppError.conflict(
          'host_cannot_leave',
          'The host cannot leave the stage; end the space instead.',
        );
      }
      break;
    case 'request_to_speak':
      if (role !== 'listener') return alreadyOnStage('You are already on the stage.');
      if (actor.incognito) {
        return AppError.forbidden(
          'incognito_listener',
          'You are listening incognito. Show yourself in the listener list to ask to speak.',
        );
      }
      break;
    default:
      break;
  }
  if (who === 'stage' && role === 'listener') {
    return AppError.forbidden('not_on_stage', 'Only people on the stage can do this.');
  }
  if (who === 'moderator' && role !== 'host' && role !== 'cohost') {
    return AppError.forbidden('not_host_or_cohost', 'Only the host or a co-host can do this.');
  }
  if (who === 'host' && role !== 'host') {
    return AppError.forbidden('not_host', 'Only the host can do this.');
  }
  return null;
}

function lifecycleRefusal(when: When, space: SpaceState): AppError | null {
  const state = space.state;
  if (when === 'any') return null;
  if (when === 'scheduled') {
    return state === 'scheduled'
      ? null
      : AppError.conflict('space_not_scheduled', `This space is ${state}, not scheduled.`);
  }
  if (state === 'ended' || state === 'cancelled') {
    return AppError.conflict(
      'space_ended',
      `This space has ${state === 'ended' ? 'ended' : 'been cancelled'}.`,
    );
  }
  if (when === 'live' && state !== 'live') {
    return AppError.conflict('space_not_live', 'This space has not started yet.');
  }
  return null;
}

/**
 * Rank: the host may act on anyone but themself; a co-host on speakers,
 * listeners and guests, but not on the host or another co-host (co-hosts are
 * peers, and only the host arbitrates between them).
 */
function targetRefusal(
  action: SpaceAction,
  space: SpaceState,
  actorRole: SpaceRole,
  target: Participant | undefined,
  targetIsSelf: boolean,
): AppError | null {
  if (target === undefined) return null;
  const targetRole: SpaceRole = target.kind === 'user' ? roleOf(space, target.id) : 'listener';
  switch (action) {
    case 'invite_speaker':
    case 'invite_cohost':
    case 'add_cohost':
      if (target.kind === 'guest') {
        return AppError.forbidden(
          'guest_not_allowed',
          'Guests can listen only; they cannot be invited.',
        );
      }
      return targetIsSelf ? cannotActOnSelf() : null;
    case 'mute':
    case 'remove_from_stage':
      if (targetIsSelf) return action === 'mute' ? null : cannotActOnSelf();
      if (targetRole === 'listener') {
        return AppError.conflict('target_not_on_stage', 'That person is not on the stage.');
      }
      return rankRefusal(actorRole, targetRole);
    case 'remove_from_space':
      return targetIsSelf ? cannotActOnSelf() : rankRefusal(actorRole, targetRole);
    case 'demote_cohost':
      return targetIsSelf && actorRole === 'host' ? cannotActOnSelf() : null;
    case 'hand_over':
      if (target.kind === 'guest') {
        return AppError.forbidden('guest_not_allowed', 'Only a co-host can take over the space.');
      }
      return targetIsSelf ? cannotActOnSelf() : null;
    default:
      return null;
  }
}

function rankRefusal(actorRole: SpaceRole, targetRole: SpaceRole): AppError | null {
  if (targetRole === 'host') {
    return AppError.forbidden('cannot_act_on_host', 'Nobody can do this to the host.');
  }
  if (targetRole === 'cohost' && actorRole !== 'host') {
    return AppError.forbidden('cannot_act_on_cohost', 'Only the host can do this to a co-host.');
  }
  return null;
}

function cannotActOnSelf(): AppError {
  return AppError.invalid('cannot_act_on_self', 'You cannot do this to yourself.');
}

function alreadyOnStage(message: string): AppError {
  return AppError.conflict('already_on_stage', message);
}

// ---------------------------------------------------------------------------
// Hosting eligibility
// ---------------------------------------------------------------------------

export interface HostCandidate {
  followers: number;
  /** Granted by an admin, whatever the follower count. */
  canHost: boolean;
  role: PlatformRole;
}

export const DEFAULT_HOST_MIN_FOLLOWERS = 600;

/**
 * As when X opened Spaces widely: hosting needs a follower threshold
 * (`HOST_MIN_FOLLOWERS`, default 600; 0 lets everyone host). Admins, and
 * users an admin granted hosting, may always host.
 */
export function mayHost(
  user: HostCandidate,
  minFollowers: number = DEFAULT_HOST_MIN_FOLLOWERS,
): Decision {
  if (user.role === 'admin' || user.canHost || user.followers >= minFollowers) return OK;
  const needs = `${minFollowers.toLocaleString('en-US')} ${minFollowers === 1 ? 'follower' : 'followers'}`;
  return {
    ok: false,
    error: AppError.forbidden(
      'hosting_not_allowed',
      `Hosting needs ${needs}; you have ${user.followers.toLocaleString('en-US')}. An admin can grant hosting.`,
    ),
  };
}
