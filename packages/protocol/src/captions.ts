/**
 * Live captions (issue 14). The server transcribes each stage member's own
 * audio; lines reach the space's subscribers who may hear it (a ticketed
 * space's holders and stage), over the realtime socket, whichever node
 * carries the speaker's media.
 *
 * A `partial` line is replaced by the next line with the same `utterance_id`
 * (partials at most one per speaker per 500 ms, the latest wins); a `final`
 * line is the utterance as stored in the transcript. `seq` increases per
 * speaker in a space: a client drops a line older than one it has shown.
 */

export type CaptionKind = 'partial' | 'final';

/** One caption line on the wire; `start_ms` and `end_ms` are epoch milliseconds. */
export interface CaptionLineDto {
  seq: number;
  utterance_id: string;
  speaker_id: string;
  kind: CaptionKind;
  text: string;
  start_ms: number;
  end_ms: number;
}

/**
 * `off`: the space is not captioned; `running`: lines come; `paused`: the
 * engine is unreachable for now (a Whisper-compatible server down) and lines
 * will come back by themselves.
 */
export type CaptionsState = 'off' | 'running' | 'paused';

/** In the subscribe snapshot (for those who may hear): the state and the last 5 finals. */
export interface CaptionsSnapshotDto {
  state: CaptionsState;
  /** Stage members whose captions cannot be made now (CAPTIONS_MAX_STREAMS reached, no model). */
  unavailable: string[];
  recent: CaptionLineDto[];
}

export type CaptionsServerMessage =
  | ({ type: 'caption'; space_id: string } & CaptionLineDto)
  | { type: 'captions_state'; space_id: string; state: CaptionsState; unavailable: string[] };

/**
 * Captions over HTTP (the engine's status, transcripts, the search of what
 * was said): TypeBox schemas in `@salon/protocol/schemas` (the server
 * validates and documents with them), their `Static<>` types exported here.
 */
export type {
  CaptionsStatusDto,
  TranscriptDto,
  TranscriptHitDto,
  TranscriptLineDto,
  TranscriptSearchPageDto,
} from './schemas.js';
