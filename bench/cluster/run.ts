/**
 * bench/cluster: the control plane on 1, 2 and 3 Salon nodes (processes on
 * one PostgreSQL database and Redis). For each size, listeners join spread
 * round robin over the nodes, and the host (on node 0) edits the space:
 * join latency and event delivery per node, against one node in the same
 * run; the Redis messages each event costs. Then the capacity phase: as
 * many WebSocket listeners as the machine allows, over the nodes, with the
 * memory per connection. Prints a markdown report and writes it to
 * bench/results/cluster-<date>.md.
 *
 * Then the media part (media.ts, in a network namespace): mute to silence
 * across nodes and node-loss recovery, each against its baseline.
 *
 * Run with `npm run bench cluster` (which raises the descriptor limit);
 * BENCH_QUICK=1 is a smoke run; BENCH_CLUSTER_ONLY=control or =media runs
 * one part. Knobs: config.ts and README.md.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { ROOT, Rpc, spawnTs, stop } from '../realtime/children.js';
import { cpuSeconds, rssBytes } from '../realtime/proc.js';
import { prepareSpace } from '../realtime/session.js';
import type { Summary } from '../realtime/stats.js';
import { loadClusterConfig } from './config.js';
import type { ClusterCommand, ClusterEventsResult, ClusterJoinResult } from './messages.js';
import { startNodes } from './nodes.js';
import { countSpaceMessages } from './redis-count.js';

const config = loadClusterConfig();
const only = process.env['BENCH_CLUSTER_ONLY'];

/** The media part, in its namespace; its markdown section, or null when it failed. */
function mediaPart(): string | null {
  const run = spawnSync(
    process.execPath,
    [...process.execArgv, path.join(ROOT, 'bench/cluster/media.ts')],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 16 * 60_000 },
  );
  process.stdout.write(run.stdout ?? '');
  if (run.status !== 0) {
    console.log(`bench/cluster: the media part failed (${run.status ?? run.signal})`);
    return null;
  }
  const at = (run.stdout ?? '').indexOf('## Media across nodes');
  return at < 0 ? null : run.stdout.slice(at);
}

if (only === 'media') process.exit(mediaPart() === null ? 1 : 0);
const MINUTE = 60_000;
const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').toLowerCase();
const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');
const summary = (s: Summary) => `${ms(s.p50)} / ${ms(s.p99)}`;
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

interface SizeResult {
  nodes: number;
  join: ClusterJoinResult;
  events: ClusterEventsResult;
  redisPerEvent: number;
}

/** One cluster of `n` nodes, a live space on node 0, a generator, torn down afterwards. */
async function withCluster<T>(
  n: number,
  name: string,
  body: (c: {
    urls: string[];
    pids: number[];
    spaceId: string;
    cookie: string;
    rpc: Rpc<ClusterCommand>;
  }) => Promise<T>,
): Promise<T> {
  const nodes = await startNodes(n, { ...config, name: `${stamp}_${name}` });
  const generator = spawnTs('../cluster/generator.ts', { core: null, ipc: true });
  try {
    const { spaceId, cookie } = await prepareSpace(nodes.urls[0]!);
    const rpc = new Rpc<ClusterCommand>(generator);
    return await body({ urls: nodes.urls, pids: nodes.pids, spaceId, cookie, rpc });
  } finally {
    await stop(generator, 10_000);
    await nodes.close();
  }
}

async function latency(n: number): Promise<SizeResult> {
  return withCluster(n, `n${n}`, async ({ urls, spaceId, cookie, rpc }) => {
    await rpc.call({ type: 'prepare', urls, spaceId, count: config.joins }, 5 * MINUTE);
    const join = await rpc.call<ClusterJoinResult>(
      { type: 'join', concurrency: config.joinConcurrency, timeoutMs: config.joinTimeoutMs },
      10 * MINUTE,
    );
    const counter = await countSpaceMessages(config.redisUrl, spaceId);
    try {
      // Let the join's presence and count updates settle before counting.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      counter.reset();
      const events = await rpc.call<ClusterEventsResult>(
        {
          type: 'events',
          hostUrl: urls[0]!,
          hostCookie: cookie,
          spaceId,
          editsPerSecond: config.editsPerSecond,
          seconds: config.seconds,
          sample: config.sample,
        },
        5 * MINUTE,
      );
      const redisPerEvent = events.editsSent > 0 ? counter.count() / events.editsSent : Number.NaN;
      return { nodes: n, join, events, redisPerEvent };
    } finally {
      await counter.close();
    }
  });
}

interface CapacityStep {
  connected: number[];
  joinMs: Summary;
  failed: number;
  rss: number[];
  cpuSeconds: number[];
  seconds: number;
}

async function capacity(): Promise<{ idleRss: number[]; steps: CapacityStep[]; stopped: string }> {
  const n = config.capacityNodes;
  return withCluster(n, 'capacity', async ({ urls, pids, spaceId, rpc }) => {
    const idleRss = pids.map(rssBytes);
    const steps: CapacityStep[] = [];
    let stopped = `the target of ${config.capacity} listeners was reached`;
    let total = 0;
    while (total < config.capacity) {
      const count = Math.min(config.capacityStep, config.capacity - total);
      await rpc.call({ type: 'prepare', urls, spaceId, count }, 10 * MINUTE);
      const cpu0 = pids.map(cpuSeconds);
      const join = await rpc.call<ClusterJoinResult>(
        { type: 'join', concurrency: config.joinConcurrency, timeoutMs: config.joinTimeoutMs },
        10 * MINUTE,
      );
      // Memory after the join's bursts are over.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const failed = join.perNode.reduce((s, p) => s + (p.attempted - p.joined), 0);
      steps.push({
        connected: join.connected,
        joinMs: join.latencyMs,
        failed,
        rss: pids.map(rssBytes),
        cpuSeconds: pids.map((pid, i) => cpuSeconds(pid) - cpu0[i]!),
        seconds: join.seconds,
      });
      total += count;
      console.log(
        `capacity: ${join.connected.join(' + ')} connected, join p99 ${ms(join.latencyMs.p99)} ms, ${failed} failed`,
      );
      if (failed > count * 0.01) {
        stopped = `a step lost ${failed} of ${count} joins (over 1 %)`;
        break;
      }
      if (join.latencyMs.p99 > config.capacityJoinLimitMs) {
        stopped = `join p99 ${ms(join.latencyMs.p99)} ms passed ${config.capacityJoinLimitMs} ms`;
        break;
      }
    }
    return { idleRss, steps, stopped };
  });
}

console.log(
  `bench/cluster: ${config.nodeCounts.join(', ')} nodes; ${config.joins} joins, ` +
    `${config.editsPerSecond} edits/s for ${config.seconds} s; capacity up to ${config.capacity} on ${config.capacityNodes} nodes`,
);
const sizes: SizeResult[] = [];
for (const n of config.nodeCounts) {
  console.log(`\n--- ${n} node${n === 1 ? '' : 's'}`);
  const result = await latency(n);
  sizes.push(result);
  console.log(
    `joined ${result.join.connected.join(' + ')}, join p50/p99 ${summary(result.join.latencyMs)} ms; ` +
      `event p50/p99 ${summary(result.events.deliveryMs)} ms; ${result.redisPerEvent.toFixed(2)} Redis messages per event`,
  );
}
const cap = config.capacity > 0 ? await capacity() : null;

const lines = [
  `# Cluster bench, ${new Date().toISOString()}`,
  '',
  `- ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${mib(totalmem())} MiB, Node ${process.version}; nodes and generator not pinned (they share the cores)`,
  `- Salon nodes: separate processes, PostgreSQL + Redis, MEDIA=off; the host edits the title over HTTP on node 0${config.quick ? '; QUICK mode' : ''}`,
  '',
  '## Joins and event delivery (1 node is the baseline)',
  '',
  '| nodes | listeners per node | join p50 / p99 ms | event delivery p50 / p99 ms | per node (node 0 first) | edit response p50 / p99 ms | Redis msgs / event |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...sizes.map(
    (s) =>
      `| ${s.nodes} | ${s.join.connected.join(' + ')} | ${summary(s.join.latencyMs)} | ${summary(s.events.deliveryMs)} | ${s.events.perNode
        .map((p) => summary(p.deliveryMs))
        .join('; ')} | ${summary(s.events.editResponseMs)} | ${s.redisPerEvent.toFixed(2)} |`,
  ),
];
if (cap) {
  const last = cap.steps.at(-1);
  lines.push(
    '',
    `## Capacity: WebSocket listeners on ${config.capacityNodes} nodes`,
    '',
    `Stopped because ${cap.stopped}. Idle RSS per node: ${cap.idleRss.map(mib).join(', ')} MiB.`,
    '',
    '| connected per node | join p50 / p99 ms | failed | RSS per node MiB | node CPU s for the step |',
    '| --- | --- | --- | --- | --- |',
    ...cap.steps.map(
      (s) =>
        `| ${s.connected.join(' + ')} | ${summary(s.joinMs)} | ${s.failed} | ${s.rss.map(mib).join(', ')} | ${s.cpuSeconds.map((c) => c.toFixed(1)).join(', ')} |`,
    ),
  );
  if (last) {
    const perConnection = last.rss.map((rss, i) =>
      last.connected[i]! > 0 ? (rss - cap.idleRss[i]!) / last.connected[i]! : Number.NaN,
    );
    lines.push(
      '',
      `Memory per connection (RSS growth / listeners): ${perConnection.map((b) => `${(b / 1024).toFixed(1)} KiB`).join(', ')}.`,
    );
  }
}
lines.push(
  '',
  'Join: connect, subscribe, snapshot received, timed by the generator. Event delivery: the edit request sent → the `event` message at a sampled listener, one clock (the generator sends the edits and receives the events). Redis messages: every pub/sub message naming the space while the edits ran, divided by the edits.',
);
const markdown = lines.join('\n');
console.log(`\n${markdown}`);
const dir = path.join(ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `cluster-${stamp.slice(0, 8)}${config.quick ? '-quick' : ''}.md`);
writeFileSync(file, `${markdown}\n`);
let mediaFailed = false;
if (only !== 'control') {
  const media = mediaPart();
  if (media) appendFileSync(file, `\n${media}`);
  else mediaFailed = true;
}
console.log(`\nwritten to ${path.relative(ROOT, file)}`);
if (mediaFailed) process.exit(1);
