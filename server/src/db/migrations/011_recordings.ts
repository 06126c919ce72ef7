import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * The audio of live spaces as the HLS packager keeps it: one row per space
 * that had audio (the archive on disk, the replay derived from it, play
 * counts), and the spans of time during which the host had recording on.
 */
export function recordings(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('space_recordings')
        .addColumn('space_id', 'text', (c) =>
          c.primaryKey().references('spaces.id').onDelete('cascade'),
        )
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('replay', 'text', (c) => c.notNull())
        .addColumn('duration_ms', 'bigint')
        .addColumn('plays', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('finalized_at', 'bigint')
        .addColumn('deleted_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('space_recordings_state')
        .on('space_recordings')
        .column('state')
        .execute();
      await db.schema
        .createTable('recording_spans')
        .addColumn('space_id', 'text', (c) =>
          c.notNull().references('spaces.id').onDelete('cascade'),
        )
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .addPrimaryKeyConstraint('recording_spans_pk', ['space_id', 'started_at'])
        .execute();
    },
  };
}
