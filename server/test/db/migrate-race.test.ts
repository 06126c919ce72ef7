import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { openStorage } from '../../src/db/database.js';
import { createTestSchema, postgresUrl } from '../support/postgres.js';

/**
 * Migrating while other schemas of the database are dropped (as parallel
 * test files drop theirs, or neighbours in a shared database): Kysely's
 * catalog read names every schema it sees, and one dropped under it made the
 * whole start fail with `schema "…" does not exist` (a clean-clone CI run,
 * twice in one run of two). Each of these starts must succeed.
 */
test('a PostgreSQL start migrates while other schemas are being dropped', async () => {
  const url = await postgresUrl();
  const churn = new pg.Client({ connectionString: url });
  await churn.connect();
  let churning = true;
  let dropped = 0;
  // Schemas with a table each (so the catalog read goes through them), dropped at once.
  const churner = (async () => {
    while (churning) {
      const name = `t_churn_${process.pid}_${dropped}`;
      await churn.query(`create schema ${name}; create table ${name}.t (id int)`);
      await churn.query(`drop schema ${name} cascade`);
      dropped += 1;
    }
  })();
  try {
    for (let i = 0; i < 8; i++) {
      const schema = await createTestSchema();
      try {
        const storage = await openStorage(
          { kind: 'postgres', url },
          { pgSchema: schema.schema, poolSize: 2 },
        );
        await storage.close();
      } finally {
        await schema.drop();
      }
    }
  } finally {
    churning = false;
    await churner;
    await churn.end();
  }
  assert.ok(dropped > 0, 'schemas were dropped while the starts migrated');
});
