/**
 * HLS media playlists as data: what ffmpeg writes, parsed; the replay, chosen
 * from the archive by the spans when recording was on; and rendered back.
 * Pure functions, no I/O.
 */
export interface Segment {
  uri: string;
  /** Seconds, from #EXTINF. */
  duration: number;
  /** Epoch ms of the segment's first sample (#EXT-X-PROGRAM-DATE-TIME), when known. */
  startsAt: number | null;
  /** A #EXT-X-DISCONTINUITY precedes it (a restarted packager, a skipped span). */
  discontinuity: boolean;
}

export interface MediaPlaylist {
  targetDuration: number;
  mediaSequence: number;
  type: 'EVENT' | 'VOD' | null;
  ended: boolean;
  segments: Segment[];
}

/** A span of time (epoch ms) during which the host had recording on; `end` null: still on. */
export interface Span {
  start: number;
  end: number | null;
}

export function parsePlaylist(text: string): MediaPlaylist {
  const playlist: MediaPlaylist = {
    targetDuration: 1,
    mediaSequence: 0,
    type: null,
    ended: false,
    segments: [],
  };
  let pending: Partial<Segment> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('#')) {
      playlist.segments.push({
        uri: line,
        duration: pending.duration ?? 0,
        startsAt: pending.startsAt ?? null,
        discontinuity: pending.discontinuity ?? false,
      });
      pending = {};
      continue;
    }
    const colon = line.indexOf(':');
    const tag = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1);
    switch (tag) {
      case '#EXTINF':
        pending.duration = Number.parseFloat(value) || 0;
        break;
      case '#EXT-X-PROGRAM-DATE-TIME': {
        const at = Date.parse(value);
        if (Number.isFinite(at)) pending.startsAt = at;
        break;
      }
      case '#EXT-X-DISCONTINUITY':
        pending.discontinuity = true;
        break;
      case '#EXT-X-TARGETDURATION':
        playlist.targetDuration = Number.parseInt(value, 10) || 1;
        break;
      case '#EXT-X-MEDIA-SEQUENCE':
        playlist.mediaSequence = Number.parseInt(value, 10) || 0;
        break;
      case '#EXT-X-PLAYLIST-TYPE':
        playlist.type = value === 'VOD' || value === 'EVENT' ? value : null;
        break;
      case '#EXT-X-ENDLIST':
        playlist.ended = true;
        break;
      default:
        break;
    }
  }
  return playlist;
}

/** A finished playlist (VOD, ENDLIST) over these segments. */
export function renderVod(segments: readonly Segment[]): string {
  const longest = segments.reduce((max, s) => Math.max(max, s.duration), 0);
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    // EXTINF rounded to the nearest integer must not exceed it.
    `#EXT-X-TARGETDURATION:${Math.max(1, Math.round(longest))}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
  ];
  segments.forEach((segment, i) => {
    if (segment.discontinuity && i > 0) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXTINF:${segment.duration.toFixed(6)},`);
    if (segment.startsAt !== null)
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(segment.startsAt).toISOString()}`);
    lines.push(segment.uri);
  });
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join('\n');
}

/**
 * Start times for every segment: its own date-time tag, else the previous
 * segment's start plus its duration (ffmpeg tags them all; this is a fallback).
 */
export function timeline(segments: readonly Segment[]): Array<Segment & { startsAt: number }> {
  const out: Array<Segment & { startsAt: number }> = [];
  let next: number | null = null;
  for (const segment of segments) {
    const startsAt: number = segment.startsAt ?? next ?? 0;
    out.push({ ...segment, startsAt });
    next = startsAt + segment.duration * 1000;
  }
  return out;
}

/**
 * The segments of the archive that belong in the replay: those whose middle
 * falls inside a span when recording was on (so each edge is off by at most
 * half a segment). A segment left out between two kept ones makes the next
 * kept one a discontinuity.
 */
export function selectRecorded(
  segments: readonly Segment[],
  spans: readonly Span[],
  endedAt: number,
): Segment[] {
  const kept: Segment[] = [];
  let skipped = false;
  for (const segment of timeline(segments)) {
    const middle = segment.startsAt + (segment.duration * 1000) / 2;
    const inside = spans.some((s) => middle >= s.start && middle <= (s.end ?? endedAt));
    if (!inside) {
      skipped = kept.length > 0;
      continue;
    }
    kept.push({ ...segment, discontinuity: kept.length > 0 && (segment.discontinuity || skipped) });
    skipped = false;
  }
  return kept;
}

export function totalDuration(segments: readonly Segment[]): number {
  return segments.reduce((sum, s) => sum + s.duration, 0);
}

/**
 * A playlist with every segment URI prefixed (`../<token>/`): a live
 * playlist fetched under a viewer's own token points its segments at the
 * shared one. Tags and absolute URIs are left as they are. A function
 * chooses each segment's prefix from its #EXT-X-PROGRAM-DATE-TIME (null
 * without one), so that a segment keeps one URI for as long as it is listed
 * (hls.js stops on a listed segment whose URI changed).
 */
export function pointSegments(
  text: string,
  prefix: string | ((startsAt: number | null) => string),
): string {
  let startsAt: number | null = null;
  return text
    .split('\n')
    .map((line) => {
      const uri = line.trim();
      if (uri.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) {
        const at = Date.parse(uri.slice('#EXT-X-PROGRAM-DATE-TIME:'.length));
        startsAt = Number.isFinite(at) ? at : null;
      }
      if (uri === '' || uri.startsWith('#') || /^[a-z]+:|^\//i.test(uri)) return line;
      const chosen = typeof prefix === 'string' ? prefix : prefix(startsAt);
      startsAt = null;
      return chosen + uri;
    })
    .join('\n');
}

/** The media sequence number of a playlist's newest segment (-1: none yet). */
export function lastSequence(text: string): number {
  const playlist = parsePlaylist(text);
  return playlist.mediaSequence + playlist.segments.length - 1;
}

/**
 * Tells players that this live playlist can be asked for "once segment N is
 * in it" (`?_HLS_msn=N`, LL-HLS blocking playlist reload; see
 * playlist-wait.ts): hls.js then asks for the next segment's playlist as
 * soon as it has one, instead of polling every half target duration.
 */
export function allowBlockingReload(text: string): string {
  if (text.includes('#EXT-X-SERVER-CONTROL')) return text;
  return text.replace(
    /^(#EXT-X-TARGETDURATION:[^\n]*\n)/m,
    '$1#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES\n',
  );
}
