import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Which people (users and guests) each browser (`salon_device` cookie) was
 * seen with. A removal bans the person, and through this table every browser
 * they used, even when they are not connected at the time: admission checks
 * the browser's people against the space's removed ids.
 */
export function deviceIdentities(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('device_identities')
        .addColumn('device_id', 'text', (c) => c.notNull())
        // `user:<id>` or `guest:<id>`.
        .addColumn('identity', 'text', (c) => c.notNull())
        .addColumn('seen_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('device_identities_pk', ['device_id', 'identity'])
        .execute();
      await db.schema
        .createIndex('device_identities_identity')
        .on('device_identities')
        .column('identity')
        .execute();
    },
  };
}
