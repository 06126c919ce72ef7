import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { Viewer } from '../accounts/viewer.js';
import { decodeIdCursor } from '../db/cursor.js';
import type { Storage } from '../db/database.js';
import type { ClipsTable } from '../db/schema.js';
import { AppError } from '../errors.js';
import { parsePlaylist, type Segment } from '../hls/playlist.js';
import type { Recordings } from '../hls/recordings.js';
import type { ReportReason, ReportService } from '../moderation/reports.js';
import type { JobContext, JobScheduler } from '../scheduler/jobs.js';
import type { SpaceService } from '../spaces/service.js';
import { PLAYLIST, scopeDir } from '../streams/layout.js';
import type { Clock } from '../util/clock.js';
import { newId } from '../util/ids.js';
import { mayClip, mayHearClip } from './access.js';
import { type ClipCutter, clipFile } from './cutter.js';
import { type CutPlan, clipTitle, planLive, planReplay, type RangeInput } from './model.js';

export const CLIP_CUT_JOB = 'clip_cut';
export const CLIP_EXPIRE_JOB = 'clip_expire';
/** A cut whose node died is tried again by another (the job's lease); after this many, it failed. */
const CUT_ATTEMPTS = 3;
/** Clips one person may have waiting for their cut at once (each is an ffmpeg run). */
const PROCESSING_PER_PERSON = 3;
const DAY_MS = 24 * 3600_000;

interface CutJob {
  clip_id: string;
  space_id: string;
  plan: CutPlan;
}

export interface CreateClipInput extends RangeInput {
  title?: string | undefined;
}

/**
 * Clips: made from a space's archive (live: the last 30 s) or its replay (a
 * 5–60 s range), cut by a durable job, and deleted with their files when
 * they expire (CLIP_TTL_DAYS) or when the creator, the host or staff delete
 * them. The segments are chosen when the request comes (so "the last 30 s"
 * are those of the click), and the cut runs as a scheduler job: one node
 * claims it, and a node that dies mid-cut loses the lease to another. A cut
 * that fails marks the clip `failed`; nothing is retried in a loop.
 *
 * A replay deleted by its host keeps its clips until they expire, as on X:
 * each clip is a file of its own, and people shared it already. The
 * moderation archive's retention is unchanged by clips.
 */
export class ClipService {
  constructor(
    private readonly o: {
      storage: Storage;
      clock: Clock;
      spaces: SpaceService;
      recordings: Recordings;
      reports: ReportService;
      scheduler: JobScheduler;
      cutter: ClipCutter;
      dataDir: string;
      ttlDays: () => number;
      logger: FastifyBaseLogger;
    },
  ) {
    o.scheduler.handle<CutJob>(CLIP_CUT_JOB, (ctx) => this.runCut(ctx));
    o.scheduler.handle<{ clip_id: string }>(CLIP_EXPIRE_JOB, async (ctx) => {
      await this.purge(ctx.payload.clip_id);
      return undefined;
    });
    // Deletions cut short by a crash (the row marked, the file or the row still there).
    o.scheduler.every('finish_clip_deletions', 3600_000, () => this.finishDeletions());
  }

  private get db() {
    return this.o.storage.db;
  }

  private get deps() {
    return { spaces: this.o.spaces, db: this.o.storage.db };
  }

  async create(
    viewer: Viewer,
    spaceId: string,
    input: CreateClipInput,
    device: string | null,
  ): Promise<ClipsTable> {
    const state = await this.o.spaces.get(spaceId, true);
    await mayClip(this.deps, viewer, state, device);
    if (viewer.kind !== 'user') throw AppError.unauthenticated();
    const title = clipTitle(input.title, state.title);
    const ranged = input.from_ms !== undefined || input.to_ms !== undefined;
    let plan: CutPlan;
    if (state.state === 'live') {
      if (ranged) {
        throw AppError.invalid(
          'clip_range_invalid',
          'A clip of a live space is its last 30 seconds; ranges are for replays.',
        );
      }
      plan = planLive(await this.segments(spaceId, 'archive'));
    } else if (state.state === 'ended') {
      const replay = await this.o.recordings.replay(spaceId).catch(() => null);
      if (replay?.state !== 'ready') {
        throw AppError.conflict('nothing_to_clip', 'This space has no replay to clip.');
      }
      plan = planReplay(await this.segments(spaceId, 'replay'), input);
    } else {
      throw AppError.conflict('nothing_to_clip', 'This space has no audio yet.');
    }
    const busy = await this.db
      .selectFrom('clips')
      .select(sql<number>`count(*)`.as('n'))
      .where('creator_id', '=', viewer.user.id)
      .where('state', '=', 'processing')
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (Number(busy?.n ?? 0) >= PROCESSING_PER_PERSON) {
      throw new AppError(
        'rate_limited',
        'clips_in_progress',
        `You have ${PROCESSING_PER_PERSON} clips being cut; wait until one is ready.`,
      );
    }
    const now = this.o.clock.now();
    const clip: ClipsTable = {
      id: newId(now),
      space_id: spaceId,
      creator_id: viewer.user.id,
      title,
      source: state.state === 'live' ? 'live' : 'replay',
      start_ms: plan.startMs,
      duration_ms: plan.durationMs,
      state: 'processing',
      file: null,
      bytes: null,
      method: plan.method,
      created_at: now,
      expires_at: now + this.o.ttlDays() * DAY_MS,
      deleted_at: null,
    };
    // The row and both of its jobs commit together: no clip without its cut and its expiry.
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('clips').values(clip).execute();
      const cut: CutJob = { clip_id: clip.id, space_id: spaceId, plan };
      await this.o.scheduler.schedule(
        { kind: CLIP_CUT_JOB, key: `${CLIP_CUT_JOB}:${clip.id}`, runAt: now, payload: cut },
        trx,
      );
      await this.o.scheduler.schedule(
        {
          kind: CLIP_EXPIRE_JOB,
          key: `${CLIP_EXPIRE_JOB}:${clip.id}`,
          runAt: clip.expires_at,
          payload: { clip_id: clip.id },
        },
        trx,
      );
    });
    this.o.scheduler.kick();
    return clip;
  }

  /** A playlist's segments whose files are there (a half-written last line names none). */
  private async segments(spaceId: string, scope: 'archive' | 'replay'): Promise<Segment[]> {
    const dir = scopeDir(this.o.dataDir, spaceId, scope);
    const text = await readFile(path.join(dir, PLAYLIST), 'utf8').catch(() => null);
    if (text === null) {
      throw AppError.conflict('nothing_to_clip', 'There is no audio to clip yet.');
    }
    return parsePlaylist(text).segments.filter(
      (s) => /^[a-z0-9_-]+\.ts$/.test(s.uri) && existsSync(path.join(dir, s.uri)),
    );
  }

  private async runCut(ctx: JobContext<CutJob>): Promise<undefined> {
    const { clip_id: id, space_id: spaceId, plan } = ctx.payload;
    const clip = await this.row(id);
    if (clip?.state !== 'processing') return undefined;
    if (ctx.job.attempts > CUT_ATTEMPTS) {
      await this.fail(id, 'the cut was interrupted too often');
      return undefined;
    }
    try {
      const cut = await this.o.cutter.cut(id, spaceId, plan);
      const result = await this.db
        .updateTable('clips')
        .set({ state: 'ready', file: cut.file, bytes: cut.bytes, duration_ms: cut.durationMs })
        .where('id', '=', id)
        .where('state', '=', 'processing')
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      // Deleted while being cut: the file must not outlive the row.
      if (Number(result.numUpdatedRows) === 0)
        await rm(clipFile(this.o.dataDir, id), { force: true });
      this.o.logger.info(
        { clip: id, space: spaceId, method: plan.method, ms: cut.tookMs, bytes: cut.bytes },
        'clip cut',
      );
    } catch (error) {
      this.o.logger.warn({ err: error, clip: id, space: spaceId }, 'clip cut failed');
      await this.fail(id, error instanceof Error ? error.message : String(error));
    }
    return undefined;
  }

  private async fail(id: string, why: string): Promise<void> {
    this.o.logger.warn({ clip: id, why }, 'clip failed');
    await this.db
      .updateTable('clips')
      .set({ state: 'failed' })
      .where('id', '=', id)
      .where('state', '=', 'processing')
      .execute();
  }

  private row(id: string) {
    return this.db
      .selectFrom('clips')
      .selectAll()
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
  }

  /** A clip that exists and is not being deleted; 404 otherwise. */
  async require(id: string): Promise<ClipsTable> {
    const clip = await this.row(id);
    if (!clip) throw AppError.notFound('clip');
    return clip;
  }

  /** The clip's card: for anyone who may see its space (removed and blocked people may not). */
  async get(viewer: Viewer, id: string, device: string | null): Promise<ClipsTable> {
    const clip = await this.require(id);
    const state = await this.o.spaces.get(clip.space_id);
    if (!(viewer.kind === 'user' && viewer.user.role !== 'user'))
      await this.o.spaces.authorizeViewer(state, viewer, device, 'view');
    return clip;
  }

  /** The file to send, for whoever may hear the space. */
  async audio(viewer: Viewer, id: string, device: string | null): Promise<string> {
    const clip = await this.require(id);
    await mayHearClip(this.deps, viewer, await this.o.spaces.get(clip.space_id), device);
    if (clip.state !== 'ready' || clip.file === null) {
      throw AppError.conflict('clip_not_ready', 'This clip is not ready to play.');
    }
    return clipFile(this.o.dataDir, clip.id);
  }

  /** Whether this viewer may hear the clip (a post's card, checked for its poster). */
  async mayHear(viewer: Viewer, clip: ClipsTable, device: string | null): Promise<void> {
    await mayHearClip(this.deps, viewer, await this.o.spaces.get(clip.space_id), device);
  }

  /** The creator, the space's host, or staff delete a clip before it expires. */
  async delete(viewer: Viewer, id: string): Promise<void> {
    if (viewer.kind !== 'user') {
      throw new AppError('unauthenticated', 'account_required', 'Sign in to delete clips.');
    }
    const clip = await this.require(id);
    const state = await this.o.spaces.get(clip.space_id);
    const allowed =
      clip.creator_id === viewer.user.id ||
      state.host_id === viewer.user.id ||
      viewer.user.role !== 'user';
    if (!allowed) {
      throw AppError.forbidden(
        'cannot_delete_clip',
        'Only the person who made the clip, the host or a moderator can delete it.',
      );
    }
    await this.db
      .updateTable('clips')
      .set({ deleted_at: this.o.clock.now() })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .execute();
    await this.purge(id);
    await this.o.scheduler.cancel(`${CLIP_EXPIRE_JOB}:${id}`);
  }

  /** Deletes the file, then the row: a crash in between leaves a row the sweep finishes. */
  async purge(id: string): Promise<void> {
    await rm(clipFile(this.o.dataDir, id), { force: true });
    await this.db.deleteFrom('clips').where('id', '=', id).execute();
  }

  private async finishDeletions(): Promise<void> {
    const rows = await this.db
      .selectFrom('clips')
      .select('id')
      .where((eb) =>
        eb.or([eb('deleted_at', 'is not', null), eb('expires_at', '<=', this.o.clock.now())]),
      )
      .limit(500)
      .execute();
    for (const { id } of rows) await this.purge(id);
  }

  /** Ready clips of a space, newest first, for whoever may see the space. */
  async ofSpace(
    viewer: Viewer,
    spaceId: string,
    device: string | null,
    cursor: string | undefined,
    limit: number,
  ): Promise<ClipsTable[]> {
    const state = await this.o.spaces.get(spaceId);
    await this.o.spaces.authorizeViewer(state, viewer, device, 'view');
    const after = decodeIdCursor(cursor);
    let query = this.db
      .selectFrom('clips')
      .selectAll()
      .where('space_id', '=', spaceId)
      .where('state', '=', 'ready')
      .where('deleted_at', 'is', null);
    if (after) query = query.where('id', '<', after);
    return query
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
  }

  /**
   * A person's ready clips, newest first. Clips of spaces that removed the
   * viewer or whose host blocked them are left out of the page (the cursor
   * still moves past them).
   */
  async ofUser(
    viewer: Viewer,
    userId: string,
    device: string | null,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ rows: ClipsTable[]; more: boolean; last: string | null }> {
    const after = decodeIdCursor(cursor);
    let query = this.db
      .selectFrom('clips')
      .selectAll()
      .where('creator_id', '=', userId)
      .where('state', '=', 'ready')
      .where('deleted_at', 'is', null);
    if (after) query = query.where('id', '<', after);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    const visible: ClipsTable[] = [];
    for (const clip of page) {
      const state = await this.o.spaces.get(clip.space_id);
      const seen = await this.o.spaces
        .authorizeViewer(state, viewer, device, 'view')
        .then(() => true)
        .catch(() => false);
      if (seen) visible.push(clip);
    }
    return { rows: visible, more, last: page[page.length - 1]?.id ?? null };
  }

  /** A report about a clip: it names the clip and its space, for the moderators' queue. */
  async report(
    viewer: Viewer,
    id: string,
    input: { reason: ReportReason; details?: string | undefined; user_id?: string | undefined },
  ) {
    if (viewer.kind !== 'user') {
      throw new AppError('unauthenticated', 'account_required', 'Sign in to report a clip.');
    }
    const clip = await this.require(id);
    const state = await this.o.spaces.get(clip.space_id);
    // Reporting stays possible for those a space shut out (the policy's `report`).
    await this.o.spaces.authorizeViewer(state, viewer, null, 'report');
    return this.o.reports.report({
      reporterId: viewer.user.id,
      spaceId: clip.space_id,
      targetUserId: input.user_id ?? null,
      clipId: clip.id,
      reason: input.reason,
      details: input.details ?? '',
    });
  }
}
