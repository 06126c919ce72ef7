import { sql } from 'kysely';
import { decodeIdCursor, decodeTimeIdCursor, encodeCursor } from '../db/cursor.js';
import type { Storage } from '../db/database.js';
import { AppError } from '../errors.js';
import { escapeLike } from '../scheduler/jobs.js';
import type { SocialService } from '../social/service.js';
import { normalizeTopics, type SpaceState, type StageMember } from '../spaces/model.js';
import { parseSpaceRow } from '../spaces/repository.js';
import type { StageIndex } from './stage-index.js';

/** A live space on someone's home timeline: the bubble, and who in it they follow. */
export interface Bubble {
  state: SpaceState;
  /** Stage members the viewer follows, in stage order (host first). */
  followed: StageMember[];
  listeners: number;
}

export interface DiscoverQuery {
  /** `recorded`: ended spaces whose replay is ready, newest first. */
  state: 'live' | 'scheduled' | 'recorded';
  /** Only this host's spaces (a profile's upcoming spaces and replays). */
  hostId?: string | undefined;
  topic?: string | undefined;
  q?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** How many listen to a space now (on this node, which is what it knows cheaply). */
export type ListenerCount = (spaceId: string) => number;

/**
 * Finding spaces: the home timeline's bubbles (live spaces where people you
 * follow host or speak) and the Spaces tab (live and upcoming, by topic, with
 * search). Neither ever shows a space the viewer may not join: its host blocked
 * them, or they were removed from it.
 */
export class Discovery {
  constructor(
    private readonly storage: Storage,
    private readonly social: SocialService,
    private readonly index: StageIndex,
    private readonly listenersOf: ListenerCount,
  ) {}

  private get db() {
    return this.storage.db;
  }

  /**
   * Ranked: more people you follow on stage first, then more listeners, then the
   * most recently started.
   */
  async home(viewerId: string, limit: number): Promise<Bubble[]> {
    const candidates = await this.index.candidates(viewerId);
    if (candidates.length === 0) return [];
    const rows = await this.db
      .selectFrom('spaces')
      .select('data')
      .where('id', 'in', candidates)
      .where('state', '=', 'live')
      .execute();
    const states = await this.joinable(viewerId, rows.map(parseSpaceRow));
    const onStage = [...new Set(states.flatMap((s) => s.stage.map((m) => m.user_id)))];
    const followed = onStage.length
      ? new Set(
          (
            await this.db
              .selectFrom('follows')
              .select('followee_id')
              .where('follower_id', '=', viewerId)
              .where('followee_id', 'in', onStage)
              .execute()
          ).map((r) => r.followee_id),
        )
      : new Set<string>();
    const bubbles = states
      .map((state) => ({
        state,
        followed: state.stage.filter((m) => followed.has(m.user_id)),
        listeners: this.listenersOf(state.id),
      }))
      // The index may lag behind a stage change; the space itself has the last word.
      .filter((b) => b.followed.length > 0);
    bubbles.sort(
      (a, b) =>
        b.followed.length - a.followed.length ||
        b.listeners - a.listeners ||
        (b.state.started_at ?? 0) - (a.state.started_at ?? 0) ||
        (a.state.id < b.state.id ? 1 : -1),
    );
    return bubbles.slice(0, limit);
  }

  /**
   * The Spaces tab. Live and recorded spaces newest first; scheduled ones soonest first. `q` matches
   * the title, description, topics, and the host's handle or name, ignoring case.
   */
  async discover(
    viewerId: string | null,
    query: DiscoverQuery,
  ): Promise<{ states: SpaceState[]; nextCursor: string | null }> {
    let q = this.db
      .selectFrom('spaces')
      .innerJoin('users', 'users.id', 'spaces.host_id')
      .select(['spaces.id', 'spaces.data', 'spaces.scheduled_start'])
      .where('spaces.state', '=', query.state === 'recorded' ? 'ended' : query.state);
    if (query.state === 'recorded') {
      // Only replays people can play: finalized and not deleted by the host.
      q = q.where(
        'spaces.id',
        'in',
        this.db
          .selectFrom('space_recordings')
          .select('space_id')
          .where('state', '=', 'finalized')
          .where('replay', '=', 'ready'),
      );
    }
    if (query.hostId !== undefined) q = q.where('spaces.host_id', '=', query.hostId);
    if (query.topic !== undefined) {
      const [topic] = normalizeTopics([query.topic]);
      // Topics are stored as a JSON array of normalised strings: match one whole element.
      q = q.where(
        sql<boolean>`${sql.ref('spaces.topics')} like ${`%${escapeLike(JSON.stringify(topic))}%`} escape '!'`,
      );
    }
    const text = query.q?.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();
    if (text) {
      const pattern = `%${escapeLike(text)}%`;
      const like = (column: string) =>
        sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '!'`;
      q = q.where((eb) =>
        eb.or([
          like('spaces.title'),
          like('spaces.description'),
          like('spaces.topics'),
          like('users.handle_lower'),
          like('users.display_name'),
        ]),
      );
    }
    if (viewerId) {
      q = q.where(
        'spaces.host_id',
        'not in',
        this.db.selectFrom('blocks').select('blocker_id').where('blocked_id', '=', viewerId),
      );
    }
    const newestFirst = query.state !== 'scheduled';
    if (newestFirst) {
      const after = decodeIdCursor(query.cursor);
      if (after) q = q.where('spaces.id', '<', after);
      q = q.orderBy('spaces.id', 'desc');
    } else {
      const after = decodeTimeIdCursor(query.cursor);
      if (after) {
        const [at, id] = after;
        q = q.where((eb) =>
          eb.or([
            eb('spaces.scheduled_start', '>', at),
            eb.and([eb('spaces.scheduled_start', '=', at), eb('spaces.id', '>', id)]),
          ]),
        );
      }
      q = q.orderBy('spaces.scheduled_start', 'asc').orderBy('spaces.id', 'asc');
    }
    const rows = await q.limit(query.limit + 1).execute();
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > query.limit && last
        ? encodeCursor(newestFirst ? [last.id] : [Number(last.scheduled_start ?? 0), last.id])
        : null;
    const states = page.map(parseSpaceRow);
    // A page may come out shorter than `limit` when it held spaces the viewer was removed from.
    return { states: viewerId ? await this.joinable(viewerId, states) : states, nextCursor };
  }

  /** Spaces the viewer may join: not removed from, host has not blocked them nor they the host. */
  private async joinable(viewerId: string, states: SpaceState[]): Promise<SpaceState[]> {
    const hosts = [...new Set(states.map((s) => s.host_id))].filter((h) => h !== viewerId);
    const blocked = hosts.length
      ? await this.db
          .selectFrom('blocks')
          .select(['blocker_id', 'blocked_id'])
          .where((eb) =>
            eb.or([
              eb.and([eb('blocker_id', 'in', hosts), eb('blocked_id', '=', viewerId)]),
              eb.and([eb('blocker_id', '=', viewerId), eb('blocked_id', 'in', hosts)]),
            ]),
          )
          .execute()
      : [];
    const excluded = new Set(
      blocked.map((b) => (b.blocker_id === viewerId ? b.blocked_id : b.blocker_id)),
    );
    return states.filter((s) => !excluded.has(s.host_id) && !s.removed_user_ids.includes(viewerId));
  }

  /** For callers that need a space the viewer may see in discovery (invites, reminders). */
  async assertJoinable(viewerId: string, state: SpaceState): Promise<void> {
    if (state.removed_user_ids.includes(viewerId)) {
      throw AppError.forbidden('removed_from_space', 'You were removed from this space.');
    }
    if (state.host_id !== viewerId && (await this.social.hasBlocked(state.host_id, viewerId))) {
      throw AppError.forbidden('blocked_by_host', 'The host of this space has blocked you.');
    }
  }
}
