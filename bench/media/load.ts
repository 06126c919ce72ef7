/**
 * The CPU phase: Janus's CPU per listener-second with one speaker on the
 * stage and N WebRTC listeners of its mountpoint. Janus runs pinned to core
 * 0; the load generator (generator.ts, a child process) and this process
 * (the speaker) to core 1. Levels grow in place (0 → 50 → 100 → 200): each
 * is connected, checked to receive, settled, then measured over a window
 * from /proc (utime + stime of Janus and of each of its threads).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Stage } from '../../server/test/media/support/stage.js';
import type { MediaBenchConfig } from './config.js';
import type { FromGenerator, GrowResult, ProbeResult, ToGenerator, WindowResult } from './ipc.js';
import type { BenchSpeaker } from './latency.js';
import { received, StreamListener } from './peers.js';
import {
  type CoreUse,
  coreTicks,
  coreUse,
  cpuMs,
  pinAllThreads,
  safeCpuMs,
  type ThreadSample,
  threads,
  udpCounters,
  waitForQuiet,
} from './proc.js';
import { percentile } from './stats.js';

export const CPU_TONE = 440;

export interface ThreadGroup {
  name: string;
  threads: number;
  /** Percent of one core over the window. */
  cpuPercent: number;
}

export interface LevelResult {
  /** Listeners of the room: the generator's plus the probes. */
  listeners: number;
  /** Who decodes: nobody (idle room), every listener, or only the probes. */
  decode: 'none' | 'all' | 'sample';
  grow: GrowResult | undefined;
  window: WindowResult;
  /** The listeners whose audio was judged: the first of the room and the last of each level. */
  probes: ProbeResult[];
  /** Packets per second per listener (all of them), min and median; 50 are sent. */
  ppsMin: number;
  ppsMedian: number;
  /** Listeners that got under 90 % of the packets. */
  starved: number;
  seconds: number;
  janusCpuMs: number;
  janusThreads: number;
  janusSwitchesPerSecond: number;
  threadGroups: ThreadGroup[];
  generatorCpuPercent: number;
  /** This process: the speaker, the probes and the bench itself. */
  selfCpuPercent: number;
  /** This process's event-loop delay over the window (the speaker's frames are paced by it), ms. */
  selfLoopDelayP99Ms: number;
  selfLoopDelayMaxMs: number;
  /** Each core over the window: busy with anything of this machine, and stolen by the host. */
  cores: CoreUse[];
  /** CPU of other programs (not ours) before the window, percent of all cores. */
  othersBeforePercent: number;
  /** CPU of other programs during the window, percent of all cores. */
  othersDuringPercent: number;
  /** UDP datagrams the kernel dropped in this namespace during the window (socket buffers full). */
  udpDrops: number;
}

export interface CpuResult {
  pinned: boolean;
  cores: number;
  levels: LevelResult[];
  /** Why the phase stopped early, if it did. */
  stoppedEarly?: string;
}

/** The load generator child (generator.ts), driven over IPC; pinned to core 1 when asked. */
export class Generator {
  static async start(pin: boolean): Promise<Generator> {
    const entry = path.join(import.meta.dirname, 'generator.ts');
    const node = [process.execPath, ...process.execArgv, entry];
    const [cmd, ...args] = pin ? ['taskset', '-c', '1', ...node] : node;
    const child = spawn(cmd!, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Generator(child);
  }

  private readonly pending: Array<{
    expect: FromGenerator['type'];
    resolve: (message: FromGenerator) => void;
    reject: (error: Error) => void;
  }> = [];
  private exited = false;

  private constructor(readonly child: ChildProcess) {
    child.on('message', (message: FromGenerator) => {
      const waiter = this.pending.shift();
      if (!waiter) return;
      if (message.type === 'error') waiter.reject(new Error(`generator: ${message.message}`));
      else if (message.type !== waiter.expect) {
        waiter.reject(new Error(`generator answered ${message.type}, not ${waiter.expect}`));
      } else waiter.resolve(message);
    });
    child.once('exit', (code, signal) => {
      this.exited = true;
      const error = new Error(`generator exited (${code ?? signal})`);
      for (const waiter of this.pending.splice(0)) waiter.reject(error);
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  async request<T extends FromGenerator['type']>(
    message: ToGenerator,
    expect: T,
    timeoutMs: number,
  ): Promise<Extract<FromGenerator, { type: T }>> {
    if (this.exited) throw new Error('generator has exited');
    const answer = new Promise<FromGenerator>((resolve, reject) => {
      this.pending.push({ expect, resolve, reject });
    });
    this.child.send(message);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`generator: no ${expect} within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return (await Promise.race([answer, timeout])) as Extract<FromGenerator, { type: T }>;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Asks it to close its listeners and exit; SIGKILL (its PID only) after 30 s. */
  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      this.child.send({ type: 'close' } satisfies ToGenerator);
    } catch {
      // IPC already closed
    }
    const grace = new AbortController();
    const overdue = await Promise.race([
      exited.then(() => false),
      sleep(30_000, true, { signal: grace.signal }),
    ]);
    grace.abort();
    if (overdue && !this.exited) {
      this.child.kill('SIGKILL');
      await exited;
    }
  }
}

/** Threads named alike ("hloop 12", "hloop 13") are one group. */
function groupThreads(
  before: ThreadSample[],
  after: ThreadSample[],
  seconds: number,
): ThreadGroup[] {
  const start = new Map(before.map((t) => [t.tid, t.cpuMs]));
  const groups = new Map<string, ThreadGroup>();
  for (const t of after) {
    const name = t.name.replace(/\d+/g, '#').trim();
    const group = groups.get(name) ?? { name, threads: 0, cpuPercent: 0 };
    group.threads += 1;
    group.cpuPercent += ((t.cpuMs - (start.get(t.tid) ?? 0)) / (seconds * 1000)) * 100;
    groups.set(name, group);
  }
  return [...groups.values()].sort((a, b) => b.cpuPercent - a.cpuPercent);
}

const EMPTY_WINDOW: WindowResult = {
  type: 'window',
  listeners: 0,
  seconds: 0,
  pps: [],
  loopDelayMaxMs: Number.NaN,
  loopDelayP99Ms: Number.NaN,
  decodedPerSecond: Number.NaN,
};

const SENT_PPS = 50;

interface Probe {
  index: number;
  listener: StreamListener;
}

export async function measureCpu(options: {
  janusPid: number;
  janusUrl: string;
  apiSecret: string;
  stage: Stage;
  speaker: BenchSpeaker;
  config: MediaBenchConfig;
  log: (line: string) => void;
}): Promise<CpuResult> {
  const { janusPid, config, log, stage } = options;
  const cores = availableParallelism();
  const pinned = config.pin && cores >= 2;
  if (config.pin && !pinned) log(`only ${cores} core(s): not pinning`);
  // This process (the speaker and the probes, the audio under test) is left
  // free: pinned next to a busy generator its encoder thread starved and the
  // mix had gaps in every probe at once. Janus's CPU is its own either way.
  const pin = () => {
    if (pinned) pinAllThreads(janusPid, 0);
  };
  pin();
  await options.speaker.mouth.play(CPU_TONE);
  const result: CpuResult = { pinned, cores, levels: [] };

  /** One steady window at the current load; no generator for the idle room. */
  const measure = async (
    decode: LevelResult['decode'],
    generator: Generator | undefined,
    grow: GrowResult | undefined,
    probes: Probe[],
  ): Promise<LevelResult> => {
    await sleep(config.settleSeconds * 1000);
    const ours = [janusPid, process.pid, ...(generator ? [generator.pid] : [])];
    const othersBeforePercent = await waitForQuiet(config.quietWaitSeconds * 1000, ours);
    pin(); // threads created since inherit it; this catches any that did not
    await generator?.request({ type: 'windowStart' }, 'ready', 60_000);
    const probes0 = await Promise.all(probes.map((p) => received(p.listener.pc)));
    for (const p of probes) p.listener.ear?.startCheck(CPU_TONE);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const t0 = performance.now();
    const janus0 = cpuMs(janusPid);
    const threads0 = threads(janusPid);
    const cores0 = coreTicks();
    const gen0 = generator ? safeCpuMs(generator.pid) : 0;
    const self0 = cpuMs(process.pid);
    const udp0 = udpCounters();
    await sleep(config.windowSeconds * 1000);
    const udp1 = udpCounters();
    loop.disable();
    const seconds = (performance.now() - t0) / 1000;
    const janusCpuMs = cpuMs(janusPid) - janus0;
    const threads1 = threads(janusPid);
    const coresUse = coreUse(cores0, coreTicks());
    const genUsed = generator ? safeCpuMs(generator.pid) - gen0 : 0;
    const selfUsed = cpuMs(process.pid) - self0;
    const selfCpuPercent = (selfUsed / (seconds * 1000)) * 100;
    const busyMs = coresUse.reduce((sum, c) => sum + c.busy * seconds * 10, 0);
    const othersDuringPercent = Math.max(
      0,
      ((busyMs - janusCpuMs - genUsed - selfUsed) /
        (seconds * 1000 * Math.max(1, coresUse.length))) *
        100,
    );
    const checks = probes.map((p) => p.listener.ear?.endCheck());
    const probes1 = await Promise.all(probes.map((p) => received(p.listener.pc)));
    const window = generator
      ? await generator.request({ type: 'windowEnd' }, 'window', 60_000)
      : EMPTY_WINDOW;
    const probeResults: ProbeResult[] = probes.map((p, i) => {
      const a = probes1[i]!;
      const b = probes0[i]!;
      const samples = a.totalSamplesReceived - b.totalSamplesReceived;
      return {
        index: p.index,
        check: checks[i],
        concealedShare: samples > 0 ? (a.concealedSamples - b.concealedSamples) / samples : 0,
        packetsLost: Math.max(0, a.packetsLost - b.packetsLost),
      };
    });
    const pps = [
      ...window.pps,
      ...probes1.map(
        (a, i) =>
          (a.transportPackets - probes0[i]!.transportPackets) / ((a.at - probes0[i]!.at) / 1000),
      ),
    ];
    const switches = (list: ThreadSample[]) => list.reduce((sum, t) => sum + t.switches, 0);
    const count = window.listeners + probes.length;
    const level: LevelResult = {
      listeners: count,
      decode,
      grow,
      window,
      probes: probeResults,
      ppsMin: pps.length ? Math.min(...pps) : Number.NaN,
      ppsMedian: percentile(pps, 50),
      starved: pps.filter((p) => p < SENT_PPS * 0.9).length,
      seconds,
      janusCpuMs,
      janusThreads: threads1.length,
      janusSwitchesPerSecond: (switches(threads1) - switches(threads0)) / seconds,
      threadGroups: groupThreads(threads0, threads1, seconds),
      generatorCpuPercent: (genUsed / (seconds * 1000)) * 100,
      selfCpuPercent,
      selfLoopDelayP99Ms: loop.percentile(99) / 1e6,
      selfLoopDelayMaxMs: loop.max / 1e6,
      cores: coresUse,
      othersBeforePercent,
      othersDuringPercent,
      udpDrops: udp1.rcvbufErrors - udp0.rcvbufErrors + (udp1.sndbufErrors - udp0.sndbufErrors),
    };
    const perListener = count > 0 ? janusCpuMs / (count * seconds) : Number.NaN;
    log(
      `${count} listeners (decode ${decode}): Janus ${((janusCpuMs / (seconds * 1000)) * 100).toFixed(1)} % of a core` +
        (count > 0 ? `, ${perListener.toFixed(3)} ms per listener-second` : '') +
        `, generator ${level.generatorCpuPercent.toFixed(0)} %, pps min ${level.ppsMin.toFixed(1)}, ` +
        `probes ${probeResults.map((x) => `#${x.index} ${x.check ? `${x.check.toneBlocks}/${x.check.blocks}` : '—'} (concealed ${(x.concealedShare * 100).toFixed(1)} %)`).join(' ') || 'none'}` +
        `, others ${othersBeforePercent.toFixed(0)} % before, ${othersDuringPercent.toFixed(0)} % during`,
    );
    return level;
  };

  /** A listener of this process that decodes and judges what it hears. */
  const probe = async (index: number): Promise<Probe> => {
    const listener = await StreamListener.watch({
      session: stage.session,
      mountpoint: stage.mountpoint.id,
      mode: 'ear',
    });
    const since = performance.now();
    const ear = listener.ear!;
    while (ear.onsetAfter(since, CPU_TONE) === undefined) {
      if (performance.now() - since > 10_000) {
        await listener.close();
        throw new Error(`probe #${index} heard no ${CPU_TONE} Hz within 10 s`);
      }
      await sleep(50);
    }
    return { index, listener };
  };

  /** A generator that grows through `counts` (room totals), measuring each; all closed at the end. */
  const run = async (mode: 'decode' | 'wire', counts: number[]): Promise<boolean> => {
    const decode = mode === 'decode' ? 'all' : 'sample';
    const probes: Probe[] = [];
    const generator = await Generator.start(pinned);
    try {
      await generator.request(
        {
          type: 'init',
          url: options.janusUrl,
          apiSecret: options.apiSecret,
          mountpoint: stage.mountpoint.id,
          concurrency: config.joinConcurrency,
          mode,
        },
        'ready',
        30_000,
      );
      let held = 0;
      for (const count of counts) {
        // The room's first listener, then the generator's, then the last one: probes here.
        if (probes.length === 0) probes.push(await probe(1));
        const target = Math.max(held, count - probes.length - 1);
        const grow = await generator.request(
          { type: 'grow', count: target },
          'grown',
          60_000 + count * 1_000,
        );
        held = grow.count;
        probes.push(await probe(held + probes.length + 1));
        log(
          `${held + probes.length} listeners (decode ${decode}): generator ${grow.count} connected ` +
            `(${grow.failed} failed${grow.error ? `: ${grow.error}` : ''}) in ${grow.seconds.toFixed(1)} s, ` +
            `${grow.receiving} receiving` +
            (grow.raced ? `, ${grow.raced} starts answered "started"` : ''),
        );
        if (grow.receiving === 0 && grow.count > 0) {
          result.stoppedEarly = `no generator listener receives at ${count} (decode ${decode})`;
          return false;
        }
        result.levels.push(await measure(decode, generator, grow, probes));
      }
      return true;
    } finally {
      await Promise.allSettled(probes.map((p) => p.listener.close()));
      await generator.close();
    }
  };

  // A level that cannot be reached (connections time out on an overloaded
  // machine) is a result too: what was measured so far is kept and reported.
  try {
    result.levels.push(await measure('none', undefined, undefined, []));
    const [first] = config.listenerLevels;
    if (config.decode === 'sample' && config.reference && first !== undefined) {
      if (!(await run('decode', [first]))) return result;
    }
    await run(config.decode === 'all' ? 'decode' : 'wire', config.listenerLevels);
  } catch (error) {
    result.stoppedEarly = error instanceof Error ? error.message : String(error);
    log(`CPU phase stopped early: ${result.stoppedEarly}`);
  }
  return result;
}
