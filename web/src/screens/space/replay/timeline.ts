/**
 * The replay's speaker timeline, as pure arithmetic: where each span sits on
 * the bar, the speaking turns it makes, and where "next speaker" and
 * "previous speaker" go. Times are replay milliseconds (from its start).
 */
import type { ReplayTimelineDto, SpanDto, UserSummaryDto } from '@salon/protocol';

/** A span placed on the bar, in percent of the replay's length. */
export interface PlacedSpan extends SpanDto {
  left: number;
  width: number;
}

/** One person speaking without anyone else starting in between. */
export interface Turn {
  user: UserSummaryDto;
  start_ms: number;
  end_ms: number;
}

/**
 * "Next" skips to a turn that starts at least this far ahead, so pressing it
 * at the very start of a turn (where the last press left the playhead) moves on.
 */
export const NEXT_MARGIN_MS = 500;
/** "Previous" this far into a turn goes back to its start; sooner, to the turn before. */
export const PREVIOUS_GRACE_MS = 3_000;

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/** Spans clipped to [0, duration] and placed in percent; empty or reversed spans are dropped. */
export function placeSpans(spans: readonly SpanDto[], durationMs: number): PlacedSpan[] {
  if (!(durationMs > 0)) return [];
  const placed: PlacedSpan[] = [];
  for (const span of spans) {
    const start = clamp(span.start_ms, 0, durationMs);
    const end = clamp(span.end_ms, 0, durationMs);
    if (end <= start) continue;
    placed.push({
      start_ms: start,
      end_ms: end,
      left: (start / durationMs) * 100,
      width: ((end - start) / durationMs) * 100,
    });
  }
  return placed.sort((a, b) => a.start_ms - b.start_ms);
}

/** The replay time (ms) at a fraction of the bar (0 at its left end, 1 at its right). */
export function timeAt(fraction: number, durationMs: number): number {
  return Math.round(clamp(fraction, 0, 1) * Math.max(0, durationMs));
}

/**
 * Every span of every speaker in time order, consecutive spans of one person
 * merged into one turn (their pauses are not someone else speaking).
 */
export function turns(timeline: ReplayTimelineDto): Turn[] {
  const all = timeline.speakers
    .flatMap((s) =>
      placeSpans(s.spans, timeline.duration_ms).map((span) => ({
        user: s.user,
        start_ms: span.start_ms,
        end_ms: span.end_ms,
      })),
    )
    .sort((a, b) => a.start_ms - b.start_ms || a.end_ms - b.end_ms);
  const merged: Turn[] = [];
  for (const span of all) {
    const last = merged.at(-1);
    if (last && last.user.id === span.user.id) last.end_ms = Math.max(last.end_ms, span.end_ms);
    else merged.push({ ...span });
  }
  return merged;
}

/** The turn the playhead is in or last passed, or null before anyone spoke. */
export function turnAt(all: readonly Turn[], atMs: number): Turn | null {
  let found: Turn | null = null;
  for (const turn of all) {
    if (turn.start_ms > atMs) break;
    found = turn;
  }
  return found;
}

/** Who is speaking at this moment (the latest turn still going), or null. */
export function speakingAt(all: readonly Turn[], atMs: number): Turn | null {
  let found: Turn | null = null;
  for (const turn of all) {
    if (turn.start_ms > atMs) break;
    if (turn.end_ms > atMs) found = turn;
  }
  return found;
}

/** The start of the next turn after the playhead, or null when none is left. */
export function nextTurn(all: readonly Turn[], atMs: number): Turn | null {
  return all.find((turn) => turn.start_ms >= atMs + NEXT_MARGIN_MS) ?? null;
}

/**
 * The turn to go back to: the current one's start when well into it, else the
 * one before it (null: back to the very start).
 */
export function previousTurn(all: readonly Turn[], atMs: number): Turn | null {
  let index = -1;
  while (index + 1 < all.length && all[index + 1]!.start_ms <= atMs) index++;
  if (index < 0) return null;
  const current = all[index]!;
  if (atMs - current.start_ms >= PREVIOUS_GRACE_MS) return current;
  return index > 0 ? all[index - 1]! : null;
}

/** The limits of a clip, in ms (the server checks the same). */
export const CLIP_MIN_MS = 5_000;
export const CLIP_MAX_MS = 60_000;
export const CLIP_DEFAULT_MS = 30_000;

/**
 * A clip range starting near `fromMs`, `lengthMs` long, kept inside the
 * replay and within the clip limits; null when the replay is too short.
 */
export function clipRange(
  fromMs: number,
  lengthMs: number,
  durationMs: number,
): { from_ms: number; to_ms: number } | null {
  if (!(durationMs >= CLIP_MIN_MS)) return null;
  const length = clamp(Math.round(lengthMs), CLIP_MIN_MS, Math.min(CLIP_MAX_MS, durationMs));
  const from = clamp(Math.round(fromMs), 0, durationMs - length);
  return { from_ms: from, to_ms: from + length };
}
