/**
 * Shapes of the HTTP API that @salon/protocol does not (yet) declare: the
 * social substrate. They mirror the server's OpenAPI document.
 */
import type { UserSummaryDto } from '@salon/protocol';

export interface UserDto extends UserSummaryDto {
  bio: string;
  role: 'user' | 'admin';
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
