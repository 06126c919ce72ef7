/**
 * Transcripts (server/src/captions/): the routes the replay page, the Spaces
 * tab's "What was said" search and the moderator console read, their types,
 * and the pure rules they share (which line is playing, a snippet's marks).
 */
import type {
  TranscriptDto,
  TranscriptHitDto,
  TranscriptLineDto,
  TranscriptSearchPageDto,
} from '@salon/protocol';

export type { TranscriptDto, TranscriptHitDto, TranscriptLineDto };

import { API_BASE, request } from '../../../api';

const e = encodeURIComponent;

export const transcriptApi = {
  transcript: (spaceId: string, guestToken: string | null = null) =>
    request<TranscriptDto>(
      'GET',
      `/spaces/${e(spaceId)}/transcript`,
      undefined,
      undefined,
      guestToken,
    ),
  search: (q: string, cursor?: string) =>
    request<TranscriptSearchPageDto>('GET', '/transcripts/search', undefined, { q, cursor }),
};

/** The replay's captions track (WebVTT, replay time); with `download`, the host's file. */
export function vttUrl(spaceId: string, download = false): string {
  return `${API_BASE}/spaces/${e(spaceId)}/transcript.vtt${download ? '?download=true' : ''}`;
}

/** The replay page at a moment: `?t=` is in seconds (ReplayPage.tsx). */
export function replayAt(spaceId: string, atMs: number): string {
  return `/spaces/${e(spaceId)}/replay?t=${Math.max(0, atMs) / 1000}`;
}

/** Lines that play in the replay, in replay order (a line said while recording was off has none). */
export function replayLines(lines: readonly TranscriptLineDto[]): TranscriptLineDto[] {
  return lines
    .filter((l) => l.at_ms !== null && l.at_end_ms !== null)
    .sort((a, b) => (a.at_ms ?? 0) - (b.at_ms ?? 0));
}

/** The line being played at `positionMs` (the latest one started, if it has not ended), or null. */
export function playingLine(
  lines: readonly TranscriptLineDto[],
  positionMs: number,
): TranscriptLineDto | null {
  let found: TranscriptLineDto | null = null;
  for (const line of lines) {
    if (line.at_ms === null || line.at_end_ms === null) continue;
    if (line.at_ms <= positionMs && positionMs < line.at_end_ms) found = line;
  }
  return found;
}

export interface SnippetPart {
  text: string;
  mark: boolean;
}

/**
 * A search snippet in parts: the words the server put in `[` `]` are marks.
 * The text stays text (never HTML); an unmatched bracket is kept as it is.
 */
export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  const push = (text: string, mark: boolean) => {
    if (!text) return;
    const last = parts[parts.length - 1];
    if (last && last.mark === mark) last.text += text;
    else parts.push({ text, mark });
  };
  let rest = snippet;
  while (rest) {
    const open = rest.indexOf('[');
    const close = open < 0 ? -1 : rest.indexOf(']', open + 1);
    if (open < 0 || close < 0) {
      push(rest, false);
      break;
    }
    push(rest.slice(0, open), false);
    push(rest.slice(open + 1, close), true);
    rest = rest.slice(close + 1);
  }
  return parts;
}
