/**
 * Shapes of the HTTP API that @salon/protocol does not (yet) declare: the
 * social substrate. They mirror the server's OpenAPI document.
 */
import type { PinnedPostDto, ReplayDto, SpaceDto, UserSummaryDto } from '@salon/protocol';

export interface UserDto extends UserSummaryDto {
  bio: string;
  role: 'user' | 'moderator' | 'admin';
  created_at: string;
}

export interface Relationship {
  following: boolean;
  followed_by: boolean;
  blocking: boolean;
  blocked_by: boolean;
}

export interface ProfileDto extends UserDto {
  followers_count: number;
  following_count: number;
  posts_count: number;
  can_host: boolean;
  /** Null when nobody is signed in, or for your own profile. */
  relationship: Relationship | null;
}

export interface PostDto {
  id: string;
  text: string;
  space_id: string | null;
  created_at: string;
  author: UserDto;
  /** A clip shared in the post (a clip card that plays inline). */
  clip?: ClipDto | null;
}

export interface MessageDto {
  id: string;
  sender_id: string;
  recipient_id: string;
  text: string;
  space_id: string | null;
  created_at: string;
  read_at: string | null;
}

export interface ConversationDto {
  peer: UserDto;
  last_message: MessageDto;
  unread_count: number;
}

/** Someone in a list of people (search, followers, following); null relationship: yourself or signed out. */
export interface PersonDto extends UserDto {
  relationship: Relationship | null;
}

/** A space in the Spaces tab or on a profile, with its reminders. */
export interface DiscoverItem {
  space: SpaceDto;
  listener_count: number;
  reminder_count: number;
  reminded: boolean;
}

export interface ReminderDto {
  reminded: boolean;
  reminder_count: number;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface GuestToken {
  guest_id: string;
  token: string;
  expires_at: string;
}

export { REPORT_REASONS, type ReportReason } from '@salon/protocol';

/** A clip of a space (docs: /work/notes/clips-api.md): cut from its archive, expiring. */
export interface ClipDto {
  id: string;
  space_id: string;
  space: { id: string; title: string; host: UserSummaryDto; state: SpaceDto['state'] };
  creator: UserSummaryDto;
  title: string;
  duration_ms: number;
  source: 'live' | 'replay';
  /** Where it starts in the replay (ms); null for a live clip when unknown. */
  start_ms: number | null;
  state: 'processing' | 'ready' | 'failed';
  audio_url: string | null;
  /** The clip's page (/clips/:id). */
  url: string;
  created_at: string;
  expires_at: string;
}

/** One stretch of someone speaking, in replay time (ms from the replay's start). */
export interface SpanDto {
  start_ms: number;
  end_ms: number;
}

export interface ReplayTimelineDto {
  duration_ms: number;
  speakers: { user: UserSummaryDto; spans: SpanDto[] }[];
}

/** GET /spaces/:id/replay with what the replay page shows beside the player. */
export interface ReplayDetailsDto extends ReplayDto {
  timeline?: ReplayTimelineDto;
  /** The pins as they were when the space ended. */
  pins?: PinnedPostDto[];
  peak_listeners?: number;
  total_listeners?: number;
}

/** A replay in a listing (the Spaces tab's Recorded section, a profile). */
export interface ReplayItemDto {
  space: SpaceDto;
  duration_ms: number | null;
  plays: number;
  peak_listeners: number;
  total_listeners: number;
  ended_at: string | null;
}

/** GET /embed/spaces/:id: what the embeddable player shows. */
export interface EmbedDto {
  space: SpaceDto;
  listener_count: number;
  replay: { duration_ms: number | null } | null;
}
