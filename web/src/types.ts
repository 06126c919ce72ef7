/**
 * Shapes of the HTTP API that @salon/protocol does not (yet) declare: the
 * social substrate. They mirror the server's OpenAPI document.
 */
import type { SpaceDto, UserSummaryDto } from '@salon/protocol';

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

export const REPORT_REASONS = [
  'spam',
  'abuse',
  'hate',
  'violence',
  'sexual',
  'misinformation',
  'impersonation',
  'other',
] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];
