import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * The admin console's tables: requests to host (one open request per person,
 * held by a partial unique index, which both engines enforce under races),
 * and the notices a person dismissed (the first admin's welcome).
 */
export function admin(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('hosting_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', 'bigint')
        .addColumn('decision_note', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema
        .createIndex('hosting_requests_one_open')
        .on('hosting_requests')
        .column('user_id')
        .unique()
        .where(sql.ref('status'), '=', 'open')
        .execute();
      await db.schema
        .createIndex('hosting_requests_by_status')
        .on('hosting_requests')
        .columns(['status', 'id'])
        .execute();
      await db.schema
        .createTable('dismissed_notices')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('notice', 'text', (c) => c.notNull())
        .addColumn('dismissed_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('dismissed_notices_pk', ['user_id', 'notice'])
        .execute();
    },
  };
}
