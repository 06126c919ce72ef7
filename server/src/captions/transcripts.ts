import { type Kysely, sql } from 'kysely';
import type { Storage } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { TranscriptHit, TranscriptLine, TranscriptStore } from './store.js';

/** At most this many words of a query are searched for (all of them must match). */
export const MAX_QUERY_WORDS = 8;
const MAX_WORD_CHARS = 64;

/**
 * The words of a search, as both engines index them: letters and digits,
 * lowercased, diacritics kept for PostgreSQL's 'simple' configuration and
 * folded by FTS5's unicode61 (so "café" finds "cafe" on SQLite only — the
 * one difference, documented). Everything else (quotes, operators, NEAR,
 * column filters) is dropped: a query is never syntax.
 */
export function queryWords(query: string): string[] {
  const words =
    query
      .normalize('NFC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words.map((w) => w.slice(0, MAX_WORD_CHARS)))].slice(0, MAX_QUERY_WORDS);
}

const COLUMNS = [
  'space_id',
  'utterance_id',
  'speaker_id',
  'text',
  'start_ms',
  'end_ms',
  'engine',
] as const;

/** The storage engine's transcript store. */
export function transcriptStore(storage: Storage): TranscriptStore {
  return storage.dialect === 'postgres'
    ? new PostgresTranscripts(storage.db)
    : new SqliteTranscripts(storage.db);
}

interface HitRow extends TranscriptLine {
  total: number;
  snip: string;
}

/** What both engines share: the lines table. Only the search differs. */
abstract class Transcripts implements TranscriptStore {
  constructor(protected readonly db: Kysely<Database>) {}

  async append(line: TranscriptLine): Promise<void> {
    await this.db
      .insertInto('transcript_lines')
      .values({ ...pick(line) })
      .onConflict((oc) =>
        oc.columns(['space_id', 'utterance_id']).doUpdateSet({
          speaker_id: line.speaker_id,
          text: line.text,
          start_ms: line.start_ms,
          end_ms: line.end_ms,
          engine: line.engine,
        }),
      )
      .execute();
  }

  async recent(spaceId: string, limit: number): Promise<TranscriptLine[]> {
    const rows = await this.db
      .selectFrom('transcript_lines')
      .select(COLUMNS)
      .where('space_id', '=', spaceId)
      .orderBy('start_ms', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse();
  }

  lines(spaceId: string, limit: number): Promise<TranscriptLine[]> {
    return this.db
      .selectFrom('transcript_lines')
      .select(COLUMNS)
      .where('space_id', '=', spaceId)
      .orderBy('start_ms')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  async deleteSpace(spaceId: string): Promise<number> {
    const result = await this.db
      .deleteFrom('transcript_lines')
      .where('space_id', '=', spaceId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async search(query: string, limit: number, offset: number): Promise<TranscriptHit[]> {
    const words = queryWords(query);
    if (words.length === 0) return [];
    const rows = await this.matches(words, limit, offset);
    return rows.map((row) => ({
      space_id: row.space_id,
      rank: Number(row.total),
      snippet: row.snip,
      line: pick(row),
    }));
  }

  /**
   * Every matching line scored; a space ranks by the sum of its lines'
   * scores (more lines saying it, and saying it more, rank higher) and is
   * shown by its best line.
   */
  protected abstract matches(words: string[], limit: number, offset: number): Promise<HitRow[]>;
}

class SqliteTranscripts extends Transcripts {
  protected async matches(words: string[], limit: number, offset: number): Promise<HitRow[]> {
    // Each word quoted: a phrase of one token, so nothing in it is FTS5 syntax; juxtaposed = AND.
    const match = words.map((w) => `"${w.replaceAll('"', '')}"`).join(' ');
    // bm25 is lower for better matches: the sum is negated so that higher ranks first, as on PostgreSQL.
    const result = await sql<HitRow>`
      with m as (
        select transcript_fts.rowid as id, -bm25(transcript_fts) as score,
               snippet(transcript_fts, 0, '[', ']', '…', 16) as snip
        from transcript_fts where transcript_fts match ${match}
      ), r as (
        select m.id, m.snip, l.space_id,
               row_number() over (partition by l.space_id order by m.score desc, m.id) as n,
               sum(m.score) over (partition by l.space_id) as total
        from m join transcript_lines l on l.id = m.id
      )
      select r.total, r.snip, l.space_id, l.utterance_id, l.speaker_id, l.text, l.start_ms,
             l.end_ms, l.engine
      from r join transcript_lines l on l.id = r.id
      where r.n = 1
      order by r.total desc, l.space_id
      limit ${limit} offset ${offset}`.execute(this.db);
    return result.rows;
  }
}

class PostgresTranscripts extends Transcripts {
  protected async matches(words: string[], limit: number, offset: number): Promise<HitRow[]> {
    const result = await sql<HitRow>`
      with q as (select plainto_tsquery('simple', ${words.join(' ')}) as q),
      m as (
        select l.id, l.space_id, ts_rank(l.tsv, q.q) as score
        from transcript_lines l, q where l.tsv @@ q.q
      ), r as (
        select m.id, m.space_id,
               row_number() over (partition by m.space_id order by m.score desc, m.id) as n,
               sum(m.score) over (partition by m.space_id) as total
        from m
      )
      select r.total::float8 as total,
             ts_headline('simple', l.text, q.q,
               'StartSel=[, StopSel=], MaxWords=24, MinWords=8, FragmentDelimiter=…') as snip,
             l.space_id, l.utterance_id, l.speaker_id, l.text, l.start_ms, l.end_ms, l.engine
      from r join transcript_lines l on l.id = r.id, q
      where r.n = 1
      order by r.total desc, l.space_id
      limit ${limit} offset ${offset}`.execute(this.db);
    return result.rows;
  }
}

// Alike captions/service.ts's toStored() in shape: that renames a live line's fields, this copies a row and reads bigints as numbers.
function pick(line: TranscriptLine): TranscriptLine {
  return {
    space_id: line.space_id,
    utterance_id: line.utterance_id,
    speaker_id: line.speaker_id,
    text: line.text,
    start_ms: Number(line.start_ms),
    end_ms: Number(line.end_ms),
    engine: line.engine,
  };
}
