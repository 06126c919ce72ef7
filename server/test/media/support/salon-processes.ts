/**
 * Salon as separate processes for media tests and benches that kill a node
 * for real: the real entrypoint on one PostgreSQL schema, the test Redis and
 * one DATA_DIR, MEDIA=external on one Janus started here (in the media
 * namespace). People sign up through any node; their session works on every
 * node, as behind a balancer.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JanusProcess } from '../../../src/media/janus-process.js';
import { Client } from '../../support/client.js';
import { startEntrypoint } from '../../support/entrypoint.js';
import { createTestSchema } from '../../support/postgres.js';
import { RealtimeClient } from '../../support/realtime.js';
import { redisUrl } from '../../support/redis.js';
import { Publisher } from './publisher.js';
import { startJanus } from './stage.js';

export interface SalonNode {
  child: ChildProcess;
  url: string;
}

export interface SalonProcesses {
  nodes: SalonNode[];
  /** The nodes' DATABASE_URL (their schema in its search_path), to read their rows. */
  database: string;
  /** The Janus nodes every Salon node is given (JANUS_URL). */
  janus: JanusProcess[];
  /** Another node on the same database, Redis and Janus (after a kill, say). */
  start(): Promise<SalonNode>;
  /** Every publisher, socket (from `connectAny`), node and Janus, then the schema and files. */
  close(): Promise<void>;
}

export async function startSalonProcesses(
  count: number,
  options: { janusNodes?: number; env?: Record<string, string> } = {},
): Promise<SalonProcesses> {
  const started = new Set<ChildProcess>();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'salon-processes-'));
  const secret = randomBytes(16).toString('hex');
  const janus: JanusProcess[] = [];
  for (let i = 0; i < (options.janusNodes ?? 1); i++)
    janus.push(await startJanus({ apiSecret: secret }));
  const schema = await createTestSchema();
  const database = `${schema.url}?options=${encodeURIComponent(`-c search_path=${schema.schema}`)}`;
  const env = {
    DATABASE_URL: database,
    REDIS_URL: await redisUrl(),
    DATA_DIR: dataDir,
    MEDIA: 'external',
    JANUS_URL: janus.map((j) => j.url).join(','),
    JANUS_API_SECRET: secret,
    HOST_MIN_FOLLOWERS: '0',
    ...options.env,
  };
  const start = () => startEntrypoint(env, started);
  const close = async () => {
    await Publisher.closeAll();
    await Promise.allSettled([...sockets].map((s) => s.close()));
    for (const child of started) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await Promise.allSettled(janus.map((j) => j.close()));
    await schema.drop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const nodes: SalonNode[] = [];
  try {
    // One after the other: the first migrates the schema, the next find it ready.
    for (let i = 0; i < count; i++) nodes.push(await start());
  } catch (error) {
    await close();
    throw error;
  }
  return { nodes, database, janus, start, close };
}

/** Sockets opened by `connectAny`, closed by `SalonProcesses.close`. */
const sockets = new Set<RealtimeClient>();

/** A new account, signed up through the node at `url`. */
export async function register(url: string) {
  const client = new Client(url);
  const handle = `p${randomBytes(5).toString('hex')}`;
  const reply = await client.post('/api/v1/auth/register', {
    handle,
    display_name: handle,
    password: 'correct horse battery',
  });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  return { client, id: reply.body.user.id as string, handle };
}

/** The same session as a client of another node (cookies are the cluster's). */
export function on(client: Client, url: string): Client {
  const other = new Client(url);
  for (const [k, v] of client.cookies) other.cookies.set(k, v);
  return other;
}

/** A socket on the first node of `urls` that answers, as a client given the node list. */
export async function connectAny(urls: string[], client: Client): Promise<RealtimeClient> {
  let last: unknown;
  for (const url of urls) {
    try {
      const rt = await RealtimeClient.connect(url, on(client, url));
      sockets.add(rt);
      return rt;
    } catch (error) {
      last = error;
    }
  }
  throw new Error(`no node answered: ${String(last)}`);
}
