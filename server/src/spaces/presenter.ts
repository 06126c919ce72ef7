import type {
  InvitationDto,
  PinnedPostDto,
  SpaceDto,
  SpaceEventPayload,
  SpeakRequestDto,
  StageMemberDto,
  UserSummaryDto,
} from '@salon/protocol';
import { isSwitchEvent, switchChange, switchEvent, switchValues } from '@salon/protocol';
import type { PostsTable, UsersTable } from '../db/schema.js';
import type { TicketOffer } from '../tickets/holders.js';
import type {
  Invitation,
  Pin,
  SpaceEvent,
  SpaceState,
  SpeakRequest,
  StageMember,
} from './model.js';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** Users and posts a presentation needs, fetched once by the caller. */
export interface Lookup {
  users: Map<string, UsersTable>;
  posts: Map<string, PostsTable>;
  /** Ticket offers of the spaces presented (absent: none is ticketed). */
  offers?: Map<string, TicketOffer>;
}

export function summary(user: UsersTable | undefined, id: string): UserSummaryDto {
  if (!user) return { id, handle: 'deleted', display_name: 'Deleted account', avatar_url: null };
  return {
    id: user.id,
    handle: user.handle,
    display_name: user.display_name,
    avatar_url: user.avatar_key ? `/media/avatars/${user.avatar_key}` : null,
  };
}

/** The user and post ids a space's presentation refers to. */
export function referencedIds(state: SpaceState): { userIds: string[]; postIds: string[] } {
  const userIds = new Set<string>([state.host_id]);
  for (const m of state.stage) userIds.add(m.user_id);
  for (const r of state.requests) userIds.add(r.user_id);
  for (const i of state.invitations) userIds.add(i.user_id);
  return { userIds: [...userIds], postIds: state.pins.map((p) => p.post_id) };
}

export function presentSpace(state: SpaceState, lookup: Lookup, publicUrl: string): SpaceDto {
  return {
    id: state.id,
    host_id: state.host_id,
    host: summary(lookup.users.get(state.host_id), state.host_id),
    title: state.title,
    description: state.description,
    topics: [...state.topics],
    language: state.language,
    state: state.state,
    scheduled_start: isoOrNull(state.scheduled_start),
    started_at: isoOrNull(state.started_at),
    ended_at: isoOrNull(state.ended_at),
    ended_reason: state.ended_reason,
    recording: state.recording,
    ...switchValues(state),
    captions_off: [...(state.captions_off ?? [])],
    host_away_since: isoOrNull(state.host_away_since ?? null),
    created_at: iso(state.created_at),
    url: `${publicUrl}/spaces/${state.id}`,
    ticketing: presentTicketing(lookup.offers?.get(state.id)),
  };
}

export function presentTicketing(offer: TicketOffer | null | undefined): SpaceDto['ticketing'] {
  if (!offer) return null;
  return {
    price_minor: offer.priceMinor,
    currency: offer.currency,
    count: offer.count,
    sold: offer.sold,
    left: offer.left,
    sold_out: offer.soldOut,
  };
}

export function presentStage(stage: readonly StageMember[], lookup: Lookup): StageMemberDto[] {
  return stage.map((m) => ({
    user_id: m.user_id,
    user: summary(lookup.users.get(m.user_id), m.user_id),
    role: m.role,
    muted: m.muted,
    joined_at: iso(m.joined_at),
  }));
}

export function presentRequest(r: SpeakRequest, lookup: Lookup): SpeakRequestDto {
  return {
    user_id: r.user_id,
    user: summary(lookup.users.get(r.user_id), r.user_id),
    requested_at: iso(r.requested_at),
  };
}

export function presentInvitation(i: Invitation, lookup: Lookup): InvitationDto {
  return {
    user_id: i.user_id,
    user: summary(lookup.users.get(i.user_id), i.user_id),
    role: i.role,
    invited_by: i.invited_by,
    invited_at: iso(i.invited_at),
  };
}

export function presentPins(pins: readonly Pin[], lookup: Lookup): PinnedPostDto[] {
  return pins.map((p) => {
    const post = lookup.posts.get(p.post_id);
    return {
      post_id: p.post_id,
      pinned_by: p.pinned_by,
      pinned_at: iso(p.pinned_at),
      post: post
        ? {
            id: post.id,
            author: summary(lookup.users.get(post.author_id), post.author_id),
            text: post.text,
            created_at: iso(post.created_at),
          }
        : null,
    };
  });
}

/** A model event as it goes on the wire; null for events only the server consumes. */
export function presentEvent(event: SpaceEvent, lookup: Lookup): SpaceEventPayload | null {
  if (isSwitchEvent(event)) {
    const { name, on } = switchChange(event);
    return switchEvent(name, on);
  }
  switch (event.type) {
    case 'space_created':
      return null;
    case 'space_updated':
      return {
        type: event.type,
        title: event.title,
        description: event.description,
        topics: event.topics,
        language: event.language,
        scheduled_start:
          event.scheduled_start === null ? null : new Date(event.scheduled_start).toISOString(),
      };
    case 'state_changed':
      return {
        type: event.type,
        state: event.state,
        started_at: isoOrNull(event.started_at),
        ended_at: isoOrNull(event.ended_at),
        ended_reason: event.ended_reason,
      };
    case 'stage_changed':
      return { type: event.type, stage: presentStage(event.stage, lookup), change: event.change };
    case 'mute_changed':
      return { type: event.type, user_ids: event.user_ids, muted: event.muted, by: event.by };
    case 'request_added':
      return { type: event.type, request: presentRequest(event.request, lookup) };
    case 'request_removed':
      return { type: event.type, user_id: event.user_id, reason: event.reason };
    case 'invitation_added':
      return { type: event.type, invitation: presentInvitation(event.invitation, lookup) };
    case 'invitation_removed':
      return { type: event.type, user_id: event.user_id, reason: event.reason };
    case 'pins_changed':
      return { type: event.type, pins: presentPins(event.pins, lookup) };
    case 'recording_changed':
      return { type: event.type, recording: event.recording };
    case 'participant_removed':
      return { type: event.type, participant: event.participant, by: event.by };
    case 'host_presence_changed':
      return { type: event.type, away_since: isoOrNull(event.away_since) };
    case 'host_changed':
      return {
        type: event.type,
        host_id: event.host_id,
        host: summary(lookup.users.get(event.host_id), event.host_id),
        previous_host_id: event.previous_host_id,
      };
    case 'captions_opt_changed':
      return {
        type: event.type,
        user_id: event.user_id,
        enabled: event.enabled,
        captions_off: [...event.captions_off],
      };
  }
}
