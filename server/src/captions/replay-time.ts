import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { parsePlaylist } from '../hls/playlist.js';
import { type ReplayPiece, replayPieces } from '../replays/timeline.js';
import type { SpaceState } from '../spaces/model.js';
import { PLAYLIST, scopeDir } from '../streams/layout.js';

/**
 * Live time → replay time for transcript lines, the way the replay's speaker
 * timeline does it (replays/timeline.ts): the replay plays its dated
 * segments back to back, so a moment of the live plays at the offset of the
 * piece that holds it. What was said while recording was off is not in the
 * replay, and not in its captions.
 */

/** The replay's pieces, or null while it has no playlist (not made yet, deleted). */
export async function replayPiecesOf(
  db: Kysely<Database>,
  dataDir: string,
  state: SpaceState,
): Promise<ReplayPiece[] | null> {
  const text = await readFile(
    path.join(scopeDir(dataDir, state.id, 'replay'), PLAYLIST),
    'utf8',
  ).catch(() => null);
  if (text === null) return null;
  const rows = await db
    .selectFrom('recording_spans')
    .select(['started_at', 'ended_at'])
    .where('space_id', '=', state.id)
    .execute();
  const spans = rows.map((r) => ({
    start: Number(r.started_at),
    end: r.ended_at === null ? null : Number(r.ended_at),
  }));
  return replayPieces(
    parsePlaylist(text).segments,
    spans,
    state.ended_at ?? Number.MAX_SAFE_INTEGER,
  );
}

/**
 * A line [start, end) of live time in replay time: from where its first
 * recorded moment plays to where its last one does, within `durationMs`.
 * Null when none of it was recorded.
 */
export function lineInReplay(
  start: number,
  end: number,
  pieces: readonly ReplayPiece[],
  durationMs: number,
): { start_ms: number; end_ms: number } | null {
  let from: number | null = null;
  let to: number | null = null;
  const stop = Math.max(end, start + 1);
  for (const piece of pieces) {
    const a = Math.max(start, piece.at);
    const b = Math.min(stop, piece.at + piece.durationMs);
    if (b <= a) continue;
    const replayA = piece.offset + (a - piece.at);
    const replayB = piece.offset + (b - piece.at);
    from = from === null ? replayA : Math.min(from, replayA);
    to = to === null ? replayB : Math.max(to, replayB);
  }
  if (from === null || to === null) return null;
  const start_ms = Math.max(0, Math.round(from));
  const end_ms = Math.min(durationMs, Math.round(to));
  if (end_ms <= start_ms) return null;
  return { start_ms, end_ms };
}
