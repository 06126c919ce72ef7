import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Clips (server/src/clips): short audio files cut from a space's archive, live
 * (the last 30 s) or from its replay (a chosen range), kept CLIP_TTL_DAYS and
 * then deleted, files and rows. The file is named by the clip's id under
 * DATA_DIR/clips/. `deleted_at` marks a clip being deleted (it is gone for
 * every read at once; the row goes once its file has). Posts may carry a clip,
 * and reports may name one; neither references the table, because a clip is
 * purged while the post and the report stay (the card says it is gone).
 */
export function clips(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('clips')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('space_id', 'text', (c) =>
          c.notNull().references('spaces.id').onDelete('cascade'),
        )
        .addColumn('creator_id', 'text', (c) =>
          c.notNull().references('users.id').onDelete('cascade'),
        )
        .addColumn('title', 'text', (c) => c.notNull())
        // live | replay
        .addColumn('source', 'text', (c) => c.notNull())
        /** Replay time (ms from the replay's start) of a replay clip; null for a live one. */
        .addColumn('start_ms', 'bigint')
        .addColumn('duration_ms', 'bigint', (c) => c.notNull())
        // processing | ready | failed
        .addColumn('state', 'text', (c) => c.notNull())
        /** The file under DATA_DIR/clips/, once cut. */
        .addColumn('file', 'text')
        .addColumn('bytes', 'bigint')
        /** Stream copy or re-encode, as it was cut (for the record and the docs' numbers). */
        .addColumn('method', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('deleted_at', 'bigint')
        .execute();
      await db.schema.createIndex('clips_space').on('clips').columns(['space_id', 'id']).execute();
      await db.schema
        .createIndex('clips_creator')
        .on('clips')
        .columns(['creator_id', 'id'])
        .execute();
      await db.schema.createIndex('clips_expires').on('clips').column('expires_at').execute();
      await db.schema.alterTable('posts').addColumn('clip_id', 'text').execute();
      await db.schema.alterTable('reports').addColumn('clip_id', 'text').execute();
    },
  };
}
