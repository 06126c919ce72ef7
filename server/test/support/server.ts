import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { type Config, loadConfig } from '../../src/config.js';
import { createServer, type SalonServer } from '../../src/server.js';
import type { Clock } from '../../src/util/clock.js';
import { Client } from './client.js';
import { createTestSchema } from './postgres.js';

export type Backend = 'sqlite' | 'postgres';

export interface TestServer {
  server: SalonServer;
  url: string;
  config: Config;
  /** The PostgreSQL schema of this instance (postgres backend only), for a second node on the same data. */
  pgSchema: string | null;
  client(): Client;
  /** A new account, signed in on its own client. */
  user(
    handle?: string,
    displayName?: string,
  ): Promise<{ client: Client; id: string; handle: string }>;
  /** Stop and, for a fresh instance, delete what it stored. */
  close(): Promise<void>;
  /** Stop and start again on the same data. */
  restart(): Promise<void>;
}

let handles = 0;
export function uniqueHandle(prefix = 'u'): string {
  handles += 1;
  return `${prefix}${process.pid % 10000}_${handles}`.slice(0, 15);
}

/** A real Salon server on an ephemeral port, on a fresh SQLite file or PostgreSQL schema. */
export async function startTestServer(
  options: {
    backend?: Backend;
    env?: Record<string, string>;
    clock?: Clock;
    /** A web build of the test's own (web/dist otherwise). */
    webDir?: string;
  } = {},
): Promise<TestServer> {
  const backend = options.backend ?? 'sqlite';
  const dataDir = mkdtempSync(path.join(tmpdir(), 'salon-test-'));
  const schema = backend === 'postgres' ? await createTestSchema() : null;
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    // Audio needs a network namespace (see test/media); the control plane does not.
    MEDIA: 'off',
    RATE_LIMIT_AUTH_PER_MINUTE: '100000',
    RATE_LIMIT_WRITES_PER_MINUTE: '100000',
    ...(schema ? { DATABASE_URL: schema.url } : {}),
    ...options.env,
  });
  const boot = async () => {
    const server = await createServer(config, {
      logger: pino({ level: 'silent' }),
      processMetrics: false,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.webDir ? { webDir: options.webDir } : {}),
      ...(schema ? { storage: { pgSchema: schema.schema, poolSize: 5 } } : {}),
    });
    await server.start();
    return server;
  };

  const test: TestServer = {
    server: await boot(),
    url: '',
    config,
    pgSchema: schema?.schema ?? null,
    client: () => new Client(test.url),
    async user(handle = uniqueHandle(), displayName = handle) {
      const client = test.client();
      const reply = await client.post('/api/v1/auth/register', {
        handle,
        display_name: displayName,
        password: 'correct horse battery',
      });
      if (reply.status !== 201)
        throw new Error(`register ${handle}: ${reply.status} ${JSON.stringify(reply.body)}`);
      return { client, id: reply.body.user.id as string, handle };
    },
    async restart() {
      await test.server.stop();
      // Same port: clients that remember the URL keep working, as after a real restart.
      const port = new URL(test.url).port;
      Object.assign(config, { port: Number(port) });
      test.server = await boot();
      test.url = test.server.url;
    },
    async close() {
      await test.server.stop();
      await schema?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  test.url = test.server.url;
  return test;
}
