import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { PinnedPostDto, SpaceDto, UserSummaryDto } from '@salon/protocol';
import type { Viewer } from '../accounts/viewer.js';
import { decodeTimeIdCursor, encodeCursor, type Page } from '../db/cursor.js';
import type { Storage } from '../db/database.js';
import type { UsersTable } from '../db/schema.js';
import { AppError } from '../errors.js';
import { parsePlaylist, type Span } from '../hls/playlist.js';
import type { Recordings } from '../hls/recordings.js';
import type { SocialService } from '../social/service.js';
import type { Pin, SpaceState } from '../spaces/model.js';
import { presentPins, presentSpace, summary } from '../spaces/presenter.js';
import { parseSpaceRow } from '../spaces/repository.js';
import type { SpaceService } from '../spaces/service.js';
import { PLAYLIST, scopeDir } from '../streams/layout.js';
import { offersOf } from '../tickets/holders.js';
import { assertMayHearReplay } from './access.js';
import type { RenderedAudio, ReplayAudio } from './render.js';
import type { SpeakerSpans } from './speakers.js';
import type { ListenerStats } from './stats.js';
import { replayPieces, speakerTimeline } from './timeline.js';

export interface ReplayTimeline {
  duration_ms: number;
  speakers: Array<{ user: UserSummaryDto; spans: Array<{ start_ms: number; end_ms: number }> }>;
}

export interface ReplayExtras {
  timeline: ReplayTimeline;
  pins: PinnedPostDto[];
  peak_listeners: number;
  total_listeners: number;
}

export interface ReplayListItem {
  space: SpaceDto;
  duration_ms: number;
  plays: number;
  peak_listeners: number;
  total_listeners: number;
  ended_at: string;
}

/** A replay as a page may show it to anyone (unfurls, the podcast feed). */
export interface PublicReplay {
  state: SpaceState;
  host: UsersTable | undefined;
  durationMs: number;
  endedAt: number;
}

/**
 * Replays worth opening: what the replay page shows beside the audio (the
 * speaker timeline in replay time, pins as they were, the audience, plays),
 * where replays are listed, the one-file render, and what the embed, the
 * unfurls and the podcast feed read.
 */
export class ReplaysService {
  constructor(
    private readonly o: {
      storage: Storage;
      publicUrl: () => string;
      dataDir: string;
      spaces: SpaceService;
      social: SocialService;
      recordings: Recordings;
      speakers: SpeakerSpans;
      stats: ListenerStats;
      audio: ReplayAudio;
      /** People here now (cluster-wide where the gateway knows it). */
      listenersNow: (spaceId: string) => Promise<number>;
    },
  ) {}

  private get db() {
    return this.o.storage.db;
  }

  get speakers(): SpeakerSpans {
    return this.o.speakers;
  }

  get stats(): ListenerStats {
    return this.o.stats;
  }

  /** What `GET /spaces/:id/replay` adds to the audio; the caller checked the viewer. */
  async extras(spaceId: string, durationMs: number | null): Promise<ReplayExtras> {
    const state = await this.o.spaces.get(spaceId);
    const stats = await this.o.stats.read(spaceId);
    return {
      timeline: await this.timeline(state, durationMs),
      pins: await this.presentPins(stats.pins ?? state.pins),
      peak_listeners: stats.peakListeners,
      total_listeners: stats.totalListeners,
    };
  }

  /** Who spoke when, in replay time (empty until the replay is made). */
  async timeline(state: SpaceState, durationMs: number | null): Promise<ReplayTimeline> {
    const duration = durationMs ?? 0;
    const text = await readFile(
      path.join(scopeDir(this.o.dataDir, state.id, 'replay'), PLAYLIST),
      'utf8',
    ).catch(() => null);
    if (text === null || durationMs === null) return { duration_ms: duration, speakers: [] };
    const endedAt = state.ended_at ?? Number.MAX_SAFE_INTEGER;
    const pieces = replayPieces(
      parsePlaylist(text).segments,
      await this.recordedSpans(state.id),
      endedAt,
    );
    const byUser = await this.o.speakers.spans(state.id);
    const users = await this.o.social.usersByIds([...byUser.keys()]);
    const lines = speakerTimeline(byUser, pieces, endedAt, (id) => summary(users.get(id), id));
    return {
      duration_ms: duration,
      speakers: lines.map((line) => ({
        user: line.user,
        // Never past the end of the audio (the last segment's date may run a little long).
        spans: line.spans
          .map((s) => ({ start_ms: s.start_ms, end_ms: Math.min(s.end_ms, duration) }))
          .filter((s) => s.end_ms > s.start_ms),
      })),
    };
  }

  private async recordedSpans(spaceId: string): Promise<Span[]> {
    const rows = await this.db
      .selectFrom('recording_spans')
      .select(['started_at', 'ended_at'])
      .where('space_id', '=', spaceId)
      .execute();
    return rows.map((r) => ({
      start: Number(r.started_at),
      end: r.ended_at === null ? null : Number(r.ended_at),
    }));
  }

  private async presentPins(pins: readonly Pin[]): Promise<PinnedPostDto[]> {
    if (pins.length === 0) return [];
    const posts = await this.db
      .selectFrom('posts')
      .selectAll()
      .where(
        'id',
        'in',
        pins.map((p) => p.post_id),
      )
      .execute();
    const users = await this.o.social.usersByIds(posts.map((p) => p.author_id));
    return presentPins(pins, { users, posts: new Map(posts.map((p) => [p.id, p])) });
  }

  /**
   * Replays anyone may find, newest first: ended spaces with a replay ready
   * (not deleted, not unrecorded), whose host is not suspended, not ended by
   * moderation, and, for a signed-in viewer, not hosted by someone they
   * blocked or who blocked them, nor a space they were removed from.
   */
  async list(
    viewerId: string | null,
    query: { hostId?: string | undefined; cursor?: string | undefined; limit: number },
  ): Promise<Page<ReplayListItem>> {
    let q = this.db
      .selectFrom('spaces')
      .innerJoin('space_recordings', 'space_recordings.space_id', 'spaces.id')
      .innerJoin('users', 'users.id', 'spaces.host_id')
      .select([
        'spaces.id',
        'spaces.data',
        'spaces.ended_at',
        'space_recordings.duration_ms',
        'space_recordings.plays',
      ])
      .where('spaces.state', '=', 'ended')
      .where('space_recordings.state', '=', 'finalized')
      .where('space_recordings.replay', '=', 'ready')
      .where('users.suspended_at', 'is', null);
    if (query.hostId !== undefined) q = q.where('spaces.host_id', '=', query.hostId);
    if (viewerId) {
      q = q
        .where(
          'spaces.host_id',
          'not in',
          this.db.selectFrom('blocks').select('blocker_id').where('blocked_id', '=', viewerId),
        )
        .where(
          'spaces.host_id',
          'not in',
          this.db.selectFrom('blocks').select('blocked_id').where('blocker_id', '=', viewerId),
        );
    }
    const after = decodeTimeIdCursor(query.cursor);
    if (after) {
      const [at, id] = after;
      q = q.where((eb) =>
        eb.or([
          eb('spaces.ended_at', '<', at),
          eb.and([eb('spaces.ended_at', '=', at), eb('spaces.id', '<', id)]),
        ]),
      );
    }
    const rows = await q
      .orderBy('spaces.ended_at', 'desc')
      .orderBy('spaces.id', 'desc')
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > query.limit && last
        ? encodeCursor([Number(last.ended_at ?? 0), last.id])
        : null;
    // The space itself has the last word on removals and moderation (JSON, not columns).
    const kept = page
      .map((row) => ({ row, state: parseSpaceRow(row) }))
      .filter(
        ({ state }) =>
          state.ended_reason !== 'moderation' &&
          !(viewerId !== null && state.removed_user_ids.includes(viewerId)),
      );
    const ids = kept.map((k) => k.state.id);
    const users = await this.o.social.usersByIds(kept.map((k) => k.state.host_id));
    const stats = await this.o.stats.readMany(ids);
    const offers = await offersOf(this.db, ids);
    const data = kept.map(({ row, state }) => {
      const s = stats.get(state.id);
      return {
        space: presentSpace(state, { users, posts: new Map(), offers }, this.o.publicUrl()),
        duration_ms: Number(row.duration_ms ?? 0),
        plays: Number(row.plays),
        peak_listeners: s?.peakListeners ?? 0,
        total_listeners: s?.totalListeners ?? 0,
        ended_at: new Date(Number(row.ended_at ?? 0)).toISOString(),
      };
    });
    return { data, next_cursor: nextCursor };
  }

  /** What the embed page draws: the space, how many are here, and the replay's length. */
  async embed(viewer: Viewer, spaceId: string, device: string | null) {
    const state = await this.o.spaces.get(spaceId);
    await this.o.spaces.authorizeViewer(state, viewer, device, 'view');
    const replay = await this.o.recordings.replay(spaceId).catch(() => null);
    const listeners =
      state.state === 'live'
        ? await this.o.listenersNow(spaceId)
        : (await this.o.stats.read(spaceId)).totalListeners;
    return {
      space: await this.o.spaces.present(state),
      listener_count: listeners,
      replay: replay?.state === 'ready' ? { duration_ms: replay.durationMs } : null,
    };
  }

  /** The replay as one .m4a, for someone who may hear it. */
  async audioFor(viewer: Viewer, spaceId: string, device: string | null): Promise<RenderedAudio> {
    const state = await this.o.spaces.get(spaceId);
    await assertMayHearReplay({ spaces: this.o.spaces, db: this.db }, viewer, state, device);
    const replay = await this.o.recordings.replay(spaceId);
    if (replay.state !== 'ready')
      throw AppError.conflict('replay_not_ready', 'The replay is still being made.');
    const file = await this.o.audio.file(spaceId);
    if (!file) throw AppError.notFound('replay');
    return file;
  }

  /** The same check, for the replay's other audio (its HLS playlist). */
  async assertMayHear(viewer: Viewer, spaceId: string, device: string | null): Promise<void> {
    const state = await this.o.spaces.get(spaceId);
    await assertMayHearReplay({ spaces: this.o.spaces, db: this.db }, viewer, state, device);
  }

  /**
   * A space as an anonymous visitor may see it (for unfurls and the embed's
   * oEmbed), with its replay when there is one; null when it is hidden from
   * them or does not exist.
   */
  async publicView(spaceId: string): Promise<{
    state: SpaceState;
    host: UsersTable | undefined;
    replay: { durationMs: number } | null;
  } | null> {
    const state = await this.o.spaces.get(spaceId).catch(() => null);
    if (!state) return null;
    try {
      await this.o.spaces.authorizeViewer(state, { kind: 'anonymous' }, null, 'view');
    } catch {
      return null;
    }
    const host = (await this.o.social.usersByIds([state.host_id])).get(state.host_id);
    if (!host || host.suspended_at !== null) return null;
    const replay = await this.o.recordings.replay(spaceId).catch(() => null);
    return {
      state,
      host,
      replay: replay?.state === 'ready' ? { durationMs: replay.durationMs } : null,
    };
  }

  /**
   * The podcast feed's episodes: the host's public, unticketed replays, newest
   * first (the host must not be suspended). Rendered on the way, so each
   * enclosure has its length.
   */
  async feed(hostId: string, limit = 50): Promise<Array<PublicReplay & { audio: RenderedAudio }>> {
    const page = await this.list(null, { hostId, limit });
    // Ticketed replays are for their holders: never in a feed anyone can read.
    const ticketed = new Set(page.data.filter((i) => i.space.ticketing).map((i) => i.space.id));
    const out: Array<PublicReplay & { audio: RenderedAudio }> = [];
    for (const item of page.data) {
      if (ticketed.has(item.space.id)) continue;
      const view = await this.publicView(item.space.id);
      if (!view?.replay) continue;
      const audio = await this.o.audio.file(item.space.id);
      if (!audio) continue;
      out.push({
        state: view.state,
        host: view.host,
        durationMs: view.replay.durationMs,
        endedAt: view.state.ended_at ?? 0,
        audio,
      });
    }
    return out;
  }
}
