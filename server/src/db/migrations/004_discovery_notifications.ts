import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Durable jobs, reminders, notification dedupe keys and preferences, Web Push
 * subscriptions, and the stage index that the home timeline reads.
 */
export function discoveryAndNotifications(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // One row per job. `key` is unique, so a job is enqueued once however many nodes,
      // hooks and sweeps try; `lease_until` is the lock a node takes to run it.
      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('run_at', 'bigint', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('claimed_by', 'text')
        .addColumn('lease_until', 'bigint')
        .addColumn('done_at', 'bigint')
        .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('jobs_due').on('jobs').columns(['done_at', 'run_at']).execute();

      await db.schema
        .createTable('space_reminders')
        .addColumn('space_id', 'text', (c) =>
          c.notNull().references('spaces.id').onDelete('cascade'),
        )
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('space_reminders_pk', ['space_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('space_reminders_user')
        .on('space_reminders')
        .columns(['user_id', 'space_id'])
        .execute();

      // A notification that must be sent once carries a key; the key's row is written in
      // the same transaction as the notification, so a second attempt writes neither.
      await db.schema
        .createTable('notification_keys')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      // Only choices that differ from the default (everything on) are stored.
      await db.schema
        .createTable('notification_preferences')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('in_app', 'integer', (c) => c.notNull())
        .addColumn('push', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('notification_preferences_pk', ['user_id', 'kind'])
        .execute();

      await db.schema
        .createTable('push_subscriptions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('endpoint', 'text', (c) => c.notNull().unique())
        .addColumn('p256dh', 'text', (c) => c.notNull())
        .addColumn('auth', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_success_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('push_subscriptions_user')
        .on('push_subscriptions')
        .columns(['user_id', 'id'])
        .execute();

      // Who is on the stage of each live space, by user: "spaces where people I follow
      // speak" is then a join on follows. Derived from spaces.data and rebuilt from it.
      await db.schema
        .createTable('space_stage')
        .addColumn('space_id', 'text', (c) =>
          c.notNull().references('spaces.id').onDelete('cascade'),
        )
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('space_stage_pk', ['space_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('space_stage_user')
        .on('space_stage')
        .columns(['user_id', 'space_id'])
        .execute();
      await db.schema
        .createIndex('spaces_schedule')
        .on('spaces')
        .columns(['state', 'scheduled_start', 'id'])
        .execute();
    },
  };
}
