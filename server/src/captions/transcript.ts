import type { TranscriptDto } from '@salon/protocol';
import type { Viewer } from '../accounts/viewer.js';
import type { Storage } from '../db/database.js';
import { AppError } from '../errors.js';
import type { Recordings } from '../hls/recordings.js';
import type { SocialService } from '../social/service.js';
import type { SpaceState } from '../spaces/model.js';
import { summary } from '../spaces/presenter.js';
import type { SpaceService } from '../spaces/service.js';
import { hearerOf, mayHear, ticketRequired } from '../tickets/access.js';
import { lineInReplay, replayPiecesOf } from './replay-time.js';
import type { TranscriptLine, TranscriptStore } from './store.js';
import { renderVtt } from './vtt.js';

/** A transcript holds at most this many lines (an hour of talk is a few hundred). */
export const MAX_TRANSCRIPT_LINES = 20_000;

export interface TranscriptViewsOptions {
  storage: Storage;
  spaces: SpaceService;
  social: SocialService;
  recordings: Recordings;
  store: TranscriptStore;
  dataDir: string;
}

export const isStaff = (viewer: Viewer): boolean =>
  viewer.kind === 'user' && (viewer.user.role === 'admin' || viewer.user.role === 'moderator');

/**
 * A space's transcript as people read it: the replay's side panel (JSON), its
 * captions track (WebVTT), the host's download. Who may read it:
 * - staff (moderators, admins), always: it is part of what they review;
 * - otherwise whoever may see the space (not removed, not blocked by the
 *   host), and, for a ticketed space, may hear it (`mayHear`);
 * - while live, the lines so far; once ended, only while its replay is
 *   ready: an unrecorded space's words, or a replay the host deleted, are
 *   not public (they stay for moderation until the retention ends).
 */
export class TranscriptViews {
  constructor(private readonly o: TranscriptViewsOptions) {}

  /** The space, when the viewer may read its transcript; the replay's length when it has one. */
  async readable(
    viewer: Viewer,
    spaceId: string,
    device: string | null,
  ): Promise<{ state: SpaceState; durationMs: number | null }> {
    const state = await this.o.spaces.get(spaceId);
    const durationMs = await this.replayLength(spaceId);
    if (isStaff(viewer)) return { state, durationMs };
    await this.o.spaces.authorizeViewer(state, viewer, device, 'view');
    if (state.state === 'scheduled') return { state, durationMs: null };
    if (state.state !== 'live' && durationMs === null) throw AppError.notFound('transcript');
    if (!(await mayHear(this.o.storage.db, state, viewer))) throw ticketRequired(hearerOf(viewer));
    return { state, durationMs };
  }

  async json(viewer: Viewer, spaceId: string, device: string | null): Promise<TranscriptDto> {
    const { state, durationMs } = await this.readable(viewer, spaceId, device);
    const lines = await this.o.store.lines(spaceId, MAX_TRANSCRIPT_LINES);
    const pieces =
      durationMs === null ? null : await replayPiecesOf(this.o.storage.db, this.o.dataDir, state);
    const users = await this.o.social.usersByIds(lines.map((l) => l.speaker_id));
    return {
      space_id: spaceId,
      duration_ms: durationMs,
      lines: lines.map((line) => {
        const at =
          pieces && durationMs !== null
            ? lineInReplay(line.start_ms, line.end_ms, pieces, durationMs)
            : null;
        return {
          utterance_id: line.utterance_id,
          speaker: summary(users.get(line.speaker_id), line.speaker_id),
          text: line.text,
          start_ms: line.start_ms,
          end_ms: line.end_ms,
          at_ms: at?.start_ms ?? null,
          at_end_ms: at?.end_ms ?? null,
        };
      }),
    };
  }

  /** The replay's captions track: only what the replay holds, in its time. */
  async vtt(viewer: Viewer, spaceId: string, device: string | null): Promise<string> {
    const { state, durationMs } = await this.readable(viewer, spaceId, device);
    if (durationMs === null) throw AppError.notFound('replay');
    const pieces = await replayPiecesOf(this.o.storage.db, this.o.dataDir, state);
    if (!pieces) throw AppError.notFound('replay');
    const lines = await this.o.store.lines(spaceId, MAX_TRANSCRIPT_LINES);
    return renderVtt(await this.cues(lines, pieces, durationMs));
  }

  private async cues(
    lines: TranscriptLine[],
    pieces: NonNullable<Awaited<ReturnType<typeof replayPiecesOf>>>,
    durationMs: number,
  ) {
    const users = await this.o.social.usersByIds(lines.map((l) => l.speaker_id));
    return lines.flatMap((line) => {
      const at = lineInReplay(line.start_ms, line.end_ms, pieces, durationMs);
      if (!at) return [];
      const user = users.get(line.speaker_id);
      return [{ ...at, speaker: user?.display_name ?? 'Deleted account', text: line.text }];
    });
  }

  private async replayLength(spaceId: string): Promise<number | null> {
    const replay = await this.o.recordings.replay(spaceId).catch(() => null);
    return replay?.state === 'ready' ? replay.durationMs : null;
  }
}
