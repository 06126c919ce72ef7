/**
 * N Salon nodes as separate processes on one fresh PostgreSQL database and
 * the machine's Redis, as several machines behind a balancer would run: the
 * control plane only (MEDIA=off; bench/media and bench/hls measure media).
 * The first node migrates the database, the others find it ready.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { spawnTs, stop, waitForUrl } from '../realtime/children.js';

export interface SalonNodes {
  urls: string[];
  pids: number[];
  close(): Promise<void>;
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function startNodes(
  count: number,
  o: { databaseUrl: string; redisUrl: string; name: string },
): Promise<SalonNodes> {
  const database = `bench_${o.name.replace(/[^a-z0-9_]/g, '_')}`;
  await admin(o.databaseUrl, `drop database if exists ${database}`);
  await admin(o.databaseUrl, `create database ${database}`);
  const url = new URL(o.databaseUrl);
  url.pathname = `/${database}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'salon-bench-cluster-'));
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const child = spawnTs('salon-server.ts', {
        core: null,
        env: {
          HOST: '127.0.0.1',
          PORT: '0',
          DATA_DIR: path.join(dataDir, `node-${i}`),
          DATABASE_URL: url.toString(),
          REDIS_URL: o.redisUrl,
          LOG_LEVEL: 'silent',
          MEDIA: 'off',
          RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
          RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
          WS_CONNECTIONS_PER_ADDRESS: '1000000',
        },
      });
      children.push(child);
      urls.push(await waitForUrl(child, 60_000));
    }
  } catch (error) {
    await Promise.all(children.map((c) => stop(c)));
    throw error;
  }
  return {
    urls,
    pids: children.map((c) => c.pid!),
    async close() {
      await Promise.all(children.map((c) => stop(c)));
      rmSync(dataDir, { recursive: true, force: true });
      await admin(o.databaseUrl, `drop database if exists ${database}`).catch(() => {});
    },
  };
}
