/**
 * bench/cluster's load generator: a child process that holds the simulated
 * listeners, spread round robin over the Salon nodes it is given, and times
 * joins and space events from one clock. Driven over IPC by run.ts.
 */
import { runEdits } from '../realtime/fanout.js';
import { joinAll, type Listener } from '../realtime/listeners.js';
import { summarize } from '../realtime/stats.js';
import type {
  ClusterCommand,
  ClusterEventsResult,
  ClusterJoinResult,
  NodeJoin,
} from './messages.js';

let urls: string[] = [];
let spaceId = '';
/** Tokens not joined yet, per node. */
let pending: string[][] = [];
/** Joined listeners, per node. */
const joined: Listener[][] = [];

/** Guest tokens over HTTP from the node each listener will join (untimed). */
async function guestTokens(count: number): Promise<string[][]> {
  const out: string[][] = urls.map(() => []);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const node = next++ % urls.length;
      const response = await fetch(`${urls[node]}/api/v1/auth/guest`, { method: 'POST' });
      if (response.status !== 201) throw new Error(`guest token: HTTP ${response.status}`);
      out[node]!.push(((await response.json()) as { token: string }).token);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return out;
}

async function join(concurrency: number, timeoutMs: number): Promise<ClusterJoinResult> {
  const t0 = performance.now();
  const each = Math.max(1, Math.floor(concurrency / urls.length));
  const outcomes = await Promise.all(
    urls.map((url, node) =>
      joinAll(
        `${url.replace(/^http/, 'ws')}/api/v1/realtime`,
        spaceId,
        pending[node]!,
        each,
        timeoutMs,
      ),
    ),
  );
  const perNode: NodeJoin[] = outcomes.map((o, node) => {
    joined[node] = [...(joined[node] ?? []), ...o.listeners];
    return {
      url: urls[node]!,
      attempted: pending[node]!.length,
      joined: o.listeners.length,
      failures: Object.fromEntries(o.failures),
      latencyMs: summarize(o.latencies),
    };
  });
  pending = urls.map(() => []);
  return {
    seconds: (performance.now() - t0) / 1000,
    connected: joined.map((list) => list.length),
    perNode,
    latencyMs: summarize(outcomes.flatMap((o) => o.latencies)),
  };
}

async function events(
  command: Extract<ClusterCommand, { type: 'events' }>,
): Promise<ClusterEventsResult> {
  const sampled = joined.map((list) => {
    const stride = Math.max(1, Math.floor(list.length / command.sample));
    const picked: Listener[] = [];
    for (let i = 0; i < list.length && picked.length < command.sample; i += stride) {
      const l = list[i]!;
      l.sample = { reactions: [], total: 0, events: [] };
      picked.push(l);
    }
    return picked;
  });
  const t0 = performance.now();
  const edits = await runEdits(
    {
      httpUrl: command.hostUrl,
      spaceId: command.spaceId,
      reactionsPerSecond: 0,
      seconds: command.seconds,
      sample: 0,
      drainMs: 0,
      editsPerSecond: command.editsPerSecond,
      hostCookie: command.hostCookie,
      mark: () => {},
    },
    t0,
  );
  // The last edit's event crosses the bus: give it time to arrive everywhere.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const perNode = sampled.map((picked, node) => {
    const delivery: number[] = [];
    let received = 0;
    for (const l of picked) {
      for (const [at, k] of l.sample!.events) {
        const start = edits.starts[k];
        if (start === undefined) continue;
        delivery.push(at - start);
        received += 1;
      }
      l.sample = null;
    }
    return {
      url: urls[node]!,
      sampled: picked.length,
      deliveryMs: summarize(delivery),
      received,
      delivery,
    };
  });
  return {
    editsSent: edits.starts.length,
    editErrors: edits.errors,
    perNode: perNode.map(({ delivery: _, ...rest }) => rest),
    deliveryMs: summarize(perNode.flatMap((n) => n.delivery)),
    editResponseMs: summarize(edits.responses),
  };
}

async function handle(command: ClusterCommand): Promise<unknown> {
  switch (command.type) {
    case 'prepare':
      urls = command.urls;
      spaceId = command.spaceId;
      pending = await guestTokens(command.count);
      return { tokens: pending.reduce((n, list) => n + list.length, 0) };
    case 'join':
      return join(command.concurrency, command.timeoutMs);
    case 'events':
      return events(command);
    case 'close':
      for (const list of joined) for (const l of list) l.close();
      setTimeout(() => process.exit(0), 100);
      return {};
  }
}

if (!process.send) throw new Error('generator.ts runs as a child of run.ts (it needs IPC)');
process.on('message', (request: ClusterCommand & { id: number }) => {
  handle(request).then(
    (result) => process.send!({ id: request.id, ok: true, result }),
    (error: unknown) => process.send!({ id: request.id, ok: false, error: String(error) }),
  );
});
process.on('disconnect', () => process.exit(1));
