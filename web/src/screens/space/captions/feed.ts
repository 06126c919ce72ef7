/**
 * The captions a client keeps for one space, as a pure reducer: the lines
 * shown (a partial replaced by the final of the same utterance), the last
 * `seq` shown per speaker (an older or repeated line is dropped), and the
 * captions state as the server last said it.
 */
import type {
  CaptionLineDto,
  CaptionsServerMessage,
  CaptionsSnapshotDto,
  CaptionsState,
  SpaceDto,
} from '@salon/protocol';

/** Lines kept: enough to scroll back a little, few enough to stay cheap. */
export const KEPT_LINES = 30;

export interface CaptionsFeed {
  /** Oldest first. */
  lines: CaptionLineDto[];
  /** speaker id → the highest seq applied. */
  lastSeq: Readonly<Record<string, number>>;
  /** As the server last said; null before it said anything. */
  state: CaptionsState | null;
  unavailable: string[];
}

export const EMPTY_FEED: CaptionsFeed = { lines: [], lastSeq: {}, state: null, unavailable: [] };

export type CaptionsInput =
  | { type: 'snapshot'; captions: CaptionsSnapshotDto | undefined }
  | CaptionsServerMessage;

export function reduceCaptions(feed: CaptionsFeed, input: CaptionsInput): CaptionsFeed {
  switch (input.type) {
    case 'snapshot':
      return fromSnapshot(feed, input.captions);
    case 'captions_state':
      return { ...feed, state: input.state, unavailable: [...input.unavailable] };
    case 'caption': {
      const { type: _type, space_id: _space, ...line } = input;
      return addLine(feed, line);
    }
  }
}

/**
 * A (re)subscribe's snapshot: its state, and its recent finals merged in.
 * Their `seq` counts within the snapshot, not per speaker, so they are
 * merged by utterance and never move a speaker's last seq.
 */
function fromSnapshot(feed: CaptionsFeed, captions: CaptionsSnapshotDto | undefined): CaptionsFeed {
  if (!captions) return { ...feed, state: 'off', unavailable: [] };
  const known = new Set(feed.lines.map((l) => l.utterance_id));
  const added = captions.recent.filter((l) => !known.has(l.utterance_id));
  const lines = [...feed.lines, ...added].sort((a, b) => a.start_ms - b.start_ms);
  return {
    ...feed,
    lines: lines.slice(-KEPT_LINES),
    state: captions.state,
    unavailable: [...captions.unavailable],
  };
}

function addLine(feed: CaptionsFeed, line: CaptionLineDto): CaptionsFeed {
  const last = feed.lastSeq[line.speaker_id];
  if (last !== undefined && line.seq <= last) return feed;
  const lastSeq = { ...feed.lastSeq, [line.speaker_id]: line.seq };
  const at = feed.lines.findIndex((l) => l.utterance_id === line.utterance_id);
  if (at >= 0) {
    const lines = feed.lines.slice();
    lines[at] = line;
    return { ...feed, lines, lastSeq };
  }
  return { ...feed, lines: [...feed.lines, line].slice(-KEPT_LINES), lastSeq };
}

/**
 * The state to show: nothing unless the space is live and captioned (the
 * host's toggle arrives as a space event before any `captions_state`), and
 * `running` until the server says otherwise.
 */
export function shownState(space: Pick<SpaceDto, 'state' | 'captions'>, feed: CaptionsFeed) {
  if (space.state !== 'live' || !space.captions) return 'off';
  return feed.state === 'paused' ? 'paused' : 'running';
}
