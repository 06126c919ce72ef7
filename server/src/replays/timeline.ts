/**
 * The speaker timeline as data: who talked when during the live (epoch ms),
 * mapped onto the replay's own clock (ms from its first sample). Pure
 * functions, no I/O: speakers.ts stores the live spans, service.ts reads the
 * replay's playlist and calls these.
 */
import { type Segment, type Span, timeline } from '../hls/playlist.js';

/**
 * Pauses shorter than this between two bursts of talk are one span: Janus
 * judges every 0.5 s, so a breath between two sentences would otherwise split
 * a speaker's turn into a dozen slivers nobody can click.
 */
export const MERGE_GAP_MS = 1_500;

/**
 * Janus's verdict covers the last `audio_active_packets` (25 × 20 ms): the
 * change it reports happened up to that long before it arrives. Both edges
 * of a span are moved back by it, so spans line up with the audio.
 */
export const VERDICT_WINDOW_MS = 500;

/** Pieces shorter than this in replay time (a span cut by the end of recording) are dropped. */
const MIN_PIECE_MS = 100;
/** Two pieces closer than this in replay time are one (segment dates jitter by a few ms). */
const JOIN_MS = 50;

export interface LiveSpan {
  start: number;
  /** Null: still talking (the end of the space closes it). */
  end: number | null;
}

export interface ReplaySpan {
  start_ms: number;
  end_ms: number;
}

/** Whether talk that starts at `at` continues a span that ended at `lastEnd` (one turn). */
export function continuesSpan(lastEnd: number | null, at: number): boolean {
  return lastEnd !== null && at - lastEnd < MERGE_GAP_MS;
}

/** Spans of one person with pauses under MERGE_GAP_MS closed up (for rows written before a merge). */
export function mergeSpans(spans: readonly LiveSpan[], endedAt: number): LiveSpan[] {
  const sorted = spans
    .map((s) => ({ start: s.start, end: s.end ?? endedAt }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start);
  const out: Array<{ start: number; end: number }> = [];
  for (const span of sorted) {
    const last = out[out.length - 1];
    if (last && span.start - last.end < MERGE_GAP_MS) last.end = Math.max(last.end, span.end);
    else out.push({ ...span });
  }
  return out;
}

/** A replay's piece of the live: live time [`at`, `at` + duration) plays at `offset`. */
export interface ReplayPiece {
  at: number;
  durationMs: number;
  offset: number;
}

/**
 * How the replay's clock runs against the live one, from its segments (each
 * dated by #EXT-X-PROGRAM-DATE-TIME, played back to back). A playlist without
 * dates falls back to the recording spans, which the segments were cut by.
 */
export function replayPieces(
  segments: readonly Segment[],
  recorded: readonly Span[],
  endedAt: number,
): ReplayPiece[] {
  const pieces: ReplayPiece[] = [];
  let offset = 0;
  if (segments.length > 0 && segments[0]?.startsAt !== null) {
    for (const segment of timeline(segments)) {
      const durationMs = segment.duration * 1000;
      pieces.push({ at: segment.startsAt, durationMs, offset });
      offset += durationMs;
    }
    return pieces;
  }
  for (const span of [...recorded].sort((a, b) => a.start - b.start)) {
    const durationMs = Math.max(0, (span.end ?? endedAt) - span.start);
    pieces.push({ at: span.start, durationMs, offset });
    offset += durationMs;
  }
  return pieces;
}

/**
 * One person's live spans in replay time: each span cut to what was recorded
 * (talk while recording was off is not in the replay), pieces that meet in the
 * replay joined, slivers dropped. Sorted, non-overlapping, whole milliseconds.
 */
export function toReplayTime(
  spans: readonly LiveSpan[],
  pieces: readonly ReplayPiece[],
  endedAt: number,
): ReplaySpan[] {
  const out: ReplaySpan[] = [];
  for (const span of mergeSpans(spans, endedAt)) {
    const end = span.end ?? endedAt;
    for (const piece of pieces) {
      const from = Math.max(span.start, piece.at);
      const to = Math.min(end, piece.at + piece.durationMs);
      if (to <= from) continue;
      const start_ms = piece.offset + (from - piece.at);
      const end_ms = piece.offset + (to - piece.at);
      const last = out[out.length - 1];
      if (last && start_ms - last.end_ms <= JOIN_MS) last.end_ms = Math.max(last.end_ms, end_ms);
      else out.push({ start_ms, end_ms });
    }
  }
  return out
    .sort((a, b) => a.start_ms - b.start_ms)
    .map((s) => ({ start_ms: Math.round(s.start_ms), end_ms: Math.round(s.end_ms) }))
    .filter((s) => s.end_ms - s.start_ms >= MIN_PIECE_MS);
}

export interface SpeakerLine<U> {
  user: U;
  spans: ReplaySpan[];
}

/**
 * Everyone's spans in replay time, those with nothing in the replay left
 * out, ordered by when each first speaks (ties by id, so the order is stable).
 */
export function speakerTimeline<U>(
  byUser: ReadonlyMap<string, readonly LiveSpan[]>,
  pieces: readonly ReplayPiece[],
  endedAt: number,
  userOf: (id: string) => U,
): Array<SpeakerLine<U> & { id: string }> {
  const lines: Array<SpeakerLine<U> & { id: string }> = [];
  for (const [id, spans] of byUser) {
    const mapped = toReplayTime(spans, pieces, endedAt);
    if (mapped.length > 0) lines.push({ id, user: userOf(id), spans: mapped });
  }
  return lines.sort(
    (a, b) => (a.spans[0]?.start_ms ?? 0) - (b.spans[0]?.start_ms ?? 0) || (a.id < b.id ? -1 : 1),
  );
}
