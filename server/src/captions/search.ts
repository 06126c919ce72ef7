import type { SpaceDto, UserSummaryDto } from '@salon/protocol';
import type { Viewer } from '../accounts/viewer.js';
import { encodeCursor, type Page } from '../db/cursor.js';
import { AppError } from '../errors.js';
import type { SpaceState } from '../spaces/model.js';
import { summary } from '../spaces/presenter.js';
import { mayHear } from '../tickets/access.js';
import { lineInReplay, replayPiecesOf } from './replay-time.js';
import type { TranscriptHit } from './store.js';
import { isStaff, type TranscriptViewsOptions } from './transcript.js';
import { queryWords } from './transcripts.js';

export const SEARCH_PAGE = 20;
/** Hits read from the index per round while filtering what the viewer may not see. */
const BATCH = 50;
/** A page never reads more than this many hits (a viewer who may see almost nothing). */
const MAX_SCANNED = 1_000;

export interface SearchResultDto {
  space: SpaceDto;
  snippet: string;
  /** Where the line plays in the replay, or (live, no replay) ms since the space started. */
  at_ms: number;
  speaker: UserSummaryDto;
}

/** The same dependencies as the transcript views (whose access rule it applies). */
export type TranscriptSearchOptions = TranscriptViewsOptions;

/**
 * "What was said": spaces found by the words of their transcripts, best
 * first, each with its best line's snippet and the moment to open. Search
 * respects who may see what, as the space's own pages do:
 * - an ended space only with its replay ready (recorded, not deleted),
 *   unless the viewer is a moderator or an admin;
 * - never a space whose host blocked the viewer, or they were removed from;
 * - never a suspended host's space, nor one ended by moderation (staff excepted);
 * - a ticketed space only for those who may hear it.
 * The index ranks; visibility is checked here per hit, so a page may read
 * more hits than it shows (the cursor is the index position reached).
 */
export class TranscriptSearch {
  constructor(private readonly o: TranscriptSearchOptions) {}

  async search(
    viewer: Viewer,
    query: string,
    cursor: string | undefined,
  ): Promise<Page<SearchResultDto>> {
    if (queryWords(query).length === 0)
      throw AppError.invalid('search_query_empty', 'Search for at least one word.', {
        field: 'query.q',
      });
    let offset = decodeOffset(cursor);
    const out: SearchResultDto[] = [];
    let scanned = 0;
    // Whether the index may hold more hits past `offset`.
    let more = true;
    while (more && out.length < SEARCH_PAGE && scanned < MAX_SCANNED) {
      const hits = await this.o.store.search(query, BATCH, offset);
      more = hits.length === BATCH;
      for (const [i, hit] of hits.entries()) {
        offset += 1;
        scanned += 1;
        const result = await this.visible(viewer, hit);
        if (result) out.push(result);
        if (out.length >= SEARCH_PAGE) {
          if (i < hits.length - 1) more = true;
          break;
        }
      }
    }
    return { data: out, next_cursor: more ? encodeCursor([offset]) : null };
  }

  private async visible(viewer: Viewer, hit: TranscriptHit): Promise<SearchResultDto | null> {
    const state = await this.o.spaces.get(hit.space_id).catch(() => null);
    if (!state || state.state === 'cancelled') return null;
    const replay = await this.o.recordings.replay(state.id).catch(() => null);
    const ready = replay?.state === 'ready' ? replay.durationMs : null;
    if (!isStaff(viewer)) {
      if (state.state !== 'live' && ready === null) return null;
      if (state.ended_reason === 'moderation') return null;
      const ok = await this.o.spaces.authorizeViewer(state, viewer, null, 'view').then(
        () => true,
        () => false,
      );
      if (!ok) return null;
      if (!(await mayHear(this.o.storage.db, state, viewer))) return null;
    }
    const users = await this.o.social.usersByIds([state.host_id, hit.line.speaker_id]);
    if (!isStaff(viewer) && (users.get(state.host_id)?.suspended_at ?? null) !== null) return null;
    return {
      space: await this.o.spaces.present(state),
      snippet: hit.snippet,
      at_ms: await this.atMs(state, hit, ready),
      speaker: summary(users.get(hit.line.speaker_id), hit.line.speaker_id),
    };
  }

  private async atMs(state: SpaceState, hit: TranscriptHit, durationMs: number | null) {
    if (durationMs !== null) {
      const pieces = await replayPiecesOf(this.o.storage.db, this.o.dataDir, state);
      const at = pieces && lineInReplay(hit.line.start_ms, hit.line.end_ms, pieces, durationMs);
      if (at) return at.start_ms;
    }
    return Math.max(0, hit.line.start_ms - (state.started_at ?? hit.line.start_ms));
  }
}

function decodeOffset(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const value = Array.isArray(parsed) && parsed.length === 1 ? parsed[0] : null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > 1e6)
    throw AppError.invalid('invalid_cursor', 'query.cursor is not a cursor this server gave out.', {
      field: 'query.cursor',
    });
  return value;
}
