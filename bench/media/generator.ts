/**
 * The load generator of the CPU phase: a separate process (pinned by its
 * parent to the core Janus does not use) holding the bulk of the WebRTC listeners of one
 * Streaming mountpoint: `wire` viewers by default, plain decoding viewers
 * for the reference level (see peers.ts). To Janus every one is the same
 * viewer. The listeners whose audio is judged (the probes) live in the
 * parent. Driven over IPC (ipc.ts); exits when told, or when its parent
 * goes away.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { JanusConnection } from '../../server/src/media/janus/connection.js';
import { JanusSession } from '../../server/src/media/janus/session.js';
import type { FromGenerator, GrowResult, ToGenerator, WindowResult } from './ipc.js';
import { type Received, received, StreamListener } from './peers.js';

type Init = Extract<ToGenerator, { type: 'init' }>;

const SENT_PPS = 50;
const STATS_BATCH = 50;

let init: Init | undefined;
let connection: JanusConnection | undefined;
let session: JanusSession | undefined;
const listeners: StreamListener[] = [];
let window:
  | { at: number; before: Received[]; loop: ReturnType<typeof monitorEventLoopDelay> }
  | undefined;

function send(message: FromGenerator): void {
  process.send?.(message);
}

async function snapshot(of: StreamListener[]): Promise<Received[]> {
  const out: Received[] = [];
  for (let i = 0; i < of.length; i += STATS_BATCH) {
    out.push(...(await Promise.all(of.slice(i, i + STATS_BATCH).map((l) => received(l.pc)))));
  }
  return out;
}

async function grow(count: number): Promise<GrowResult> {
  if (!init || !session) throw new Error('generator not initialised');
  const { mountpoint, mode } = init;
  const live = session;
  const started = performance.now();
  let failed = 0;
  let error: string | undefined;
  let next = listeners.length;
  const worker = async () => {
    while (next < count) {
      next += 1;
      try {
        listeners.push(
          await StreamListener.watch({ session: live, mountpoint, mode, timeoutMs: 20_000 }),
        );
      } catch (e) {
        failed += 1;
        error = e instanceof Error ? e.message : String(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, init.concurrency) }, worker));
  const seconds = (performance.now() - started) / 1000;

  // Receiving: every listener's packet counter must rise over a second (retried for up to 15 s).
  let receiving = 0;
  const deadline = performance.now() + 15_000;
  while (performance.now() < deadline) {
    const before = await snapshot(listeners);
    await sleep(1_000);
    const after = await snapshot(listeners);
    receiving = after.filter(
      (a, i) => a.transportPackets - (before[i]?.transportPackets ?? 0) >= SENT_PPS / 2,
    ).length;
    if (receiving === listeners.length) break;
  }
  return {
    type: 'grown',
    count: listeners.length,
    failed,
    ...(error === undefined ? {} : { error }),
    seconds,
    receiving,
    raced: listeners.filter((l) => l.raced).length,
  };
}

async function windowStart(): Promise<void> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const before = await snapshot(listeners);
  loop.enable();
  window = { at: performance.now(), before, loop };
}

async function windowEnd(): Promise<WindowResult> {
  const w = window;
  if (!w) throw new Error('no window started');
  window = undefined;
  w.loop.disable();
  const seconds = (performance.now() - w.at) / 1000;
  const after = await snapshot(listeners);
  const pps: number[] = [];
  let decoded = 0;
  after.forEach((a, i) => {
    const b = w.before[i];
    if (!b) return;
    const dt = (a.at - b.at) / 1000;
    pps.push((a.transportPackets - b.transportPackets) / dt);
    decoded += (a.totalSamplesReceived - b.totalSamplesReceived) / dt;
  });
  return {
    type: 'window',
    listeners: listeners.length,
    seconds,
    pps,
    loopDelayMaxMs: w.loop.max / 1e6,
    loopDelayP99Ms: w.loop.percentile(99) / 1e6,
    decodedPerSecond: pps.length ? decoded / pps.length : 0,
  };
}

async function close(): Promise<void> {
  await Promise.race([Promise.allSettled(listeners.map((l) => l.close())), sleep(10_000)]);
  await Promise.race([session?.destroy(), sleep(2_000)]);
  connection?.close();
}

async function handle(message: ToGenerator): Promise<void> {
  switch (message.type) {
    case 'init':
      init = message;
      connection = await JanusConnection.open({ url: message.url, apiSecret: message.apiSecret });
      session = await JanusSession.create(connection);
      send({ type: 'ready' });
      return;
    case 'grow':
      send(await grow(message.count));
      return;
    case 'windowStart':
      await windowStart();
      send({ type: 'ready' });
      return;
    case 'windowEnd':
      send(await windowEnd());
      return;
    case 'close':
      await close();
      process.exit(0);
  }
}

if (!process.send) {
  console.error('bench/media generator: run by bench/media/run.ts (needs an IPC channel)');
  process.exit(2);
}
// One request at a time, in order.
let queue = Promise.resolve();
process.on('message', (message: ToGenerator) => {
  queue = queue.then(() =>
    handle(message).catch((error: unknown) =>
      send({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
    ),
  );
});
process.on('disconnect', () => process.exit(1));
