import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { type Config, loadConfig } from '../../src/config.js';
import { createServer, type SalonServer } from '../../src/server.js';
import type { Clock } from '../../src/util/clock.js';
import { Client } from './client.js';
import { createTestSchema } from './postgres.js';
import { redisUrl } from './redis.js';
import { uniqueHandle } from './server.js';

/**
 * Several Salon nodes in one test process, on one PostgreSQL schema, as
 * several processes behind a load balancer would be. Each node can be stopped
 * and started again on the same data while the others keep running.
 */
export interface TestCluster {
  nodes: SalonServer[];
  /** The configuration node `node` runs with (its `dataDir`, say). */
  config(node: number): Config;
  url(node: number): string;
  client(node?: number): Client;
  user(node?: number, handle?: string): Promise<{ client: Client; id: string; handle: string }>;
  stop(node: number): Promise<void>;
  start(node: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTestCluster(options: {
  nodes: number;
  clock?: Clock;
  env?: Record<string, string>;
  /** Join the nodes with the test Redis (`redisUrl`), for the bus and presence. */
  redis?: boolean;
  /** One DATA_DIR for every node, as nodes sharing a volume; each its own otherwise. */
  sharedDataDir?: boolean;
}): Promise<TestCluster> {
  const schema = await createTestSchema();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'salon-cluster-'));
  const redis = options.redis ? { REDIS_URL: await redisUrl() } : {};
  const configs: Config[] = [];
  const nodes: SalonServer[] = [];
  const running: boolean[] = [];

  const boot = async (i: number) => {
    const server = await createServer(configs[i]!, {
      logger: pino({ level: 'silent' }),
      processMetrics: false,
      nodeId: `node-${i}`,
      ...(options.clock ? { clock: options.clock } : {}),
      storage: { pgSchema: schema.schema, poolSize: 5 },
    });
    await server.start();
    nodes[i] = server;
    running[i] = true;
  };

  // One after the other: the first node migrates the schema, the next find it ready.
  try {
    for (let i = 0; i < options.nodes; i++) {
      configs.push(
        loadConfig({
          PORT: '0',
          DATA_DIR: options.sharedDataDir ? dataDir : path.join(dataDir, `node-${i}`),
          LOG_LEVEL: 'silent',
          RATE_LIMIT_AUTH_PER_MINUTE: '100000',
          RATE_LIMIT_WRITES_PER_MINUTE: '100000',
          DATABASE_URL: schema.url,
          ...redis,
          ...options.env,
        }),
      );
      await boot(i);
    }
  } catch (error) {
    // The nodes already up would keep the test process alive (it then hangs until its
    // timeout instead of failing at once): stop them, and drop what was made.
    for (const node of nodes) await node?.stop().catch(() => undefined);
    await schema.drop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }

  const cluster: TestCluster = {
    nodes,
    config: (i) => configs[i]!,
    url: (i) => nodes[i]!.url,
    client: (i = 0) => new Client(nodes[i]!.url),
    async user(i = 0, handle = uniqueHandle()) {
      const client = cluster.client(i);
      const reply = await client.post('/api/v1/auth/register', {
        handle,
        display_name: handle,
        password: 'correct horse battery',
      });
      if (reply.status !== 201) throw new Error(`register ${handle}: ${reply.status}`);
      return { client, id: reply.body.user.id as string, handle };
    },
    async stop(i) {
      if (!running[i]) return;
      running[i] = false;
      await nodes[i]!.stop();
    },
    async start(i) {
      if (running[i]) return;
      // Same port, so that clients holding the URL keep working.
      configs[i]!.port = Number(new URL(nodes[i]!.url).port);
      await boot(i);
    },
    async close() {
      for (let i = 0; i < nodes.length; i++) await cluster.stop(i);
      await schema.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return cluster;
}
