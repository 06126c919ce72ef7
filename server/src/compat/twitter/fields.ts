import { type ParameterError, parameterError } from './errors.js';

/**
 * The request vocabulary of the Twitter API v2 Spaces endpoints: which fields
 * and expansions exist, and how query parameters are read. Pure: a request's
 * query in, parsed options or the list of what is wrong out.
 */

export const SPACE_FIELDS = [
  'created_at',
  'creator_id',
  'ended_at',
  'host_ids',
  'id',
  'invited_user_ids',
  'is_ticketed',
  'lang',
  'participant_count',
  'scheduled_start',
  'speaker_ids',
  'started_at',
  'state',
  'subscriber_count',
  'title',
  'topic_ids',
  'updated_at',
] as const;
export type SpaceField = (typeof SPACE_FIELDS)[number];

export const SPACE_EXPANSIONS = [
  'invited_user_ids',
  'speaker_ids',
  'creator_id',
  'host_ids',
  'topic_ids',
] as const;
export type SpaceExpansion = (typeof SPACE_EXPANSIONS)[number];

export const USER_FIELDS = [
  'affiliation',
  'connection_status',
  'created_at',
  'description',
  'entities',
  'id',
  'location',
  'most_recent_tweet_id',
  'name',
  'pinned_tweet_id',
  'profile_banner_url',
  'profile_image_url',
  'protected',
  'public_metrics',
  'receives_your_dm',
  'subscription_type',
  'url',
  'username',
  'verified',
  'verified_type',
  'withheld',
] as const;
export type UserField = (typeof USER_FIELDS)[number];

export const TOPIC_FIELDS = ['id', 'name', 'description'] as const;
export type TopicField = (typeof TOPIC_FIELDS)[number];

export const TWEET_FIELDS = [
  'article',
  'attachments',
  'author_id',
  'card_uri',
  'community_id',
  'context_annotations',
  'conversation_id',
  'created_at',
  'display_text_range',
  'edit_controls',
  'edit_history_tweet_ids',
  'entities',
  'geo',
  'id',
  'in_reply_to_user_id',
  'lang',
  'media_metadata',
  'non_public_metrics',
  'note_tweet',
  'organic_metrics',
  'possibly_sensitive',
  'promoted_metrics',
  'public_metrics',
  'referenced_tweets',
  'reply_settings',
  'scopes',
  'source',
  'withheld',
] as const;
export type TweetField = (typeof TWEET_FIELDS)[number];

export const TWEET_EXPANSIONS = ['author_id'] as const;

/** An id as Salon issues them; anything else in an id list is a malformed request. */
const ID_RE = /^[A-Za-z0-9]{1,64}$/;

export type Query = Record<string, string | string[] | undefined>;

/** Reads a request's query against what one endpoint accepts, collecting every problem. */
export class QueryReader {
  readonly errors: ParameterError[] = [];

  constructor(
    private readonly query: Query,
    allowed: readonly string[],
  ) {
    for (const name of Object.keys(query)) {
      if (!allowed.includes(name)) {
        this.errors.push(
          parameterError(
            name,
            this.values(name),
            `The query parameter [${name}] is not one of [${allowed.join(',')}]`,
          ),
        );
      }
    }
  }

  /** Repeated parameters are read as one comma-separated list, as the API documents them. */
  private values(name: string): string[] {
    const raw = this.query[name];
    if (raw === undefined) return [];
    return (Array.isArray(raw) ? raw : [raw]).flatMap((v) => String(v).split(','));
  }

  private raw(name: string): string | undefined {
    const raw = this.query[name];
    if (raw === undefined) return undefined;
    return Array.isArray(raw) ? raw.join(',') : String(raw);
  }

  list<T extends string>(name: string, vocabulary: readonly T[]): Set<T> {
    const values = this.values(name).filter((v) => v !== '');
    const unknown = values.filter((v) => !(vocabulary as readonly string[]).includes(v));
    if (unknown.length > 0) {
      this.errors.push(
        parameterError(
          name,
          [this.raw(name) ?? ''],
          `The \`${name}\` query parameter value [${unknown[0]}] is not one of [${vocabulary.join(',')}]`,
        ),
      );
    }
    return new Set(values.filter((v): v is T => !unknown.includes(v)));
  }

  ids(name: string, max: number): string[] {
    const raw = this.raw(name);
    if (raw === undefined || raw === '') {
      this.errors.push(
        parameterError(name, [], `The \`${name}\` query parameter can not be empty`),
      );
      return [];
    }
    const ids = this.values(name);
    const bad = ids.find((id) => !ID_RE.test(id));
    if (bad !== undefined) {
      this.errors.push(
        parameterError(
          name,
          [bad],
          `The \`${name}\` query parameter value [${bad}] does not match ${ID_RE.source}`,
        ),
      );
      return [];
    }
    const unique = [...new Set(ids)];
    if (unique.length > max) {
      this.errors.push(
        parameterError(
          name,
          [raw],
          `The number of values in the \`${name}\` query parameter list [${unique.length}] is not between 1 and ${max}`,
        ),
      );
      return [];
    }
    return unique;
  }

  text(name: string, { required, max }: { required: boolean; max: number }): string | undefined {
    const raw = this.raw(name);
    if (raw === undefined || raw.trim() === '') {
      if (required) {
        this.errors.push(
          parameterError(name, [], `The \`${name}\` query parameter can not be empty`),
        );
      }
      return undefined;
    }
    if ([...raw].length > max) {
      this.errors.push(
        parameterError(
          name,
          [raw.slice(0, 100)],
          `The \`${name}\` query parameter value is too long`,
        ),
      );
      return undefined;
    }
    return raw;
  }

  oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    if ((values as readonly string[]).includes(raw)) return raw as T;
    this.errors.push(
      parameterError(
        name,
        [raw],
        `The \`${name}\` query parameter value [${raw}] is not one of [${values.join(',')}]`,
      ),
    );
    return fallback;
  }

  /**
   * A pagination token for a list that never has a second page: no token was
   * ever given out, so any value is refused, as Twitter refuses one it did not issue.
   */
  unissuedToken(name: string): void {
    const raw = this.raw(name);
    if (raw === undefined) return;
    this.errors.push(
      parameterError(
        name,
        [raw.slice(0, 100)],
        `The \`${name}\` query parameter value [${raw.slice(0, 100)}] is not a valid token`,
      ),
    );
  }

  integer(name: string, min: number, max: number, fallback: number): number {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (/^\d+$/.test(raw) && value >= min && value <= max) return value;
    this.errors.push(
      parameterError(
        name,
        [raw],
        `The \`${name}\` query parameter value [${raw}] is not between ${min} and ${max}`,
      ),
    );
    return fallback;
  }
}

/** The field options every Spaces endpoint takes. */
export interface SpaceOptions {
  spaceFields: Set<SpaceField>;
  userFields: Set<UserField>;
  topicFields: Set<TopicField>;
  expansions: Set<SpaceExpansion>;
}

export const SPACE_FIELD_PARAMS = ['space.fields', 'user.fields', 'topic.fields', 'expansions'];

export function readSpaceOptions(reader: QueryReader): SpaceOptions {
  return {
    spaceFields: reader.list('space.fields', SPACE_FIELDS),
    userFields: reader.list('user.fields', USER_FIELDS),
    topicFields: reader.list('topic.fields', TOPIC_FIELDS),
    expansions: reader.list('expansions', SPACE_EXPANSIONS),
  };
}
