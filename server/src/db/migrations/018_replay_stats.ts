import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * What a replay shows beyond its audio (server/src/replays): who spoke when
 * during the live (one row per span of talking, live time, per person), and
 * the audience (peak and distinct listeners, sampled while live by every node
 * and kept by the largest) with the pins as they were when the space ended.
 */
export function replayStats(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('speaker_spans')
        .addColumn('space_id', 'text', (c) =>
          c.notNull().references('spaces.id').onDelete('cascade'),
        )
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        // Null while the person is talking.
        .addColumn('ended_at', 'bigint')
        .addPrimaryKeyConstraint('speaker_spans_pk', ['space_id', 'user_id', 'started_at'])
        .execute();
      await db.schema
        .createTable('replay_stats')
        .addColumn('space_id', 'text', (c) =>
          c.primaryKey().references('spaces.id').onDelete('cascade'),
        )
        .addColumn('peak_listeners', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('total_listeners', 'integer', (c) => c.notNull().defaultTo(0))
        // JSON array of pins (post id, who, when) when the space ended; null before.
        .addColumn('pins', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
