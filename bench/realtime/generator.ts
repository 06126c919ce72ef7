/**
 * The load generator, a separate process (pinned to its own core by run.ts)
 * so that its work is not billed to the server. It obeys commands from
 * run.ts over IPC, one at a time, and answers each with its measurements.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { runFanout } from './fanout.js';
import { counters, joinAll, type Listener, resetCounters } from './listeners.js';
import type { Command, GeneratorUsage, JoinResult, Reply, Request } from './messages.js';
import { summarize } from './stats.js';

let url = '';
let spaceId = '';
let tokens: string[] = [];
let listeners: Listener[] = [];

/** Phase boundaries for run.ts, which reads the server's CPU time at each. */
const mark = (name: 'start' | 'end') => process.send!({ mark: name });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Guest tokens over HTTP, some in parallel; not timed (a real audience gets them earlier). */
async function fetchGuestTokens(count: number): Promise<string[]> {
  const out: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const at = next++;
      const response = await fetch(`${url}/api/v1/auth/guest`, { method: 'POST' });
      if (response.status !== 201) throw new Error(`guest token: HTTP ${response.status}`);
      out[at] = ((await response.json()) as { token: string }).token;
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return out;
}

/** Runs one phase and reports what the generator itself spent, to show it was not the limit. */
async function usage<T>(work: () => Promise<T>): Promise<T & GeneratorUsage> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await work();
  const cpu = process.cpuUsage(cpu0);
  delay.disable();
  return {
    ...result,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100,
    loopDelayP99Ms: delay.percentile(99) / 1e6,
  };
}

async function handle(command: Command): Promise<unknown> {
  switch (command.type) {
    case 'prepare': {
      url = command.url;
      spaceId = command.spaceId;
      tokens = command.guestTokens
        ? await fetchGuestTokens(command.count)
        : Array.from({ length: command.count }, (_, i) => `bare_${i}`);
      return { tokens: tokens.length };
    }
    case 'join':
      return usage(async (): Promise<Omit<JoinResult, keyof GeneratorUsage>> => {
        resetCounters();
        const wsUrl = `${url.replace(/^http/, 'ws')}/api/v1/realtime`;
        mark('start');
        const out = await joinAll(wsUrl, spaceId, tokens, command.concurrency, command.timeoutMs);
        mark('end');
        listeners = out.listeners;
        return {
          attempted: tokens.length,
          joined: out.listeners.length,
          failed: tokens.length - out.listeners.length,
          failures: Object.fromEntries(out.failures),
          seconds: out.seconds,
          latencyMs: summarize(out.latencies),
          snapshotBytes: out.snapshotBytes,
          otherMessages: out.otherMessages + counters.messages,
        };
      });
    case 'trim': {
      for (const l of listeners.slice(command.keep)) l.close();
      listeners = listeners.slice(0, command.keep);
      // Let the server notice the departures and its count broadcasts calm down.
      await sleep(command.settleMs);
      return { listeners: listeners.length, dropped: counters.dropped };
    }
    case 'fanout':
      return usage(() =>
        runFanout(listeners, {
          httpUrl: url,
          spaceId,
          reactionsPerSecond: command.reactionsPerSecond,
          seconds: command.seconds,
          sample: command.sample,
          drainMs: command.drainMs,
          editsPerSecond: command.editsPerSecond,
          hostCookie: command.hostCookie,
          mark,
        }),
      );
    case 'close': {
      for (const l of listeners) l.close();
      listeners = [];
      setTimeout(() => process.exit(0), 100);
      return {};
    }
  }
}

if (!process.send) throw new Error('generator.ts runs as a child of run.ts (it needs IPC)');
process.on('message', (request: Request) => {
  handle(request).then(
    (result) => process.send!({ id: request.id, ok: true, result } satisfies Reply),
    (error: unknown) =>
      process.send!({ id: request.id, ok: false, error: String(error) } satisfies Reply),
  );
});
// The bench is bounded: if run.ts goes away, so do we.
process.on('disconnect', () => process.exit(1));
