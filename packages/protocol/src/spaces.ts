/**
 * The wire vocabulary of spaces, shared by the server and the web app: the
 * DTOs the HTTP API returns and the messages of the realtime WebSocket.
 *
 * Conventions: field names are snake_case (as in the HTTP API); times are
 * ISO-8601 UTC strings; ids are the server's opaque strings. This module holds
 * types and constants only, so it costs the web bundle nothing at runtime; the
 * schemas the types derive from are in schemas/spaces.ts (`@salon/protocol/schemas`).
 */

import type { CaptionsServerMessage, CaptionsSnapshotDto } from './captions.js';
import type { ErrorCode } from './errors.js';
import type { MediaServerMessage } from './media.js';
import type {
  CaptionsBody,
  CreateSpaceBody,
  EditSpaceBody,
  InvitationBody,
  InvitationDto,
  JoinWarningDto,
  ListenerCountsDto,
  ListenerDto,
  PinBody,
  PinnedPostDto,
  RecordingBody,
  RemovalBody,
  ScheduleBody,
  ShareDmBody,
  SharePostBody,
  SpaceAccess,
  SpaceAnswerDto,
  SpaceDto,
  SpaceTicketingDto,
  SpeakRequestDto,
  StageMemberDto,
  TicketingBody,
  UserIdBody,
  UserSummaryDto,
} from './schemas.js';
import type { PersonalMessage } from './social.js';
import { SWITCH_EVENT_TYPES, type SwitchEventPayload, type SwitchEventType } from './switches.js';

// ---------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------

export const SPACE_STATES = ['scheduled', 'live', 'ended', 'cancelled'] as const;
/** The lifecycle state of a space (the `state` field). */
export type SpaceStatus = (typeof SPACE_STATES)[number];

/**
 * Why a space ended or was cancelled: its host ended it, the platform's
 * moderators did, or the host left (their connection did not come back
 * within the grace period).
 */
export const ENDED_REASONS = ['host', 'moderation', 'host_left'] as const;
export type EndedReason = (typeof ENDED_REASONS)[number];

/** Roles on the stage. Everyone else in a space is a listener. */
export const STAGE_ROLES = ['host', 'cohost', 'speaker'] as const;
export type StageRole = (typeof STAGE_ROLES)[number];

export const INVITATION_ROLES = ['speaker', 'cohost'] as const;
export type InvitationRole = (typeof INVITATION_ROLES)[number];

/**
 * The fixed set of reactions. Two of them carry the emoji variation selector
 * (U+FE0F); servers should accept them with or without it and answer with
 * the spelling below.
 */
export const REACTION_EMOJI = ['💯', '✋', '✊', '✌️', '👋', '😂', '❤️', '👍'] as const;
export type ReactionEmoji = (typeof REACTION_EMOJI)[number];

/** Content limits, counted in Unicode code points, so the web form can check early. */
export const SPACE_CONTENT_LIMITS = {
  title_max: 70,
  description_max: 280,
  topics_max: 3,
  topic_max: 30,
} as const;

/** ISO-8601 UTC, e.g. "2026-01-01T18:00:00.000Z". */
export type IsoDateTime = string;

// ---------------------------------------------------------------------------
// DTOs
// ---------------------------------------------------------------------------

/**
 * The DTOs are TypeBox schemas (`@salon/protocol/schemas`, what the server
 * validates and documents with); their types, derived with `Static<>`, are
 * exported here, so the web app imports types only and no TypeBox.
 */
export type {
  CaptionsBody,
  CreateSpaceBody,
  EditSpaceBody,
  InvitationBody,
  InvitationDto,
  JoinWarningDto,
  ListenerCountsDto,
  ListenerDto,
  PinBody,
  PinnedPostDto,
  RecordingBody,
  RemovalBody,
  ScheduleBody,
  ShareDmBody,
  SharePostBody,
  SpaceAccess,
  SpaceAnswerDto,
  SpaceDto,
  SpaceTicketingDto,
  SpeakRequestDto,
  StageMemberDto,
  TicketingBody,
  UserIdBody,
  UserSummaryDto,
};

/** A person in a space, with or without an account. Guest ids are opaque. */
export interface ParticipantRefDto {
  kind: 'user' | 'guest';
  id: string;
}

/**
 * Everything a client needs to draw a space, at one `version`. Events with
 * `version` greater than this one apply on top of it.
 */
export interface SpaceSnapshot {
  space: SpaceDto;
  /**
   * The viewer's access (per viewer, not per version). With `needs_ticket`
   * the snapshot has no audio parts: nobody is shown speaking, and the
   * viewer is not counted or listed among the people here.
   */
  access?: SpaceAccess;
  version: number;
  /** Host first, then in the order people came on stage. */
  stage: StageMemberDto[];
  requests: SpeakRequestDto[];
  invitations: InvitationDto[];
  /** The first page of listed listeners; fetch more over HTTP with the cursor. */
  listeners: { data: ListenerDto[]; next_cursor: string | null };
  counts: ListenerCountsDto;
  pins: PinnedPostDto[];
  recording: boolean;
  /** Live captions of a captioned space, for those who may hear it (absent otherwise: off). */
  captions?: CaptionsSnapshotDto;
}

/** Counts per emoji over one aggregation window; emoji nobody sent are absent. */
export type ReactionCountsDto = Partial<Record<ReactionEmoji, number>>;

// ---------------------------------------------------------------------------
// Versioned space events
// ---------------------------------------------------------------------------

export const STAGE_LEAVE_REASONS = ['left', 'removed_from_stage', 'removed_from_space'] as const;
export type StageLeaveReason = (typeof STAGE_LEAVE_REASONS)[number];

export const REQUEST_REMOVED_REASONS = [
  'cancelled',
  'approved',
  'declined',
  'joined_stage',
  'removed_from_space',
] as const;
export type RequestRemovedReason = (typeof REQUEST_REMOVED_REASONS)[number];

export const INVITATION_REMOVED_REASONS = [
  'accepted',
  'declined',
  'replaced',
  'joined_stage',
  'removed_from_space',
] as const;
export type InvitationRemovedReason = (typeof INVITATION_REMOVED_REASONS)[number];

/** What happened to the stage; `stage_changed` also carries the whole new stage. */
export type StageChangeDto =
  | { kind: 'joined'; user_id: string; role: StageRole }
  | { kind: 'left'; user_id: string; reason: StageLeaveReason }
  | { kind: 'role_changed'; user_id: string; role: StageRole; previous_role: StageRole };

/** The events of a space: these, and one per switch (switches.ts). */
const CORE_EVENT_TYPES = [
  'space_updated',
  'state_changed',
  'stage_changed',
  'mute_changed',
  'request_added',
  'request_removed',
  'invitation_added',
  'invitation_removed',
  'pins_changed',
  'recording_changed',
  'participant_removed',
  'host_presence_changed',
  'host_changed',
  'captions_opt_changed',
] as const;
export type SpaceEventType = (typeof CORE_EVENT_TYPES)[number] | SwitchEventType;
export const SPACE_EVENT_TYPES: readonly SpaceEventType[] = [
  ...CORE_EVENT_TYPES,
  ...SWITCH_EVENT_TYPES,
];

/**
 * One change to a space. The stage (at most a few dozen people) and the pins
 * travel whole, so a client replaces them instead of patching.
 * A space that leaves `live` has no requests or invitations left: clients
 * drop theirs on `state_changed` without a removal event for each.
 */
export type SpaceEventPayload =
  | {
      type: 'space_updated';
      title: string;
      description: string;
      topics: string[];
      language: string;
      /** When a scheduled space is due to start (moved by its host), null once irrelevant. */
      scheduled_start: IsoDateTime | null;
    }
  | {
      type: 'state_changed';
      state: SpaceStatus;
      started_at: IsoDateTime | null;
      ended_at: IsoDateTime | null;
      ended_reason: EndedReason | null;
    }
  | { type: 'stage_changed'; stage: StageMemberDto[]; change: StageChangeDto }
  | { type: 'mute_changed'; user_ids: string[]; muted: boolean; by: string }
  | { type: 'request_added'; request: SpeakRequestDto }
  | { type: 'request_removed'; user_id: string; reason: RequestRemovedReason }
  | { type: 'invitation_added'; invitation: InvitationDto }
  | { type: 'invitation_removed'; user_id: string; reason: InvitationRemovedReason }
  | { type: 'pins_changed'; pins: PinnedPostDto[] }
  | { type: 'recording_changed'; recording: boolean }
  | { type: 'participant_removed'; participant: ParticipantRefDto; by: string }
  /** The host's connection went (`away_since` set) or came back (null). */
  | { type: 'host_presence_changed'; away_since: IsoDateTime | null }
  /** The host handed the space over; `stage_changed` follows with the new roles. */
  | { type: 'host_changed'; host_id: string; host: UserSummaryDto; previous_host_id: string }
  /** The host or a co-host turned a switch of the space (switches.ts) on or off. */
  | SwitchEventPayload
  /** A stage member turned their own captions off (or back on). */
  | { type: 'captions_opt_changed'; user_id: string; enabled: boolean; captions_off: string[] };

// ---------------------------------------------------------------------------
// Realtime messages
// ---------------------------------------------------------------------------

export const CLIENT_MESSAGE_TYPES = ['subscribe', 'unsubscribe', 'react', 'ping'] as const;
export type ClientMessageType = (typeof CLIENT_MESSAGE_TYPES)[number];

/**
 * Client → server, derived from the schemas the server checks messages with
 * (client-messages.ts, CLIENT_MESSAGE_FIELDS; types only, so this entry stays
 * free of TypeBox). `request_id`, when given, is echoed on the answer
 * (`snapshot`, `pong`, a media answer, `error`, or `ack` for a request that
 * has no other answer: `unsubscribe`, `react`, the `*_unpublish` and stop
 * messages) so a client can match them. Every message carrying a
 * `request_id` gets exactly one answer with it. `request_id` is a string of
 * 1 to 64 characters; a field of the wrong type is `invalid_message`.
 * `subscribe`'s `incognito` listens without being listed (signed-in users
 * only); `react`'s emoji is one of REACTION_EMOJI (with or without U+FE0F),
 * aggregated with everyone's per window.
 */
export type { ClientMessage, ClientMessageOf } from './client-messages.js';

export const SERVER_MESSAGE_TYPES = [
  'snapshot',
  'event',
  'listeners',
  'counts',
  'reactions',
  'removed_from_space',
  'pong',
  'ack',
  'error',
  'notification',
  'caption',
  'captions_state',
] as const;
export type ServerMessageType = (typeof SERVER_MESSAGE_TYPES)[number];

/**
 * Server → client.
 *
 * `event` is the only versioned message: versions of a space increase by
 * exactly one per change, and one message carries every payload of that
 * version. A client ignores versions it already has and, on a gap, subscribes
 * again to get a fresh snapshot.
 *
 * `listeners`, `counts` and `reactions` are aggregated per space over a short
 * window and are not versioned: they describe presence, not the space, and a
 * client that misses one is corrected by the next.
 */
export type ServerMessage =
  | { type: 'snapshot'; space_id: string; snapshot: SpaceSnapshot; request_id?: string }
  | { type: 'event'; space_id: string; version: number; events: SpaceEventPayload[] }
  /** Listed listeners who joined or left during the window. */
  | { type: 'listeners'; space_id: string; joined: ListenerDto[]; left: string[] }
  | { type: 'counts'; space_id: string; counts: ListenerCountsDto }
  | { type: 'reactions'; space_id: string; window_ms: number; counts: ReactionCountsDto }
  /** Sent only to the person removed; the server then stops sending them this space. */
  | {
      type: 'removed_from_space';
      space_id: string;
      /** Absent for a removal; `guests_not_allowed` when the host stopped letting guests listen. */
      code?: 'guests_not_allowed';
      message: string;
    }
  | { type: 'pong'; at: IsoDateTime; request_id?: string }
  /** Done: the answer to a request that has nothing else to say (only sent with a `request_id`). */
  | { type: 'ack'; request_id: string; space_id?: string }
  /** Personal: a new notification for the signed-in user of this connection. */
  | PersonalMessage
  | MediaServerMessage
  | CaptionsServerMessage
  | { type: 'error'; code: ErrorCode; message: string; space_id?: string; request_id?: string };
