import {
  type EndedReason,
  type InvitationRemovedReason,
  type InvitationRole,
  type RequestRemovedReason,
  SPACE_CONTENT_LIMITS,
  type SpaceStatus,
  type StageChangeDto,
  type StageRole,
  type SwitchEventPayload,
  type SwitchFields,
  switchValues,
} from '@salon/protocol';
import { AppError } from '../errors.js';
import { change, closeFor } from './model.changes.js';
import { type Actor, authorize, type Participant } from './policy.js';

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

/**
 * The switches (`allow_guests`, `clipping`, `captions`, `speaker_requests`:
 * the protocol's SPACE_SWITCHES) are fields of the state; each may be absent
 * in a state made before it existed, which reads as its `initial` (`switchOn`).
 */
export interface SpaceState extends SwitchFields {
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
   * Stage members who turned their own captions off: kept in the state so
   * every node drops their lines, whichever node transcribes them.
   */
  captions_off?: readonly string[];
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

// Alike the protocol's SpaceEventPayload, but stored: times are epoch ms here, ISO strings on the wire (presenter.ts).
export type SpaceEventBody =
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
  | SwitchEventPayload
  | { type: 'captions_opt_changed'; user_id: string; enabled: boolean; captions_off: string[] };

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
  /** Live captions from the start (issue 14); off unless asked. */
  captions?: boolean;
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
    ...switchValues({ captions: input.captions ?? false }),
    captions_off: [],
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

export const setRecording: Command<{ recording: boolean }> = (state, actor, { recording }) => {
  authorize(actor, 'set_recording', state);
  return change(state, (c) => {
    c.state.recording = recording;
    c.emit({ type: 'recording_changed', recording });
  });
};

// --- The other commands, in their own files ---------------------------------------

export {
  allowsGuests,
  captionsOn,
  endIfHostGone,
  handOver,
  hostAway,
  hostBack,
  SWITCH_COMMANDS,
  setAllowGuests,
  setCaptions,
  setClipping,
  setOwnCaptions,
  setSwitch,
} from './model.lifecycle.js';
export {
  acceptInvitation,
  addCohost,
  approveRequest,
  cancelRequest,
  declineInvitation,
  declineRequest,
  demoteCohost,
  type InviteInput,
  invite,
  leaveStage,
  mute,
  muteAll,
  pin,
  removeFromSpace,
  removeFromStage,
  requestToSpeak,
  unmute,
  unpin,
} from './model.moderation.js';

const DAY_MS = 24 * 3600 * 1000;
