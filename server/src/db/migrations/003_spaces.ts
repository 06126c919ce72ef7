import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * A space is stored whole as JSON (`data`, the model's SpaceState) beside the
 * columns that queries filter on. Writes compare `version`, so two commands
 * racing on one space cannot both apply.
 */
export function spaces(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('spaces')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('host_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('topics', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('scheduled_start', 'bigint')
        .addColumn('started_at', 'bigint')
        .addColumn('ended_at', 'bigint')
        .addColumn('recording', 'integer', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('spaces_state').on('spaces').columns(['state', 'id']).execute();
      await db.schema.createIndex('spaces_host').on('spaces').columns(['host_id', 'id']).execute();

      await db.schema
        .createTable('space_listeners')
        .addColumn('space_id', 'text', (c) =>
          c.notNull().references('spaces.id').onDelete('cascade'),
        )
        .addColumn('identity', 'text', (c) => c.notNull())
        .addColumn('first_joined_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('space_listeners_pk', ['space_id', 'identity'])
        .execute();

      await db.schema
        .createTable('space_device_bans')
        .addColumn('space_id', 'text', (c) =>
          c.notNull().references('spaces.id').onDelete('cascade'),
        )
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('space_device_bans_pk', ['space_id', 'device_id'])
        .execute();

      // Migrations are frozen history: 010_moderation.ts's appeals repeat these review columns on purpose, never shared.
      await db.schema
        .createTable('reports')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('reporter_id', 'text', (c) =>
          c.notNull().references('users.id').onDelete('cascade'),
        )
        .addColumn('space_id', 'text', (c) => c.references('spaces.id').onDelete('cascade'))
        .addColumn('target_user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('reports_status')
        .on('reports')
        .columns(['status', 'id'])
        .execute();
    },
  };
}
