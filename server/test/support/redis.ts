import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
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
  const redis = await ThrowawayRedis.start();
  process.once('exit', () => redis.killNow());
  return redis.url;
}

/**
 * A redis-server of a test's own, on a port of its own, that the test may
 * stop and start again (same port, empty data): an outage that touches no
 * one else's Redis.
 */
export class ThrowawayRedis {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly binary: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<ThrowawayRedis> {
    const binary = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((b) =>
      existsSync(b),
    );
    if (!binary)
      throw new Error(
        'Redis is not reachable and redis-server is not installed: run npm run setup',
      );
    const redis = new ThrowawayRedis(
      await freePort(),
      mkdtempSync(path.join(tmpdir(), 'salon-redis-')),
      binary,
    );
    await redis.up();
    return redis;
  }

  /** Starts it (again) on its port; resolves once it answers PING. */
  async up(): Promise<void> {
    if (this.child) return;
    const child = spawn(
      this.binary,
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.dir,
      ],
      { stdio: 'ignore' },
    );
    // Killed at exit (above): it must not keep the test process alive until then.
    child.unref();
    this.child = child;
    for (let i = 0; i < 100; i++) {
      if (await answers(this.url)) return;
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the throwaway redis-server did not start');
  }

  /** Kills it (SIGKILL: an outage, not a shutdown); resolves once the process is gone. */
  async down(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
  }

  killNow(): void {
    this.child?.kill('SIGKILL');
    this.child = null;
    rmSync(this.dir, { recursive: true, force: true });
  }

  async close(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
