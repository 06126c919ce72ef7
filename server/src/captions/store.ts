/**
 * Where final caption lines are kept: one interface, two engines (SQLite
 * FTS5, PostgreSQL tsvector + GIN), chosen with the database (transcripts.ts).
 */
import type { TranscriptLinesTable } from '../db/schema.js';

/** One final line as stored (its table's row less the id); times are epoch milliseconds, as spoken live. */
export type TranscriptLine = Omit<TranscriptLinesTable, 'id'>;

/** A space that matched a search, with its best line. */
export interface TranscriptHit {
  space_id: string;
  /** Higher is better; only comparable within one search. */
  rank: number;
  /** The best line with the matched words in `[` `]`, shortened around them. */
  snippet: string;
  line: TranscriptLine;
}

export interface TranscriptStore {
  /** Stores a final line; the same utterance again replaces its text (idempotent). */
  append(line: TranscriptLine): Promise<void>;
  /** The last `limit` lines of a space, oldest first. */
  recent(spaceId: string, limit: number): Promise<TranscriptLine[]>;
  /** Every line of a space in spoken order (bounded by `limit`). */
  lines(spaceId: string, limit: number): Promise<TranscriptLine[]>;
  /**
   * Spaces whose lines match the words of `query`, best first, one hit per
   * space (its best line). Visibility is the caller's (search.ts).
   */
  search(query: string, limit: number, offset: number): Promise<TranscriptHit[]>;
  /** Deletes a space's lines; returns how many. */
  deleteSpace(spaceId: string): Promise<number>;
}
