import { createHash } from 'node:crypto';
import type { PostsTable, UsersTable } from '../../db/schema.js';
import type { SpaceState } from '../../spaces/model.js';
import type { SpaceField, TopicField, TweetField, UserField } from './fields.js';

/**
 * Salon's data in the shapes of the Twitter API v2: ids as strings, dates as
 * RFC 3339, only the requested fields (plus the defaults), and absent rather
 * than null where a value does not apply.
 */

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Twitter topics have numeric ids from a curated list; Salon's are free text.
 * A topic's id is derived from its (normalised) name, so it is the same on every
 * node and in every response, without a table.
 */
export function topicId(name: string): string {
  const digest = createHash('sha256').update(`topic:${name}`).digest();
  return (digest.readBigUInt64BE(0) % 10n ** 18n).toString();
}

/** What a space needs besides its state to be presented. */
export interface SpaceFacts {
  updatedAt: number;
  participants: number;
  /** People who bought a ticket or set a reminder, each once. */
  subscribers: number;
  /** Whether the space sells tickets. */
  ticketed: boolean;
}

const STATES = { live: 'live', scheduled: 'scheduled', ended: 'ended', cancelled: 'canceled' };

/** Hosts as Twitter counts them: the creator and the co-hosts. */
export function hostIds(state: SpaceState): string[] {
  return state.stage.filter((m) => m.role === 'host' || m.role === 'cohost').map((m) => m.user_id);
}

export function speakerIds(state: SpaceState): string[] {
  return state.stage.filter((m) => m.role === 'speaker').map((m) => m.user_id);
}

export function invitedUserIds(state: SpaceState): string[] {
  return state.invitations.map((i) => i.user_id);
}

export function presentSpace(
  state: SpaceState,
  facts: SpaceFacts,
  fields: ReadonlySet<SpaceField>,
): Record<string, unknown> {
  const all: Record<SpaceField, unknown> = {
    id: state.id,
    state: STATES[state.state],
    created_at: iso(state.created_at),
    creator_id: state.host_id,
    ended_at: state.ended_at === null ? undefined : iso(state.ended_at),
    host_ids: hostIds(state),
    invited_user_ids: invitedUserIds(state),
    is_ticketed: facts.ticketed,
    lang: state.language,
    participant_count: facts.participants,
    scheduled_start: state.scheduled_start === null ? undefined : iso(state.scheduled_start),
    speaker_ids: speakerIds(state),
    started_at: state.started_at === null ? undefined : iso(state.started_at),
    subscriber_count: facts.subscribers,
    title: state.title,
    topic_ids: state.topics.map(topicId),
    updated_at: iso(facts.updatedAt),
  };
  const out: Record<string, unknown> = { id: all.id, state: all.state };
  for (const field of fields) if (all[field] !== undefined) out[field] = all[field];
  return out;
}

export interface UserFacts {
  followers: number;
  following: number;
  posts: number;
}

export function presentUser(
  user: UsersTable,
  facts: UserFacts | undefined,
  fields: ReadonlySet<UserField>,
  publicUrl: string,
): Record<string, unknown> {
  const all: Partial<Record<UserField, unknown>> = {
    id: user.id,
    name: user.display_name,
    username: user.handle,
    created_at: iso(user.created_at),
    description: user.bio,
    profile_image_url: user.avatar_key
      ? `${publicUrl}/media/avatars/${user.avatar_key}`
      : undefined,
    protected: false,
    verified: false,
    verified_type: 'none',
    public_metrics: facts
      ? {
          followers_count: facts.followers,
          following_count: facts.following,
          tweet_count: facts.posts,
          listed_count: 0,
          like_count: 0,
        }
      : undefined,
  };
  const out: Record<string, unknown> = {
    id: user.id,
    name: user.display_name,
    username: user.handle,
  };
  for (const field of fields) if (all[field] !== undefined) out[field] = all[field];
  return out;
}

export function presentTopic(
  name: string,
  fields: ReadonlySet<TopicField>,
): Record<string, unknown> {
  // `description` is requested but Salon's topics have none: absent, as Twitter does.
  void fields;
  return { id: topicId(name), name };
}

export function presentTweet(post: PostsTable, fields: ReadonlySet<TweetField>) {
  const all: Partial<Record<TweetField, unknown>> = {
    id: post.id,
    author_id: post.author_id,
    created_at: iso(post.created_at),
    conversation_id: post.id,
    edit_history_tweet_ids: [post.id],
    possibly_sensitive: false,
    reply_settings: 'everyone',
  };
  const out: Record<string, unknown> = {
    id: post.id,
    text: post.text,
    edit_history_tweet_ids: [post.id],
  };
  for (const field of fields) if (all[field] !== undefined) out[field] = all[field];
  return out;
}
