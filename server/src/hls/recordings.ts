import { randomUUID } from 'node:crypto';
import { copyFile, link, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Viewer } from '../accounts/viewer.js';
import type { Storage } from '../db/database.js';
import type { SpaceRecordingsTable } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { ModerationService } from '../moderation/service.js';
import type { SpaceEvent, SpaceState } from '../spaces/model.js';
import type { SpaceService } from '../spaces/service.js';
import { hlsRoot, isSpaceId, PLAYLIST, scopeDir } from '../streams/layout.js';
import type { Clock } from '../util/clock.js';
import { parsePlaylist, renderVod, type Span, selectRecorded, totalDuration } from './playlist.js';

/** The live folder outlives the space this long, so players read its ENDLIST. */
const LIVE_LINGER_MS = 60_000;

export type Replay =
  | { state: 'ready'; durationMs: number; plays: number }
  | { state: 'processing' };

/** What the end of a space needs of the packagers (media/hls): ffmpeg flushes, then exits. */
export interface LivePackaging {
  stop(spaceId: string): Promise<void>;
  /**
   * With one packager per cluster: `elsewhere` when another node runs the
   * space's packager (it flushes, then its node cuts the replay), `here` once
   * flushed here (or nowhere).
   */
  end?(spaceId: string): Promise<'here' | 'elsewhere'>;
  /** Spaces that ended on another node while this one ran their packager, now flushed. */
  onEnded?(listener: (spaceId: string) => void): void;
}

/**
 * Recording and replay, following the space's commits:
 * - while a space is live, its packager archives everything (the moderation
 *   copy, registered with ModerationService for the 30/90-day retention);
 * - the spans when the host had recording on are stored as they happen;
 * - when the space ends, the packager flushes, the archive's playlist becomes
 *   VOD, and if anything was recorded, the replay is made: a VOD playlist over
 *   hard links to the archive segments of those spans.
 *
 * Deleting a replay removes the replay folder only: the archive stays until
 * its retention ends (a host cannot erase evidence under review), and the
 * retention purge removes the archive only: a replay outlives it as long as
 * the host keeps it.
 */
export class Recordings {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly lingering = new Set<NodeJS.Timeout>();

  constructor(
    private readonly o: {
      storage: Storage;
      clock: Clock;
      spaces: SpaceService;
      moderation: ModerationService;
      dataDir: string;
      /** The packagers of this node's rooms (media/hls); null when MEDIA=off. */
      packagers: LivePackaging | null;
      logger: FastifyBaseLogger;
    },
  ) {
    o.spaces.onCommitted((state, events) => {
      void this.serial(state.id, () => this.follow(state, events));
    });
    o.packagers?.onEnded?.((spaceId) => {
      void this.serial(spaceId, async () => {
        const space = await this.o.spaces.get(spaceId);
        await this.cut(spaceId, space.ended_at ?? this.now());
      });
    });
  }

  /** Who claims a cut (space_recordings.cut_by): this instance. */
  private readonly me = randomUUID();

  private get db() {
    return this.o.storage.db;
  }

  /** Work on one space runs in commit order. */
  private serial(spaceId: string, work: () => Promise<void>): Promise<void> {
    const step = (this.chains.get(spaceId) ?? Promise.resolve())
      .then(work)
      .catch((error: unknown) =>
        this.o.logger.error({ err: error, space: spaceId }, 'recording did not follow a space'),
      );
    this.chains.set(spaceId, step);
    void step.then(() => {
      if (this.chains.get(spaceId) === step) this.chains.delete(spaceId);
    });
    return step;
  }

  /** Resolves once everything queued for the space so far is done (tests, shutdown). */
  settled(spaceId: string): Promise<void> {
    return this.chains.get(spaceId) ?? Promise.resolve();
  }

  private async follow(state: SpaceState, events: SpaceEvent[]): Promise<void> {
    for (const event of events) {
      switch (event.type) {
        case 'space_created':
        case 'state_changed':
          if (state.state === 'live' && state.started_at !== null) {
            await this.wentLive(state.id, state.started_at);
            if (state.recording) await this.openSpan(state.id, state.started_at);
          }
          if (state.state === 'ended') await this.ended(state.id, state.ended_at ?? this.now());
          break;
        case 'recording_changed':
          if (state.state !== 'live') break;
          if (event.recording) await this.openSpan(state.id, this.now());
          else await this.closeSpan(state.id, this.now());
          break;
        default:
          break;
      }
    }
  }

  private now(): number {
    return this.o.clock.now();
  }

  private async wentLive(spaceId: string, at: number): Promise<void> {
    await this.db
      .insertInto('space_recordings')
      .values({
        space_id: spaceId,
        state: 'live',
        replay: 'none',
        duration_ms: null,
        plays: 0,
        created_at: at,
        finalized_at: null,
        deleted_at: null,
        cut_by: null,
      })
      .onConflict((oc) => oc.column('space_id').doNothing())
      .execute();
    // Registered now, so that a crash before the end still leaves the audio under retention.
    if (this.o.packagers)
      await this.o.moderation.registerArchive(spaceId, this.dir(spaceId, 'archive'));
  }

  private async openSpan(spaceId: string, at: number): Promise<void> {
    const open = await this.db
      .selectFrom('recording_spans')
      .select('started_at')
      .where('space_id', '=', spaceId)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    if (open) return;
    await this.db
      .insertInto('recording_spans')
      .values({ space_id: spaceId, started_at: at, ended_at: null })
      .onConflict((oc) => oc.columns(['space_id', 'started_at']).doNothing())
      .execute();
  }

  private async closeSpan(spaceId: string, at: number): Promise<void> {
    await this.db
      .updateTable('recording_spans')
      .set({ ended_at: at })
      .where('space_id', '=', spaceId)
      .where('ended_at', 'is', null)
      .execute();
  }

  private async ended(spaceId: string, endedAt: number): Promise<void> {
    await this.closeSpan(spaceId, endedAt);
    const packagers = this.o.packagers;
    if (packagers?.end) {
      // The node running the packager flushes it, then cuts.
      if ((await packagers.end(spaceId)) === 'elsewhere') return;
    } else {
      await packagers?.stop(spaceId);
    }
    await this.cut(spaceId, endedAt);
  }

  /** The replay is cut once in the cluster: by whichever node claims it first. */
  private async cut(spaceId: string, endedAt: number): Promise<void> {
    const claim = await this.db
      .updateTable('space_recordings')
      .set({ cut_by: this.me })
      .where('space_id', '=', spaceId)
      .where('state', '=', 'live')
      .where('cut_by', 'is', null)
      .executeTakeFirst();
    if (Number(claim.numUpdatedRows) === 0) return;
    await this.finalize(spaceId, endedAt);
  }

  private dir(spaceId: string, scope: 'live' | 'archive' | 'replay'): string {
    return scopeDir(this.o.dataDir, spaceId, scope);
  }

  /**
   * The archive's playlist becomes VOD; the replay is cut from it. Safe to run
   * again (after a crash mid-way): links that exist are kept.
   */
  async finalize(spaceId: string, endedAt: number): Promise<void> {
    const row = await this.row(spaceId);
    if (!row || row.state === 'finalized') return;
    const archiveDir = this.dir(spaceId, 'archive');
    const text = await readFile(path.join(archiveDir, PLAYLIST), 'utf8').catch(() => null);
    let replay: SpaceRecordingsTable['replay'] = 'none';
    let durationMs: number | null = null;
    if (text !== null) {
      const archive = parsePlaylist(text);
      // Never replace a list with an emptier one (a trailer cut short lists nothing).
      if (archive.segments.length > 0)
        await writeAtomically(path.join(archiveDir, PLAYLIST), renderVod(archive.segments));
      await this.o.moderation.registerArchive(spaceId, archiveDir);
      const spans = await this.spans(spaceId);
      const kept = selectRecorded(archive.segments, spans, endedAt);
      if (kept.length > 0) {
        const replayDir = this.dir(spaceId, 'replay');
        await mkdir(replayDir, { recursive: true });
        for (const segment of kept) {
          await linkOrCopy(path.join(archiveDir, segment.uri), path.join(replayDir, segment.uri));
        }
        await writeAtomically(path.join(replayDir, PLAYLIST), renderVod(kept));
        replay = 'ready';
        durationMs = Math.round(totalDuration(kept) * 1000);
      }
    }
    await this.db
      .updateTable('space_recordings')
      .set({ state: 'finalized', replay, duration_ms: durationMs, finalized_at: this.now() })
      .where('space_id', '=', spaceId)
      .where('state', '=', 'live')
      .execute();
    this.removeLiveLater(spaceId);
  }

  private removeLiveLater(spaceId: string): void {
    const timer = setTimeout(() => {
      this.lingering.delete(timer);
      void rm(this.dir(spaceId, 'live'), { recursive: true, force: true });
    }, LIVE_LINGER_MS);
    timer.unref();
    this.lingering.add(timer);
  }

  private async spans(spaceId: string): Promise<Span[]> {
    const rows = await this.db
      .selectFrom('recording_spans')
      .select(['started_at', 'ended_at'])
      .where('space_id', '=', spaceId)
      .orderBy('started_at')
      .execute();
    return rows.map((r) => ({
      start: Number(r.started_at),
      end: r.ended_at === null ? null : Number(r.ended_at),
    }));
  }

  private async row(spaceId: string) {
    return this.db
      .selectFrom('space_recordings')
      .selectAll()
      .where('space_id', '=', spaceId)
      .executeTakeFirst();
  }

  /**
   * At start: spaces that ended while this node was down are finalized now, and
   * live folders of spaces no longer live are removed.
   */
  async recover(): Promise<void> {
    const stale = await this.db
      .selectFrom('space_recordings')
      .innerJoin('spaces', 'spaces.id', 'space_recordings.space_id')
      .select(['space_recordings.space_id', 'spaces.ended_at', 'spaces.state'])
      .where('space_recordings.state', '=', 'live')
      .where('spaces.state', 'in', ['ended', 'cancelled'])
      .execute();
    for (const s of stale) {
      await this.serial(s.space_id, () =>
        this.finalize(s.space_id, Number(s.ended_at ?? this.now())),
      );
    }
    const folders = await readdir(hlsRoot(this.o.dataDir)).catch(() => [] as string[]);
    const ids = folders.filter(isSpaceId);
    if (ids.length === 0) return;
    const live = new Set(
      (
        await this.db
          .selectFrom('spaces')
          .select('id')
          .where('id', 'in', ids)
          .where('state', '=', 'live')
          .execute()
      ).map((r) => r.id),
    );
    for (const id of ids) {
      if (!live.has(id)) await rm(this.dir(id, 'live'), { recursive: true, force: true });
    }
  }

  // ---- the replay, as the API shows it -----------------------------------------

  /** The replay of a space the viewer may see; 404 when there is none (never recorded, deleted). */
  async replay(spaceId: string): Promise<Replay> {
    const row = await this.row(spaceId);
    if (row?.state === 'finalized' && row.replay === 'ready') {
      return { state: 'ready', durationMs: Number(row.duration_ms ?? 0), plays: Number(row.plays) };
    }
    if (row?.state !== 'finalized') {
      // Live (or ending): a replay is coming if anything was or is being recorded.
      const state = await this.o.spaces.get(spaceId);
      const recorded = await this.db
        .selectFrom('recording_spans')
        .select('started_at')
        .where('space_id', '=', spaceId)
        .executeTakeFirst();
      if (state.state === 'live' || row) {
        if (recorded || (state.state === 'live' && state.recording)) return { state: 'processing' };
      }
    }
    throw AppError.notFound('replay');
  }

  /** The host (or an admin) deletes the replay; the moderation archive is untouched. */
  async deleteReplay(viewer: Viewer, spaceId: string): Promise<void> {
    if (viewer.kind !== 'user') throw AppError.unauthenticated();
    const space = await this.o.spaces.get(spaceId);
    if (space.host_id !== viewer.user.id && viewer.user.role !== 'admin')
      throw AppError.forbidden('not_host', 'Only the host can delete the replay.');
    const result = await this.db
      .updateTable('space_recordings')
      .set({ replay: 'deleted', deleted_at: this.now() })
      .where('space_id', '=', spaceId)
      .where('replay', '=', 'ready')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw AppError.notFound('replay');
    await rm(this.dir(spaceId, 'replay'), { recursive: true, force: true });
  }

  /** A player started the replay. */
  async countPlay(spaceId: string): Promise<number> {
    const result = await this.db
      .updateTable('space_recordings')
      .set((eb) => ({ plays: eb('plays', '+', 1) }))
      .where('space_id', '=', spaceId)
      .where('replay', '=', 'ready')
      .where('state', '=', 'finalized')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw AppError.notFound('replay');
    const row = await this.row(spaceId);
    return Number(row?.plays ?? 0);
  }

  /** Lets work in progress (a replay being cut) finish; drops the live-folder timers. */
  async close(): Promise<void> {
    await Promise.all(this.chains.values());
    for (const timer of this.lingering) clearTimeout(timer);
    this.lingering.clear();
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
}

/** Hard links share the bytes; a copy where links are impossible (another file system). */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code === 'EXDEV' || code === 'EPERM' || code === 'ENOTSUP') await copyFile(from, to);
    else throw error;
  }
}
