import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Password guesses per account (accounts/login-throttle.ts): one row per
 * account that has recent attempts, deleted at the next successful sign-in.
 */
export function loginThrottle(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('login_throttle')
        .addColumn('user_id', 'text', (c) =>
          c.primaryKey().references('users.id').onDelete('cascade'),
        )
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('locked_until', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
