import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

/**
 * Redis for tests: the one at TEST_REDIS_URL (default the machine's
 * 127.0.0.1:6379), or a throwaway redis-server from the Debian package when
 * nothing answers there. Never skipped.
 */
let url: Promise<string> | null = null;

export function redisUrl(): Promise<string> {
  url ??= (async () => {
    const configured = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
    if (await answers(configured)) return configured;
    return startThrowaway();
  })();
  return url;
}

async function answers(candidate: string): Promise<boolean> {
  const client = new Redis(candidate, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
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

async function startThrowaway(): Promise<string> {
  const binary = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((b) =>
    existsSync(b),
  );
  if (!binary)
    throw new Error('Redis is not reachable and redis-server is not installed: run npm run setup');
  const dir = mkdtempSync(path.join(tmpdir(), 'salon-redis-'));
  const port = await freePort();
  const child = spawn(
    binary,
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' },
  );
  process.once('exit', () => {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });
  const started = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await answers(started)) return started;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the throwaway redis-server did not start');
}
