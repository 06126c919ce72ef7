import {
  type EndedReason,
  type InvitationRemovedReason,
  type InvitationRole,
  type RequestRemovedReason,
  SPACE_CONTENT_LIMITS,
  type SpaceStatus,
  type StageChangeDto,
  type StageLeaveReason,
  type StageRole,
} from '@salon/protocol';
import { AppError } from '../errors.js';
import { type Actor, authorize, type Participant, participantOf, roleOf } from './policy.js';

/**
 * A space as plain data, and its commands as pure functions:
 * `(state, actor, input, ctx) => { state, events }`, or a thrown AppError.
 * No I/O and no clock: the caller passes `now` and the limits, runs the
 * command inside its transaction, stores `state` only if `version` has not
 * moved meanwhile (so two approvals racing for the last seat cannot both
 * win), and publishes `events` after the commit.
 *
 * Fields are snake_case, like the database rows and the wire DTOs, so that
 * presenters only turn epoch milliseconds into ISO strings and add user
 * summaries. Event names are the wire's (`SpaceEventType`), plus
 * `space_created`, which only the server consumes.
 *
 * Authority (who may act, when, and on whom) is decided by policy.ts; this
 * file checks the data (is there such a request, is the stage full).
 */

export interface StageMember {
  user_id: string;
  role: StageRole;
  /** Every arrival on stage and every promotion starts muted. */
  muted: boolean;
  joined_at: number;
}

export interface SpeakRequest {
  user_id: string;
  requested_at: number;
}

export interface Invitation {
  user_id: string;
  role: InvitationRole;
  invited_by: string;
  invited_at: number;
}

export interface Pin {
  post_id: string;
  pinned_by: string;
  pinned_at: number;
}

export interface SpaceState {
  id: string;
  host_id: string;
  title: string;
  description: string;
  topics: readonly string[];
  language: string;
  state: SpaceStatus;
  created_at: number;
  scheduled_start: number | null;
  started_at: number | null;
  ended_at: number | null;
  ended_reason: EndedReason | null;
  recording: boolean;
  /**
   * Whether people without an account may listen (X's "Allow incognito").
   * Absent in spaces stored before the setting existed: read it with `allowsGuests`.
   */
  allow_guests?: boolean;
  /**
   * When the host's last connection went, while the space waits for them to
   * come back (HOST_GRACE_SECONDS); null or absent while the host is here.
   */
  host_away_since?: number | null;
  /** 1 after creation, +1 per successful command. */
  version: number;
  /** Host first, then in order of arrival. */
  stage: readonly StageMember[];
  requests: readonly SpeakRequest[];
  invitations: readonly Invitation[];
  removed_user_ids: readonly string[];
  removed_guest_ids: readonly string[];
  pins: readonly Pin[];
}

export interface SpaceLimits {
  /** Stage seats, host, co-hosts and speakers together. */
  maxStage: number;
  maxCohosts: number;
  maxPins: number;
  /** Pending requests to speak; a snapshot carries them all, so they are bounded. */
  maxRequests: number;
  maxScheduleAheadMs: number;
}

export const DEFAULT_SPACE_LIMITS: SpaceLimits = {
  maxStage: 11,
  maxCohosts: 2,
  maxPins: 3,
  maxRequests: 100,
  maxScheduleAheadMs: 14 * 24 * 3600 * 1000,
};

export interface CommandContext {
  now: number;
  limits: SpaceLimits;
}

export type StageChange = StageChangeDto;

type SpaceEventBody =
  | { type: 'space_created'; space: SpaceState }
  | {
      type: 'space_updated';
      title: string;
      description: string;
      topics: string[];
      language: string;
      scheduled_start: number | null;
    }
  | {
      type: 'state_changed';
      state: SpaceStatus;
      started_at: number | null;
      ended_at: number | null;
      ended_reason: EndedReason | null;
    }
  | { type: 'stage_changed'; stage: readonly StageMember[]; change: StageChange }
  | { type: 'mute_changed'; user_ids: string[]; muted: boolean; by: string }
  | { type: 'request_added'; request: SpeakRequest }
  | { type: 'request_removed'; user_id: string; reason: RequestRemovedReason }
  | { type: 'invitation_added'; invitation: Invitation }
  | { type: 'invitation_removed'; user_id: string; reason: InvitationRemovedReason }
  | { type: 'pins_changed'; pins: readonly Pin[] }
  | { type: 'recording_changed'; recording: boolean }
  | { type: 'participant_removed'; participant: Participant; by: string }
  | { type: 'host_presence_changed'; away_since: number | null }
  | { type: 'host_changed'; host_id: string; previous_host_id: string }
  | { type: 'settings_changed'; allow_guests: boolean };

/** Every event of one command carries the version that command produced. */
export type SpaceEvent = SpaceEventBody & { version: number };

export interface Outcome {
  state: SpaceState;
  events: SpaceEvent[];
}

export type Command<Input> = (
  state: SpaceState,
  actor: Actor,
  input: Input,
  ctx: CommandContext,
) => Outcome;

export type NoInput = Record<string, never>;

// --- Content rules ------------------------------------------------------------

const codePoints = (value: string): number => [...value].length;

/** Trimmed, whitespace runs (newlines too) folded to one space, 1–70 characters. */
export function normalizeTitle(raw: string): string {
  const title = raw.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (title === '') throw AppError.invalid('title_required', 'Give the space a title.');
  if (codePoints(title) > SPACE_CONTENT_LIMITS.title_max) {
    throw AppError.invalid(
      'title_too_long',
      `The title can have at most ${SPACE_CONTENT_LIMITS.title_max} characters.`,
    );
  }
  return title;
}

export function normalizeDescription(raw: string): string {
  const description = raw.normalize('NFC').trim();
  if (codePoints(description) > SPACE_CONTENT_LIMITS.description_max) {
    throw AppError.invalid(
      'description_too_long',
      `The description can have at most ${SPACE_CONTENT_LIMITS.description_max} characters.`,
    );
  }
  return description;
}

const TOPIC_RE = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} ._&'+#-]*$/u;

/** Lowercase, trimmed, duplicates merged; at most 3 of 1–30 characters each. */
export function normalizeTopics(raw: readonly string[]): string[] {
  const topics: string[] = [];
  for (const item of raw) {
    const topic = item.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();
    if (
      topic === '' ||
      codePoints(topic) > SPACE_CONTENT_LIMITS.topic_max ||
      !TOPIC_RE.test(topic)
    ) {
      throw AppError.invalid(
        'invalid_topic',
        `Each topic is 1 to ${SPACE_CONTENT_LIMITS.topic_max} letters, digits or spaces.`,
        { topic: item },
      );
    }
    if (!topics.includes(topic)) topics.push(topic);
  }
  if (topics.length > SPACE_CONTENT_LIMITS.topics_max) {
    throw AppError.invalid(
      'too_many_topics',
      `A space can have at most ${SPACE_CONTENT_LIMITS.topics_max} topics.`,
    );
  }
  return topics;
}

// language[-Script][-REGION]: the subset of BCP 47 people pick from a list.
const LANGUAGE_RE = /^([a-z]{2,3})(?:-([a-z]{4}))?(?:-([a-z]{2}|\d{3}))?$/i;

/** Canonical case: "PT-br" → "pt-BR", "zh-hant-tw" → "zh-Hant-TW". */
export function normalizeLanguage(raw: string): string {
  const match = LANGUAGE_RE.exec(raw.trim().replace(/_/g, '-'));
  if (!match) {
    throw AppError.invalid(
      'invalid_language',
      'The language must be a language tag such as "en", "pt-BR" or "zh-Hant".',
    );
  }
  const [, language, script, region] = match;
  let tag = language!.toLowerCase();
  if (script) tag += `-${script[0]!.toUpperCase()}${script.slice(1).toLowerCase()}`;
  if (region) tag += `-${region.toUpperCase()}`;
  return tag;
}

// --- Lifecycle ----------------------------------------------------------------

export interface CreateSpaceInput {
  id: string;
  title: string;
  description?: string;
  topics?: readonly string[];
  language: string;
  /** Epoch ms, up to `maxScheduleAheadMs` ahead; null or absent starts the space now. */
  scheduled_start?: number | null;
  recording?: boolean;
}

/**
 * Whether this user may host at all (followers, a grant) is `mayHost` in
 * policy.ts; the caller checks it first, because follower counts are not
 * part of a space.
 */
export function createSpace(actor: Actor, input: CreateSpaceInput, ctx: CommandContext): Outcome {
  if (actor.kind === 'anonymous') throw AppError.unauthenticated();
  if (actor.kind === 'guest') {
    throw AppError.forbidden('guest_not_allowed', 'Guests can listen only. Sign up to host.');
  }
  const { now, limits } = ctx;
  const start = input.scheduled_start ?? null;
  if (start !== null && (!Number.isFinite(start) || start <= now)) {
    throw AppError.invalid('schedule_in_past', 'Schedule the space for a time in the future.');
  }
  if (start !== null && start > now + limits.maxScheduleAheadMs) {
    const days = Math.floor(limits.maxScheduleAheadMs / DAY_MS);
    throw AppError.invalid(
      'schedule_too_far',
      `Spaces can be scheduled ${days} days ahead at most.`,
    );
  }
  const state: SpaceState = {
    id: input.id,
    host_id: actor.userId,
    title: normalizeTitle(input.title),
    description: normalizeDescription(input.description ?? ''),
    topics: normalizeTopics(input.topics ?? []),
    language: normalizeLanguage(input.language),
    state: start === null ? 'live' : 'scheduled',
    created_at: now,
    scheduled_start: start,
    started_at: start === null ? now : null,
    ended_at: null,
    ended_reason: null,
    recording: input.recording ?? false,
    allow_guests: true,
    host_away_since: null,
    version: 1,
    stage: [{ user_id: actor.userId, role: 'host', muted: true, joined_at: now }],
    requests: [],
    invitations: [],
    removed_user_ids: [],
    removed_guest_ids: [],
    pins: [],
  };
  return { state, events: [{ type: 'space_created', space: state, version: 1 }] };
}

export interface EditSpaceInput {
  title?: string;
  description?: string;
  topics?: readonly string[];
  language?: string;
}

export const editSpace: Command<EditSpaceInput> = (state, actor, input) => {
  authorize(actor, 'edit', state);
  const next = {
    title: input.title === undefined ? state.title : normalizeTitle(input.title),
    description:
      input.description === undefined ? state.description : normalizeDescription(input.description),
    topics: input.topics === undefined ? [...state.topics] : normalizeTopics(input.topics),
    language: input.language === undefined ? state.language : normalizeLanguage(input.language),
  };
  return change(state, (c) => {
    Object.assign(c.state, next);
    c.emit({ type: 'space_updated', ...next, scheduled_start: state.scheduled_start });
  });
};

export const startSpace: Command<NoInput> = (state, actor, _input, { now }) => {
  authorize(actor, 'start', state);
  return change(state, (c) => {
    // The host arrives on stage when the space opens, still muted.
    c.state.stage = c.state.stage.map((m) => (m.role === 'host' ? { ...m, joined_at: now } : m));
    c.setState({ state: 'live', started_at: now });
  });
};

/** The host ends a space; an admin who is not its host ends it for moderation. */
export const endSpace: Command<NoInput> = (state, actor, _input, { now }) => {
  authorize(actor, 'end', state);
  return close(state, actor, 'ended', now);
};

/** Like ending, for a space that never started. */
export const cancelSpace: Command<NoInput> = (state, actor, _input, { now }) => {
  authorize(actor, 'cancel', state);
  return close(state, actor, 'cancelled', now);
};

function close(state: SpaceState, actor: Actor, to: 'ended' | 'cancelled', now: number): Outcome {
  const byHost = actor.kind === 'user' && actor.userId === state.host_id;
  return closeFor(state, to, byHost ? 'host' : 'moderation', now);
}

function closeFor(
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

// --- The host's presence ----------------------------------------------------------

/** Nothing to do: no new version, no events (the service then writes nothing). */
const unchanged = (state: SpaceState): Outcome => ({ state, events: [] });

export const allowsGuests = (state: SpaceState): boolean => state.allow_guests !== false;

/**
 * The host's last connection went. Recorded in the space (not in one node's
 * memory), so every node shows the banner and any node can end the space
 * once the grace is over. Internal: run by the server, never by a route.
 * Saying it twice changes nothing.
 */
export const hostAway: Command<NoInput> = (state, _actor, _input, { now }) => {
  if (state.state !== 'live' || (state.host_away_since ?? null) !== null) return unchanged(state);
  return change(state, (c) => {
    c.state.host_away_since = now;
    c.emit({ type: 'host_presence_changed', away_since: now });
  });
};

/** The host is connected again (on any node): the space no longer waits. Internal. */
export const hostBack: Command<NoInput> = (state) => {
  if (state.state !== 'live' || (state.host_away_since ?? null) === null) return unchanged(state);
  return change(state, (c) => {
    c.state.host_away_since = null;
    c.emit({ type: 'host_presence_changed', away_since: null });
  });
};

/**
 * Ends the space if its host has been away for the whole grace. Internal and
 * safe to run from any node, any number of times: a host who came back meanwhile
 * (committed first) makes it a no-op, and once ended it stays ended.
 */
export const endIfHostGone: Command<{ graceMs: number }> = (
  state,
  _actor,
  { graceMs },
  { now },
) => {
  const since = state.host_away_since ?? null;
  if (state.state !== 'live' || since === null || now - since < graceMs) return unchanged(state);
  return closeFor(state, 'ended', 'host_left', now);
};

/**
 * The host hands the space to a co-host, who becomes its host with every
 * power; the former host leaves the stage and stays as a listener. Under
 * the same race rules as the stage: the co-host must still be one in the
 * version this runs on.
 */
export const handOver: Command<UserInput> = (state, actor, { user_id }) => {
  authorize(actor, 'hand_over', state, asUser(user_id));
  if (roleOf(state, user_id) !== 'cohost') {
    throw AppError.conflict('not_cohost', 'Only a co-host can take over the space.');
  }
  const previous = state.host_id;
  return change(state, (c) => {
    c.state.host_id = user_id;
    c.state.host_away_since = null;
    c.emit({ type: 'host_changed', host_id: user_id, previous_host_id: previous });
    c.setRole(user_id, 'host');
    // Host first, as everywhere else.
    const next = c.state.stage.find((m) => m.user_id === user_id)!;
    c.state.stage = [next, ...c.state.stage.filter((m) => m.user_id !== user_id)];
    c.leave(previous, 'left');
  });
};

/** Turns listening without an account on or off; off sends the guests present away. */
export const setAllowGuests: Command<{ allow_guests: boolean }> = (state, actor, input) => {
  authorize(actor, 'set_guests', state);
  if (allowsGuests(state) === input.allow_guests) return unchanged(state);
  return change(state, (c) => {
    c.state.allow_guests = input.allow_guests;
    c.emit({ type: 'settings_changed', allow_guests: input.allow_guests });
  });
};

export const setRecording: Command<{ recording: boolean }> = (state, actor, { recording }) => {
  authorize(actor, 'set_recording', state);
  return change(state, (c) => {
    c.state.recording = recording;
    c.emit({ type: 'recording_changed', recording });
  });
};

// --- Requests to speak ----------------------------------------------------------

export const requestToSpeak: Command<NoInput> = (state, actor, _input, { now, limits }) => {
  authorize(actor, 'request_to_speak', state);
  const userId = userIdOf(actor);
  if (state.requests.some((r) => r.user_id === userId)) {
    throw AppError.conflict('already_requested', 'You have already asked to speak.');
  }
  if (state.requests.length >= limits.maxRequests) {
    throw AppError.conflict('requests_full', 'Too many people are waiting to speak. Try later.');
  }
  const request = { user_id: userId, requested_at: now };
  return change(state, (c) => {
    c.state.requests = [...state.requests, request];
    c.emit({ type: 'request_added', request });
  });
};

export const cancelRequest: Command<NoInput> = (state, actor) => {
  authorize(actor, 'cancel_request', state);
  const userId = userIdOf(actor);
  requireRequest(state, userId);
  return change(state, (c) => c.dropRequest(userId, 'cancelled'));
};

/** The approved listener comes on stage as a muted speaker, if a seat is free. */
export const approveRequest: Command<UserInput> = (state, actor, { user_id }, ctx) => {
  authorize(actor, 'approve_request', state, asUser(user_id));
  requireRequest(state, user_id);
  return change(state, (c) => {
    c.dropRequest(user_id, 'approved');
    c.dropInvitation(user_id, 'joined_stage');
    c.join(user_id, 'speaker', ctx);
  });
};

export const declineRequest: Command<UserInput> = (state, actor, { user_id }) => {
  authorize(actor, 'decline_request', state, asUser(user_id));
  requireRequest(state, user_id);
  return change(state, (c) => c.dropRequest(user_id, 'declined'));
};

// --- Invitations ----------------------------------------------------------------

export interface InviteInput {
  user_id: string;
  role: InvitationRole;
}

/**
 * Invites a user to speak or to co-host. The stage may be full now and free
 * later, so seats are checked on acceptance; a new invitation replaces the
 * previous one.
 */
export const invite: Command<InviteInput> = (state, actor, { user_id, role }, { now, limits }) => {
  authorize(actor, role === 'cohost' ? 'invite_cohost' : 'invite_speaker', state, asUser(user_id));
  if (state.removed_user_ids.includes(user_id)) {
    throw AppError.conflict('target_removed', 'That person was removed from this space.');
  }
  const current = roleOf(state, user_id);
  if (role === 'speaker' && current !== 'listener') throw alreadyOnStage();
  if (role === 'cohost' && current === 'cohost') throw alreadyCohost();
  if (role === 'cohost') requireCohostSeat(state, limits);
  const invitation = { user_id, role, invited_by: userIdOf(actor), invited_at: now };
  return change(state, (c) => {
    c.dropInvitation(user_id, 'replaced');
    c.state.invitations = [...c.state.invitations, invitation];
    c.emit({ type: 'invitation_added', invitation });
  });
};

export const acceptInvitation: Command<NoInput> = (state, actor, _input, ctx) => {
  authorize(actor, 'accept_invitation', state);
  const userId = userIdOf(actor);
  const { role } = requireInvitation(state, userId);
  return change(state, (c) => {
    c.dropInvitation(userId, 'accepted');
    c.dropRequest(userId, 'joined_stage');
    if (role === 'cohost' && roleOf(state, userId) === 'speaker') {
      c.promoteToCohost(userId, userId, ctx.limits);
    } else {
      c.join(userId, role, ctx);
    }
  });
};

export const declineInvitation: Command<NoInput> = (state, actor) => {
  authorize(actor, 'decline_invitation', state);
  const userId = userIdOf(actor);
  requireInvitation(state, userId);
  return change(state, (c) => c.dropInvitation(userId, 'declined'));
};

// --- The stage ------------------------------------------------------------------

export const leaveStage: Command<NoInput> = (state, actor) => {
  authorize(actor, 'leave_stage', state);
  return change(state, (c) => c.leave(userIdOf(actor), 'left'));
};

export const removeFromStage: Command<UserInput> = (state, actor, { user_id }) => {
  authorize(actor, 'remove_from_stage', state, asUser(user_id));
  return change(state, (c) => c.leave(user_id, 'removed_from_stage'));
};

/** Makes a speaker a co-host directly (listeners are invited instead). */
export const addCohost: Command<UserInput> = (state, actor, { user_id }, { limits }) => {
  authorize(actor, 'add_cohost', state, asUser(user_id));
  const current = roleOf(state, user_id);
  if (current === 'listener') {
    throw AppError.conflict(
      'target_not_on_stage',
      'Invite them to co-host; they are not on stage.',
    );
  }
  if (current === 'cohost') throw alreadyCohost();
  return change(state, (c) => {
    c.dropInvitation(user_id, 'replaced');
    c.promoteToCohost(user_id, userIdOf(actor), limits);
  });
};

/** A co-host becomes a speaker; their microphone stays as it was. */
export const demoteCohost: Command<UserInput> = (state, actor, { user_id }) => {
  authorize(actor, 'demote_cohost', state, asUser(user_id));
  if (roleOf(state, user_id) !== 'cohost') {
    throw AppError.conflict('not_cohost', 'That person is not a co-host.');
  }
  return change(state, (c) => c.setRole(user_id, 'speaker'));
};

export const mute: Command<UserInput> = (state, actor, { user_id }) => {
  authorize(actor, 'mute', state, asUser(user_id));
  return change(state, (c) => c.setMuted([user_id], true, userIdOf(actor), true));
};

/** Policy lets only the member themself through: nobody opens another's microphone. */
export const unmute: Command<UserInput> = (state, actor, { user_id }) => {
  authorize(actor, 'unmute', state, asUser(user_id));
  return change(state, (c) => c.setMuted([user_id], false, userIdOf(actor), true));
};

/**
 * Mutes every speaker. The host and the co-hosts keep the floor, as with X's
 * "mute all speakers": the people running the space must still be able to
 * talk over the noise they are stopping. The event lists every speaker.
 */
export const muteAll: Command<NoInput> = (state, actor) => {
  authorize(actor, 'mute_all', state);
  const speakers = state.stage.filter((m) => m.role === 'speaker').map((m) => m.user_id);
  return change(state, (c) => c.setMuted(speakers, true, userIdOf(actor), true));
};

/**
 * Bans a user or a guest from the space and drops everything of theirs: their
 * seat, request, invitation and the posts they pinned.
 */
export const removeFromSpace: Command<{ participant: Participant }> = (state, actor, input) => {
  const who = input.participant;
  authorize(actor, 'remove_from_space', state, who);
  return change(state, (c) => {
    const s = c.state;
    if (who.kind === 'guest') s.removed_guest_ids = union(s.removed_guest_ids, who.id);
    else s.removed_user_ids = union(s.removed_user_ids, who.id);
    c.emit({ type: 'participant_removed', participant: who, by: userIdOf(actor) });
    if (who.kind === 'guest') return;
    if (roleOf(state, who.id) !== 'listener') c.leave(who.id, 'removed_from_space');
    c.dropRequest(who.id, 'removed_from_space');
    c.dropInvitation(who.id, 'removed_from_space');
    if (s.pins.some((p) => p.pinned_by === who.id)) {
      s.pins = s.pins.filter((p) => p.pinned_by !== who.id);
      c.emit({ type: 'pins_changed', pins: s.pins });
    }
  });
};

// --- Pins -----------------------------------------------------------------------

/** Whether the post exists is the caller's check; the model only holds its id. */
export const pin: Command<{ post_id: string }> = (state, actor, { post_id }, { now, limits }) => {
  authorize(actor, 'pin', state);
  if (post_id === '' || post_id.length > 64) {
    throw AppError.invalid('invalid_post_id', 'That is not a post id.');
  }
  if (state.pins.some((p) => p.post_id === post_id)) {
    throw AppError.conflict('already_pinned', 'That post is already pinned.');
  }
  if (state.pins.length >= limits.maxPins) {
    const message = `At most ${limits.maxPins} posts can be pinned. Unpin one first.`;
    throw AppError.conflict('pin_limit_reached', message);
  }
  const pins = [...state.pins, { post_id, pinned_by: userIdOf(actor), pinned_at: now }];
  return change(state, (c) => {
    c.state.pins = pins;
    c.emit({ type: 'pins_changed', pins });
  });
};

/** Any stage member may unpin any pin: pins belong to the stage, not to one speaker. */
export const unpin: Command<{ post_id: string }> = (state, actor, { post_id }) => {
  authorize(actor, 'unpin', state);
  if (!state.pins.some((p) => p.post_id === post_id)) throw AppError.notFound('pin');
  const pins = state.pins.filter((p) => p.post_id !== post_id);
  return change(state, (c) => {
    c.state.pins = pins;
    c.emit({ type: 'pins_changed', pins });
  });
};

// --- Helpers --------------------------------------------------------------------

const DAY_MS = 24 * 3600 * 1000;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Runs the effects of one command on a copy and stamps them with one new version. */
function change(before: SpaceState, effects: (changes: Changes) => void): Outcome {
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
class Changes {
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

type UserInput = { user_id: string };

function requireRequest(state: SpaceState, userId: string): SpeakRequest {
  const request = state.requests.find((r) => r.user_id === userId);
  if (!request) throw AppError.notFound('request');
  return request;
}

function requireInvitation(state: SpaceState, userId: string): Invitation {
  const invitation = state.invitations.find((i) => i.user_id === userId);
  if (!invitation) throw AppError.notFound('invitation');
  return invitation;
}

function requireCohostSeat(state: SpaceState, limits: SpaceLimits): void {
  if (state.stage.filter((m) => m.role === 'cohost').length >= limits.maxCohosts) {
    const message = `A space can have at most ${limits.maxCohosts} co-hosts.`;
    throw AppError.conflict('cohost_limit_reached', message);
  }
}

const alreadyOnStage = () =>
  AppError.conflict('already_on_stage', 'That person is already on the stage.');
const alreadyCohost = () =>
  AppError.conflict('already_cohost', 'That person is already a co-host.');

const union = (ids: readonly string[], id: string): string[] =>
  ids.includes(id) ? [...ids] : [...ids, id];

const asUser = (id: string): Participant => ({ kind: 'user', id });

/** Policy has already refused anyone who is not a signed-in user for these commands. */
function userIdOf(actor: Actor): string {
  const who = participantOf(actor);
  if (who?.kind !== 'user') throw AppError.forbidden('guest_not_allowed', 'Sign in to do this.');
  return who.id;
}
