import type {
  EndedReason,
  InvitationRemovedReason,
  RequestRemovedReason,
  StageLeaveReason,
  StageRole,
} from '@salon/protocol';
import { AppError } from '../errors.js';
import type {
  CommandContext,
  Invitation,
  Outcome,
  SpaceEventBody,
  SpaceLimits,
  SpaceState,
  SpeakRequest,
  StageChange,
  StageMember,
} from './model.js';
import { type Actor, type Participant, participantOf, roleOf } from './policy.js';

/**
 * What every command of the space aggregate is built from: `change` (one
 * command's effects on a copy, stamped with one new version), the effects
 * themselves (`Changes`), and the checks shared by the command files
 * (model.ts, model.lifecycle.ts, model.moderation.ts). Internal to spaces/.
 */

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Runs the effects of one command on a copy and stamps them with one new version. */
export function change(before: SpaceState, effects: (changes: Changes) => void): Outcome {
  const changes = new Changes(before);
  effects(changes);
  const version = before.version + 1;
  return {
    state: { ...changes.state, version },
    events: changes.events.map((body) => ({ ...body, version })),
  };
}

/**
 * The effects a command is made of (approving = dropping the request, dropping
 * an invitation, joining the stage), each with its event. It only ever
 * replaces arrays, never mutates them, so the state it started from is intact.
 */
export class Changes {
  readonly state: Mutable<SpaceState>;
  readonly events: SpaceEventBody[] = [];

  constructor(before: SpaceState) {
    this.state = { ...before };
  }

  emit(event: SpaceEventBody): void {
    this.events.push(event);
  }

  setState(next: Pick<SpaceState, 'state'> & Partial<SpaceState>): void {
    Object.assign(this.state, next);
    const { state, started_at, ended_at, ended_reason } = this.state;
    this.emit({ type: 'state_changed', state, started_at, ended_at, ended_reason });
  }

  dropRequest(userId: string, reason: RequestRemovedReason): void {
    if (!this.state.requests.some((r) => r.user_id === userId)) return;
    this.state.requests = this.state.requests.filter((r) => r.user_id !== userId);
    this.emit({ type: 'request_removed', user_id: userId, reason });
  }

  dropInvitation(userId: string, reason: InvitationRemovedReason): void {
    if (!this.state.invitations.some((i) => i.user_id === userId)) return;
    this.state.invitations = this.state.invitations.filter((i) => i.user_id !== userId);
    this.emit({ type: 'invitation_removed', user_id: userId, reason });
  }

  join(userId: string, role: 'speaker' | 'cohost', { now, limits }: CommandContext): void {
    if (this.state.stage.some((m) => m.user_id === userId)) throw alreadyOnStage();
    if (this.state.stage.length >= limits.maxStage) {
      const message = `The stage is full (${limits.maxStage} people). Someone has to leave first.`;
      throw AppError.conflict('stage_full', message);
    }
    if (role === 'cohost') requireCohostSeat(this.state, limits);
    const arrival = { user_id: userId, role, muted: true, joined_at: now };
    this.state.stage = [...this.state.stage, arrival];
    this.stageChanged({ kind: 'joined', user_id: userId, role });
  }

  leave(userId: string, reason: StageLeaveReason): void {
    this.state.stage = this.state.stage.filter((m) => m.user_id !== userId);
    this.stageChanged({ kind: 'left', user_id: userId, reason });
  }

  setRole(userId: string, role: StageRole): void {
    const previous = roleOf(this.state, userId) as StageRole;
    this.state.stage = this.state.stage.map((m) => (m.user_id === userId ? { ...m, role } : m));
    this.stageChanged({ kind: 'role_changed', user_id: userId, role, previous_role: previous });
  }

  /** A promotion mutes, like an arrival: the new role starts from a closed microphone. */
  promoteToCohost(userId: string, by: string, limits: SpaceLimits): void {
    requireCohostSeat(this.state, limits);
    this.setMuted([userId], true, by, false);
    this.setRole(userId, 'cohost');
  }

  /**
   * An explicit mute or unmute reports everyone it named, so a command that
   * succeeded always says what it did; a promotion only reports a real flip.
   */
  setMuted(userIds: string[], muted: boolean, by: string, explicit: boolean): void {
    const flips = (m: StageMember) => userIds.includes(m.user_id) && m.muted !== muted;
    const flipped = this.state.stage.filter(flips).map((m) => m.user_id);
    this.state.stage = this.state.stage.map((m) => (flips(m) ? { ...m, muted } : m));
    if (explicit || flipped.length > 0) {
      this.emit({ type: 'mute_changed', user_ids: explicit ? userIds : flipped, muted, by });
    }
  }

  private stageChanged(change: StageChange): void {
    this.emit({ type: 'stage_changed', stage: this.state.stage, change });
  }
}

export type UserInput = { user_id: string };

export function requireRequest(state: SpaceState, userId: string): SpeakRequest {
  const request = state.requests.find((r) => r.user_id === userId);
  if (!request) throw AppError.notFound('request');
  return request;
}

export function requireInvitation(state: SpaceState, userId: string): Invitation {
  const invitation = state.invitations.find((i) => i.user_id === userId);
  if (!invitation) throw AppError.notFound('invitation');
  return invitation;
}

export function requireCohostSeat(state: SpaceState, limits: SpaceLimits): void {
  if (state.stage.filter((m) => m.role === 'cohost').length >= limits.maxCohosts) {
    const message = `A space can have at most ${limits.maxCohosts} co-hosts.`;
    throw AppError.conflict('cohost_limit_reached', message);
  }
}

export const alreadyOnStage = () =>
  AppError.conflict('already_on_stage', 'That person is already on the stage.');
export const alreadyCohost = () =>
  AppError.conflict('already_cohost', 'That person is already a co-host.');

export const union = (ids: readonly string[], id: string): string[] =>
  ids.includes(id) ? [...ids] : [...ids, id];

export const asUser = (id: string): Participant => ({ kind: 'user', id });

/** Policy has already refused anyone who is not a signed-in user for these commands. */
export function userIdOf(actor: Actor): string {
  const who = participantOf(actor);
  if (who?.kind !== 'user') throw AppError.forbidden('guest_not_allowed', 'Sign in to do this.');
  return who.id;
}

/** Nothing to do: no new version, no events (the service then writes nothing). */
export const unchanged = (state: SpaceState): Outcome => ({ state, events: [] });

/** Ends or cancels the space for `reason`; shared by the host's commands and the grace. */
export function closeFor(
  state: SpaceState,
  to: 'ended' | 'cancelled',
  reason: EndedReason,
  now: number,
): Outcome {
  return change(state, (c) => {
    // The last stage stays as a record of who spoke; what was pending is moot.
    c.state.requests = [];
    c.state.invitations = [];
    c.state.host_away_since = null;
    c.setState({ state: to, ended_at: now, ended_reason: reason });
  });
}
