import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { HlsUrlSigner } from '../../../src/hls/signing.js';
import * as packager from '../../../src/media/hls/ffmpeg.js';
import { scopeDir } from '../../../src/streams/layout.js';
import { startEntrypoint } from '../../support/entrypoint.js';
import { createTestSchema } from '../../support/postgres.js';
import { redisUrl } from '../../support/redis.js';
import { NginxEdge } from './nginx.js';

/**
 * The deployment of deploy/ as processes on this machine: PostgreSQL (a
 * schema of the test database) and Redis, two Salon nodes (the real
 * entrypoint, each its own process) on one DATA_DIR, and nginx from
 * deploy/nginx/salon.conf in front of them. MEDIA=off: the live HLS stream
 * is written by a real ffmpeg (`startLiveStream`) with the packager's
 * segment length, list size and flags, into the folder the packager uses.
 */
export interface Topology {
  edge: NginxEdge;
  nodes: Array<{ url: string; child: ChildProcess }>;
  dataDir: string;
  /** The HLS URL key the nodes share (server_settings), to sign as /listen does. */
  signer: HlsUrlSigner;
  close(): Promise<void>;
}

/**
 * The packager's live segment length and list size, whatever they are named
 * now (the HLS delay work shortens live segments; it may rename the constant).
 */
const constants = packager as unknown as Record<string, number | undefined>;
export const LIVE_SEGMENT_SECONDS =
  constants['LIVE_SEGMENT_SECONDS'] ?? constants['SEGMENT_SECONDS'] ?? 1;
export const LIVE_LIST_SIZE = constants['LIVE_LIST_SIZE'] ?? 6;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startTopology(
  o: { env?: Record<string, string>; nginxWorkers?: number } = {},
): Promise<Topology> {
  const schema = await createTestSchema();
  const redis = await redisUrl();
  const dir = mkdtempSync(path.join(tmpdir(), 'salon-deploy-'));
  const dataDir = path.join(dir, 'data');
  mkdirSync(dataDir);
  const children = new Set<ChildProcess>();
  const edgePort = await freePort();
  const nodes: Topology['nodes'] = [];
  let edge: NginxEdge | null = null;
  const close = async () => {
    await edge?.stop();
    for (const child of children) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await schema.drop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const database = `${schema.url}?options=${encodeURIComponent(`-c search_path=${schema.schema}`)}`;
    // One after the other: the first migrates the schema, the second finds it ready.
    for (let i = 0; i < 2; i++) {
      nodes.push(
        await startEntrypoint(
          {
            DATABASE_URL: database,
            REDIS_URL: redis,
            DATA_DIR: dataDir,
            PUBLIC_URL: `http://127.0.0.1:${edgePort}`,
            TRUST_PROXY: 'true',
            MEDIA: 'off',
            HOST_MIN_FOLLOWERS: '0',
            // The entrypoint's "listening" line (info) is how startEntrypoint learns the URL.
            LOG_LEVEL: 'info',
            ...o.env,
          },
          children,
        ),
      );
    }
    edge = await NginxEdge.start({
      dir: path.join(dir, 'nginx'),
      port: edgePort,
      upstreams: nodes.map((n) => new URL(n.url).host),
      ...(o.nginxWorkers === undefined ? {} : { workers: o.nginxWorkers }),
    });
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    const row = await client
      .query<{ value: string }>(`select value from server_settings where key = 'hls_url_key'`)
      .finally(() => client.end());
    const signer = new HlsUrlSigner(Buffer.from(row.rows[0]!.value, 'base64url'));
    return { edge, nodes, dataDir, signer, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** `salon_http_requests_total` of the HLS origin route on one node (its /metrics, not through nginx). */
export async function originRequests(nodeUrl: string): Promise<number> {
  const text = await (await fetch(`${nodeUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('salon_http_requests_total{') && line.includes('route="/hls/'))
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

export async function websocketConnections(nodeUrl: string): Promise<number> {
  const text = await (await fetch(`${nodeUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('salon_websocket_connections '));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

/**
 * A live HLS stream of a tone, written by ffmpeg in real time into the
 * space's live folder the way the packager writes it (same segment length,
 * list size and flags: segments renamed into place, old ones deleted).
 */
export class LiveStream {
  private constructor(
    private readonly child: ChildProcess,
    readonly dir: string,
  ) {}

  static async start(dataDir: string, spaceId: string): Promise<LiveStream> {
    const dir = scopeDir(dataDir, spaceId, 'live');
    mkdirSync(dir, { recursive: true });
    const child = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        // ffmpeg's AAC flags, alike the packager's and clips' command lines in their values only.
        '-nostdin',
        '-re',
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=440:sample_rate=48000',
        '-c:a',
        'aac',
        '-b:a',
        '64k',
        '-ac',
        '1',
        '-f',
        'hls',
        '-hls_time',
        String(LIVE_SEGMENT_SECONDS),
        '-hls_list_size',
        String(LIVE_LIST_SIZE),
        '-hls_flags',
        'program_date_time+temp_file+delete_segments',
        '-hls_segment_filename',
        'live/l%06d.ts',
        'live/index.m3u8',
      ],
      { cwd: path.dirname(dir), stdio: ['ignore', 'ignore', 'inherit'] },
    );
    return new LiveStream(child, dir);
  }

  /** The segment names of the playlist on disk now. */
  segments(): string[] {
    const file = path.join(this.dir, 'index.m3u8');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.endsWith('.ts'));
  }

  /** Resolves once the live playlist lists at least `count` segments. */
  async ready(count: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.segments().length < count) {
      if (this.child.exitCode !== null) throw new Error(`ffmpeg exited (${this.child.exitCode})`);
      if (Date.now() > deadline) throw new Error('the live playlist did not fill in time');
      await sleep(100);
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** The segment URLs of a playlist, resolved against its URL as a player does. */
export function segmentUrls(playlistUrl: string, body: string): string[] {
  return body
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => new URL(l, playlistUrl).toString());
}
