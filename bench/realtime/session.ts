/**
 * One server under test and one load generator, started together and torn
 * down together: the server on core 0 with a live space ready, the generator
 * on core 1 with its tokens fetched. Phases run through `phase()`, which reads
 * the server's CPU and RSS from /proc between the generator's marks.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, Rpc, spawnTs, stop, waitForUrl } from './children.js';
import type { BenchConfig } from './config.js';
import { measure, rssBytes, type Usage, waitForQuiet } from './proc.js';

export type Target = 'salon' | 'bare';

export interface SessionOptions {
  /** Listeners the generator gets tokens for. */
  listeners: number;
  /** Aggregation window of the server; its default (250 ms) when absent. */
  windowMs?: number;
  /** Salon's snapshot size, so the bare server answers with as many bytes. */
  snapshotBytes?: number | null;
  /** Directory for per-phase CPU profiles of the server. */
  profileDir?: string | null;
}

export interface Session {
  rpc: Rpc;
  pid: number;
  /** The host's cookie (Salon only): space edits need it. */
  cookie: string | null;
  idleRssBytes: number;
  phase<T>(name: string, run: () => Promise<T>): Promise<[T, Usage]>;
}

export const MINUTE = 60_000;

/** Starts both processes, runs `body`, and always stops both and removes the data. */
export async function withSession<T>(
  target: Target,
  config: BenchConfig,
  o: SessionOptions,
  body: (session: Session) => Promise<T>,
): Promise<T> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'salon-bench-'));
  if (o.profileDir) mkdirSync(o.profileDir, { recursive: true });
  const env: Record<string, string> = {
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    // The control plane alone: the space's media (Janus mixing, the ffmpeg HLS
    // packager) would otherwise run pinned to the server's core, next to what
    // is measured, while the bare server has none. bench/media measures media.
    MEDIA: 'off',
    RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
    RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
    // Every simulated listener connects from this one address.
    WS_CONNECTIONS_PER_ADDRESS: '1000000',
  };
  if (o.profileDir) env['BENCH_PROFILE_DIR'] = o.profileDir;
  if (o.windowMs) env[target === 'salon' ? 'BENCH_WINDOW_MS' : 'BARE_WINDOW_MS'] = `${o.windowMs}`;
  if (o.snapshotBytes) env['BARE_SNAPSHOT_BYTES'] = `${o.snapshotBytes}`;
  const server = spawnTs(target === 'salon' ? 'salon-server.ts' : 'bare-server.ts', {
    core: config.pin ? 0 : null,
    env,
  });
  const generator = spawnTs('generator.ts', { core: config.pin ? 1 : null, ipc: true });
  try {
    const url = await waitForUrl(server);
    const pid = server.pid!;
    const { spaceId, cookie } =
      target === 'salon' ? await prepareSpace(url) : { spaceId: 'bench', cookie: null };
    const rpc = new Rpc(generator);
    await rpc.call(
      { type: 'prepare', url, spaceId, count: o.listeners, guestTokens: target === 'salon' },
      5 * MINUTE,
    );
    return await body({
      rpc,
      pid,
      cookie,
      idleRssBytes: rssBytes(pid),
      phase: async (name, run) => {
        await quiet(config, name);
        return phase(rpc, pid, !!o.profileDir, run);
      },
    });
  } finally {
    await stop(generator, 5000);
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A generator phase, measured (and profiled: SIGUSR2 toggles the server's profiler). */
async function phase<T>(
  rpc: Rpc,
  pid: number,
  profile: boolean,
  run: () => Promise<T>,
): Promise<[T, Usage]> {
  let meter: ReturnType<typeof measure> | null = null;
  let usage: Usage | null = null;
  rpc.onMark = (name) => {
    if (profile) process.kill(pid, 'SIGUSR2');
    if (name === 'start') meter = measure(pid);
    else if (meter) usage = meter.stop();
  };
  try {
    const result = await run();
    if (!usage) throw new Error('the generator did not mark the phase');
    return [result, usage];
  } finally {
    rpc.onMark = () => {};
  }
}

/** With our own processes idle, waits for the machine to be quiet; warns if it never is. */
async function quiet(config: BenchConfig, phase: string): Promise<void> {
  if (config.quietWaitSeconds === 0) return;
  const busy = await waitForQuiet(config.quietWaitSeconds * 1000);
  if (busy >= 15) {
    console.warn(`warning: the machine is ${busy.toFixed(0)} % busy before the ${phase} phase`);
  }
}

/** The first account is an admin, and admins may host: enough for one live space. */
export async function prepareSpace(url: string): Promise<{ spaceId: string; cookie: string }> {
  const register = await fetch(`${url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      handle: 'bench_host',
      display_name: 'Bench host',
      password: 'bench-password',
    }),
  });
  if (register.status !== 201) throw new Error(`register: HTTP ${register.status}`);
  const cookie = register.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
  const create = await fetch(`${url}/api/v1/spaces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ title: 'Bench space' }),
  });
  const space = (await create.json()) as { id?: string; state?: string };
  if (create.status !== 201 || space.state !== 'live' || !space.id) {
    throw new Error(`create space: HTTP ${create.status} ${JSON.stringify(space)}`);
  }
  return { spaceId: space.id, cookie };
}

export function profileDirFor(config: BenchConfig, stamp: string, name: string): string | null {
  return config.profile ? path.join(ROOT, 'bench/results/profiles', `${stamp}-${name}`) : null;
}
