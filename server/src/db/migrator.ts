import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import type { Dialect } from './database.js';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

/** Applies every migration not yet applied; runs at each start, idempotent. */
export async function migrateToLatest(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  const provider = {
    async getMigrations(): Promise<Record<string, Migration>> {
      const all: Record<string, Migration> = {};
      for (const [name, make] of Object.entries(migrations)) all[name] = make(dialect);
      return all;
    },
  };
  // Kysely looks for its bookkeeping tables in every schema unless told which one; with
  // several schemas in one database (tests, or neighbours) it would find another's and skip
  // creating its own. Name the schema this connection works in.
  const migrationTableSchema =
    dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]
          ?.schema
      : undefined;
  const migrator = new Migrator({
    db,
    provider,
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Database migration ${failed} failed`, { cause: error });
  }
}
