import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Transcripts of captioned spaces (issue 14): one row per final caption line,
 * live time (epoch ms), searchable by its words. SQLite indexes the text in
 * an FTS5 table over the lines (external content, kept by triggers);
 * PostgreSQL in a generated tsvector column with a GIN index. Both use no
 * stemming ('simple' / unicode61): spaces speak many languages and a search
 * for a word finds that word, the same on both engines.
 */
export function captions(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      let table = db.schema.createTable('transcript_lines');
      table =
        dialect === 'postgres'
          ? table.addColumn('id', 'bigserial', (c) => c.primaryKey())
          : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
      await table
        .addColumn('space_id', 'text', (c) =>
          c.notNull().references('spaces.id').onDelete('cascade'),
        )
        .addColumn('utterance_id', 'text', (c) => c.notNull())
        .addColumn('speaker_id', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('start_ms', 'bigint', (c) => c.notNull())
        .addColumn('end_ms', 'bigint', (c) => c.notNull())
        .addColumn('engine', 'text', (c) => c.notNull())
        .addUniqueConstraint('transcript_lines_utterance', ['space_id', 'utterance_id'])
        .execute();
      await db.schema
        .createIndex('transcript_lines_by_time')
        .on('transcript_lines')
        .columns(['space_id', 'start_ms'])
        .execute();
      if (dialect === 'postgres') {
        await sql`alter table transcript_lines add column tsv tsvector
          generated always as (to_tsvector('simple', text)) stored`.execute(db);
        await sql`create index transcript_lines_tsv on transcript_lines using gin (tsv)`.execute(
          db,
        );
        return;
      }
      await sql`create virtual table transcript_fts using fts5(
        text, content='transcript_lines', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')`.execute(db);
      await sql`create trigger transcript_lines_ai after insert on transcript_lines begin
        insert into transcript_fts(rowid, text) values (new.id, new.text);
      end`.execute(db);
      await sql`create trigger transcript_lines_ad after delete on transcript_lines begin
        insert into transcript_fts(transcript_fts, rowid, text) values ('delete', old.id, old.text);
      end`.execute(db);
      await sql`create trigger transcript_lines_au after update on transcript_lines begin
        insert into transcript_fts(transcript_fts, rowid, text) values ('delete', old.id, old.text);
        insert into transcript_fts(rowid, text) values (new.id, new.text);
      end`.execute(db);
    },
  };
}
