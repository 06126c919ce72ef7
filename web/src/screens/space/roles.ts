import {
  allows,
  type InvitationDto,
  RULES,
  type SpaceAction,
  type SpaceSnapshot,
  type SpaceStanding,
  type SpaceSwitch,
  type StageMemberDto,
  switchOn,
} from '@salon/protocol';

export type Role = 'host' | 'cohost' | 'speaker' | 'listener' | 'guest';

/** What the person looking at a space may do there, from the snapshot alone. */
export interface Me {
  userId: string | null;
  role: Role;
  member: StageMemberDto | null;
  /** Host or co-host. */
  moderator: boolean;
  requested: boolean;
  invitation: InvitationDto | null;
  live: boolean;
  /** The space's status and switches, as the policy's table reads them. */
  space: SpaceStanding;
}

export function meIn(snapshot: SpaceSnapshot, userId: string | null): Me {
  const member = userId ? (snapshot.stage.find((m) => m.user_id === userId) ?? null) : null;
  const role: Role = member ? member.role : userId ? 'listener' : 'guest';
  return {
    userId,
    role,
    member,
    moderator: role === 'host' || role === 'cohost',
    requested: userId !== null && snapshot.requests.some((r) => r.user_id === userId),
    invitation: (userId && snapshot.invitations.find((i) => i.user_id === userId)) || null,
    live: snapshot.space.state === 'live',
    space: snapshot.space,
  };
}

/**
 * Whether the policy's table (RULES in the protocol) lets me do `action` now:
 * a control is shown exactly when its command would pass the same row. The
 * server still checks a target's rank, removals and blocks.
 */
export function may(me: Me, action: SpaceAction): boolean {
  return allows(action, me.role, me.space);
}

/**
 * The switch that alone keeps me from `action` (the hosts turned it off), so
 * the screen can say so (`space:switches.<name>.off`) instead of hiding the control.
 */
export function turnedOff(me: Me, action: SpaceAction): SpaceSwitch | null {
  const needs = RULES[action].needs;
  if (needs === undefined || switchOn(me.space, needs)) return null;
  return allows(action, me.role, { ...me.space, [needs]: true }) ? needs : null;
}

/** English role names, for code outside the translated screens; screens use `space:roles.<role>`. */
export const ROLE_LABEL: Record<Role, string> = {
  host: 'Host',
  cohost: 'Co-host',
  speaker: 'Speaker',
  listener: 'Listener',
  guest: 'Guest',
};

/** Listed listeners not on the stage, and how many more people listen without being shown. */
export function audience(snapshot: SpaceSnapshot) {
  const onStage = new Set(snapshot.stage.map((m) => m.user_id));
  const listed = snapshot.listeners.data.filter((l) => !onStage.has(l.user_id));
  const { now_anonymous, now_listed } = snapshot.counts;
  const unseenListed = Math.max(0, now_listed - snapshot.listeners.data.length);
  return { listed, others: now_anonymous + unseenListed };
}
