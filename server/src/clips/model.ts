import { AppError } from '../errors.js';
import type { Segment } from '../hls/playlist.js';

/**
 * What a clip is made of, decided from a playlist before anything is cut:
 * which segments, and whether they are copied as they are or re-encoded to
 * the exact range. Pure functions, no I/O and no clock.
 */

/** A live clip is the last this much of the archive (X's clip length). */
export const CLIP_LIVE_MS = 30_000;
/** A replay clip is a range of this length, in replay time. */
export const CLIP_MIN_MS = 5_000;
export const CLIP_MAX_MS = 60_000;
/**
 * A requested edge this close to a segment boundary is cut at the boundary:
 * the segments are copied as they are (no quality lost, ~50 ms of CPU), and
 * the clip is at most this much longer or shorter at each end. Further off,
 * the segments are decoded and re-encoded to the exact range.
 */
export const COPY_TOLERANCE_MS = 100;
export const CLIP_TITLE_MAX = 100;

export interface CutSegment {
  /** The file name in the archive (and the replay, whose files are hard links to it). */
  uri: string;
  /** Seconds, the playlist's #EXTINF: the concat list states it, since ffmpeg misjudges a TS's own. */
  duration: number;
}

export interface CutPlan {
  segments: CutSegment[];
  /** Copy the segments whole, or re-encode `[offsetMs, offsetMs + durationMs)` of their concatenation. */
  method: 'copy' | 'encode';
  offsetMs: number;
  durationMs: number;
  /** Replay time of the clip's first sample (replay clips only). */
  startMs: number | null;
}

const ms = (seconds: number) => seconds * 1000;

/**
 * The last 30 s of a live space, precisely: the archive playlist lists only
 * complete segments (ffmpeg writes each to a temporary name and lists it
 * once it is renamed), so the clip ENDS at the end of the newest complete
 * segment, which is 0–1 s (one segment) before the moment of the request
 * plus the packager's own delay. It covers the 30 s before that end in whole
 * segments: a segment is in when its middle is inside the window (the rule
 * the replay uses for recording spans), so each edge is off by at most half
 * a segment and the clip is 29.5–30.5 s with 1 s segments. Whole segments are
 * stream-copied. Less than CLIP_MIN_MS archived yet is `nothing_to_clip`.
 */
export function planLive(segments: readonly Segment[]): CutPlan {
  const usable = segments.filter((s) => s.duration > 0);
  const kept: Segment[] = [];
  let back = 0;
  for (let i = usable.length - 1; i >= 0; i--) {
    const segment = usable[i]!;
    const middle = back + ms(segment.duration) / 2;
    if (middle > CLIP_LIVE_MS) break;
    kept.unshift(segment);
    back += ms(segment.duration);
  }
  if (back < CLIP_MIN_MS) throw nothingToClip();
  return {
    segments: kept.map(cutSegment),
    method: 'copy',
    offsetMs: 0,
    durationMs: Math.round(back),
    startMs: null,
  };
}

export interface RangeInput {
  from_ms?: number | undefined;
  to_ms?: number | undefined;
}

/** A 5–60 s range of the replay, `from_ms`..`to_ms` in replay time (ms from its start). */
export function planReplay(segments: readonly Segment[], input: RangeInput): CutPlan {
  const { from_ms: from, to_ms: to } = input;
  if (from === undefined || to === undefined) {
    throw AppError.invalid(
      'clip_range_invalid',
      'A clip of a replay needs from_ms and to_ms (replay time, in milliseconds).',
    );
  }
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to <= from) {
    throw AppError.invalid('clip_range_invalid', 'from_ms must be before to_ms, both from 0.');
  }
  const length = to - from;
  if (length < CLIP_MIN_MS) {
    throw AppError.invalid('clip_too_short', `A clip is at least ${CLIP_MIN_MS / 1000} seconds.`);
  }
  if (length > CLIP_MAX_MS) {
    throw AppError.invalid('clip_too_long', `A clip is at most ${CLIP_MAX_MS / 1000} seconds.`);
  }
  // Replay time is the running sum of the replay playlist's durations: what its player shows.
  const placed: Array<{ segment: Segment; start: number; end: number }> = [];
  let at = 0;
  for (const segment of segments) {
    placed.push({ segment, start: at, end: at + ms(segment.duration) });
    at += ms(segment.duration);
  }
  const total = Math.round(at);
  if (total < CLIP_MIN_MS) throw nothingToClip();
  if (to > total + COPY_TOLERANCE_MS) {
    throw AppError.invalid(
      'clip_range_invalid',
      `The replay is ${Math.floor(total / 1000)} seconds long; the clip must end within it.`,
      { duration_ms: total },
    );
  }
  const end = Math.min(to, total);
  const touched = placed.filter((p) => p.end > from && p.start < end);
  const first = touched[0]!;
  const last = touched[touched.length - 1]!;
  // Copy only when both edges sit on boundaries, and the boundaries are those of the range.
  const startEdge = nearestBoundary(touched, from);
  const endEdge = nearestBoundary(touched, end);
  if (
    Math.abs(startEdge.at - from) <= COPY_TOLERANCE_MS &&
    Math.abs(endEdge.at - end) <= COPY_TOLERANCE_MS &&
    endEdge.index > startEdge.index
  ) {
    const whole = touched.slice(startEdge.index, endEdge.index);
    return {
      segments: whole.map((p) => cutSegment(p.segment)),
      method: 'copy',
      offsetMs: 0,
      durationMs: Math.round(endEdge.at - startEdge.at),
      startMs: Math.round(startEdge.at),
    };
  }
  return {
    segments: touched.map((p) => cutSegment(p.segment)),
    method: 'encode',
    offsetMs: Math.round(from - first.start),
    durationMs: Math.round(Math.min(end, last.end) - from),
    startMs: from,
  };
}

/** The segment boundary nearest `at`: index i is the start of touched[i] (length: the end). */
function nearestBoundary(
  touched: ReadonlyArray<{ start: number; end: number }>,
  at: number,
): { index: number; at: number } {
  const bounds = [...touched.map((p) => p.start), touched[touched.length - 1]!.end];
  let best = 0;
  for (let i = 1; i < bounds.length; i++) {
    if (Math.abs(bounds[i]! - at) < Math.abs(bounds[best]! - at)) best = i;
  }
  return { index: best, at: bounds[best]! };
}

function cutSegment(segment: Segment): CutSegment {
  return { uri: segment.uri, duration: segment.duration };
}

function nothingToClip(): AppError {
  return AppError.conflict(
    'nothing_to_clip',
    `There is no audio to clip yet (a clip needs at least ${CLIP_MIN_MS / 1000} seconds).`,
  );
}

/** Trimmed, whitespace folded, at most CLIP_TITLE_MAX characters; empty → the space's title. */
export function clipTitle(raw: string | undefined, spaceTitle: string): string {
  const title = (raw ?? '').normalize('NFC').replace(/\s+/g, ' ').trim();
  if ([...title].length > CLIP_TITLE_MAX) {
    throw AppError.invalid(
      'clip_title_too_long',
      `A clip's title has at most ${CLIP_TITLE_MAX} characters.`,
    );
  }
  return title === '' ? spaceTitle : title;
}

/**
 * The concat demuxer's list for the cut. ffmpeg reads each file's own
 * duration from an MPEG-TS badly (0.7 s for a 1 s AAC segment), and would
 * then overlap them; the playlist's durations are stated instead, which also
 * rebases each segment's timestamps, so a packager restart's seam joins.
 */
export function concatList(files: readonly { path: string; duration: number }[]): string {
  return `${files
    .map((f) => `file '${f.path.replace(/'/g, "'\\''")}'\nduration ${f.duration.toFixed(6)}`)
    .join('\n')}\n`;
}

/** The ffmpeg arguments of a cut, reading `list` (concat) and writing `output` (.m4a). */
export function cutArgs(plan: CutPlan, list: string, output: string): string[] {
  const input = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'];
  input.push('-f', 'concat', '-safe', '0', '-i', list, '-map', '0:a:0');
  const codec =
    plan.method === 'copy'
      ? ['-c:a', 'copy', '-bsf:a', 'aac_adtstoasc']
      : [
          // ffmpeg's AAC flags, alike other encoders' command lines in their values only.
          // Output seeking: decodes from the first segment and drops samples up to the offset.
          '-ss',
          (plan.offsetMs / 1000).toFixed(3),
          '-t',
          (plan.durationMs / 1000).toFixed(3),
          '-c:a',
          'aac',
          '-b:a',
          '64k',
          '-ac',
          '1',
          '-ar',
          '48000',
        ];
  // faststart: the index goes first, so a player starts before the whole file arrived.
  return [...input, ...codec, '-movflags', '+faststart', '-f', 'mp4', output];
}
