import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * The browser or client a session was opened from (its User-Agent, cut to
 * 300 characters), so the settings screen can list "Firefox on Linux" beside
 * each session a person may want to sign out. Older sessions have none.
 */
export function sessionDevices(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
    },
  };
}
