/** Captions over HTTP: the engine's status, a space's transcript and the search of what was said. */
import { type Static, Type } from '@sinclair/typebox';
import { PageOf, UserSummaryDto } from './common.js';
import { SpaceDto } from './spaces.js';

/** `GET /api/v1/captions/status`: null engine means "no captions engine configured". */
export const CaptionsStatusDto = Type.Object({
  engine: Type.Union([Type.Literal('pocketsphinx'), Type.Literal('whisper-http'), Type.Null()]),
  languages: Type.Array(Type.String()),
});
export type CaptionsStatusDto = Static<typeof CaptionsStatusDto>;

/** A final caption line of a transcript: live time (epoch ms) and, when recorded, where it plays in the replay. */
export const TranscriptLineDto = Type.Object({
  utterance_id: Type.String(),
  speaker: UserSummaryDto,
  text: Type.String(),
  start_ms: Type.Integer({ description: 'Live time, epoch ms' }),
  end_ms: Type.Integer(),
  /** Where the line plays in the replay; null when not recorded (or no replay). */
  at_ms: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Where the line plays in the replay (null: not recorded)',
  }),
  at_end_ms: Type.Union([Type.Integer(), Type.Null()]),
});
export type TranscriptLineDto = Static<typeof TranscriptLineDto>;

/** `GET /api/v1/spaces/:id/transcript`. */
export const TranscriptDto = Type.Object({
  space_id: Type.String(),
  /** The replay's length, or null without a ready replay. */
  duration_ms: Type.Union([Type.Integer(), Type.Null()]),
  lines: Type.Array(TranscriptLineDto),
});
export type TranscriptDto = Static<typeof TranscriptDto>;

/** A space found by what was said: its best line's snippet, with the matched words in [ ]. */
export const TranscriptHitDto = Type.Object({
  space: SpaceDto,
  snippet: Type.String({ description: 'The best line, matched words in [ ]' }),
  at_ms: Type.Integer({ description: 'Open the replay here (ms)' }),
  speaker: UserSummaryDto,
});
export type TranscriptHitDto = Static<typeof TranscriptHitDto>;

/** `GET /api/v1/transcripts/search`: the hits, best first, a page at a time. */
export const TranscriptSearchPageDto = PageOf(TranscriptHitDto);
export type TranscriptSearchPageDto = Static<typeof TranscriptSearchPageDto>;
