import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { randomToken } from '../../src/util/ids.js';

/**
 * PostgreSQL for tests: the one at TEST_DATABASE_URL (default: the machine's
 * server on 127.0.0.1:5432, database `test`), or, when that does not answer,
 * a throwaway server started from the Debian binaries. Never skipped.
 * Each caller gets its own schema, dropped afterwards.
 */
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';
let baseUrl: Promise<string> | null = null;

export function postgresUrl(): Promise<string> {
  baseUrl ??= (async () => {
    const configured = process.env['TEST_DATABASE_URL'] ?? DEFAULT_URL;
    if (await answers(configured)) return configured;
    return startThrowawayServer();
  })();
  return baseUrl;
}

export async function createTestSchema(): Promise<{
  url: string;
  schema: string;
  drop(): Promise<void>;
}> {
  const url = await postgresUrl();
  const schema = `t_${randomToken(6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}`;
  await withClient(url, (c) => c.query(`create schema ${schema}`));
  return {
    url,
    schema,
    drop: () =>
      withClient(url, (c) => c.query(`drop schema if exists ${schema} cascade`)).then(
        () => undefined,
      ),
  };
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    await withClient(url, (c) => c.query('select 1'));
    return true;
  } catch {
    return false;
  }
}

function findBinary(name: string): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort().reverse() : [];
  for (const version of versions) {
    const candidate = path.join(root, version, 'bin', name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`PostgreSQL is not reachable and ${name} is not installed: run npm run setup`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function startThrowawayServer(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'salon-pg-'));
  const port = await freePort();
  // PostgreSQL refuses to run as root; run it as the postgres (or nobody) user.
  const asUser =
    process.getuid?.() === 0
      ? ['runuser', '-u', existsSync('/var/lib/postgresql') ? 'postgres' : 'nobody', '--']
      : [];
  if (asUser.length) execFileSync('chown', ['-R', `${asUser[2]}`, dir]);
  const run = (bin: string, args: string[]) => {
    const [cmd, ...rest] = asUser.length ? [...asUser, bin, ...args] : [bin, ...args];
    return { cmd: cmd!, args: rest };
  };
  const init = run(findBinary('initdb'), [
    '-D',
    path.join(dir, 'data'),
    '-U',
    'postgres',
    '-A',
    'trust',
  ]);
  execFileSync(init.cmd, init.args, { stdio: 'ignore' });
  const start = run(findBinary('postgres'), [
    '-D',
    path.join(dir, 'data'),
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
  ]);
  const child = spawn(start.cmd, start.args, { stdio: 'ignore' });
  // Killed at exit (below): it must not keep the test process alive until then.
  child.unref();
  const cleanup = () => {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanup);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  for (let i = 0; i < 100; i++) {
    if (await answers(url)) return url;
    await new Promise((r) => setTimeout(r, 100));
  }
  cleanup();
  throw new Error('the throwaway PostgreSQL server did not start');
}
