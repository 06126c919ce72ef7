import { type Kysely, type Migration, Migrator } from 'kysely';
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
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Database migration ${failed} failed`, { cause: error });
  }
}
