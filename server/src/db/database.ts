import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { SalonPostgresDialect } from './introspector.js';
import { migrateToLatest } from './migrator.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Storage {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface StorageOptions {
  /** PostgreSQL schema to use instead of `public` (tests isolate themselves this way). */
  pgSchema?: string;
  poolSize?: number;
}

/** Where the data lives: an SQLite file (the embedded setup) or a PostgreSQL URL (DATABASE_URL). */
export type DatabaseSettings = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export async function openStorage(
  database: DatabaseSettings,
  options: StorageOptions = {},
): Promise<Storage> {
  const storage =
    database.kind === 'sqlite' ? openSqlite(database.file) : openPostgres(database.url, options);
  try {
    await migrateToLatest(storage.db, storage.dialect);
  } catch (error) {
    await storage.close();
    throw error;
  }
  return storage;
}

function openSqlite(file: string): Storage {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a write acknowledged with a 2xx survives a crash or power loss.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return wrap(db, 'sqlite');
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

function openPostgres(url: string, options: StorageOptions): Storage {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    // A schema of its own (tests, one per suite, made and dropped while others run). Such
    // a connection also plans without parallel workers (Salon's own queries are small and
    // indexed). Kysely's catalog reads at migration are kept to this schema
    // (db/introspector.ts): reading every schema failed when another one was dropped.
    ...(options.pgSchema
      ? { options: `-c search_path=${options.pgSchema} -c max_parallel_workers_per_gather=0` }
      : {}),
    types: {
      getTypeParser: ((oid: number, format?: string) => {
        // Epoch milliseconds and counts fit in a double; return numbers as SQLite does.
        if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
        return pg.types.getTypeParser(oid, format as 'text');
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new SalonPostgresDialect({ pool }) });
  return wrap(db, 'postgres');
}

function wrap(db: Kysely<Database>, dialect: Dialect): Storage {
  let closed: Promise<void> | null = null;
  return {
    db,
    dialect,
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    close() {
      closed ??= db.destroy();
      return closed;
    },
  };
}
