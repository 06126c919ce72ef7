/**
 * Simulated listeners: one WebSocket each, joined with a bounded number in
 * flight. After the join a listener only counts what it receives, by the
 * message type read from the first bytes, so that 5,000 of them cost the
 * generator little; a few sampled ones parse and timestamp messages.
 */
import { WebSocket } from 'ws';

/** Every server message starts with `{"type":"`; the next bytes name it. */
const TYPE_AT = 9;

export interface Sample {
  /** Arrival time and running total of reactions counted so far, per `reactions` message. */
  reactions: Array<[number, number]>;
  total: number;
  /** Arrival time and edit number, per `event` message. */
  events: Array<[number, number]>;
}

export interface Counters {
  messages: number;
  reactions: number;
  events: number;
  errors: Map<string, number>;
  dropped: number;
}

export const counters: Counters = {
  messages: 0,
  reactions: 0,
  events: 0,
  errors: new Map(),
  dropped: 0,
};

export function resetCounters(): void {
  counters.messages = 0;
  counters.reactions = 0;
  counters.events = 0;
  counters.errors = new Map();
}

const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

export class Listener {
  sample: Sample | null = null;
  closing = false;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.onMessage(data));
    ws.on('close', () => {
      if (!this.closing) counters.dropped += 1;
    });
  }

  private onMessage(data: Buffer): void {
    counters.messages += 1;
    const kind = data.toString('latin1', TYPE_AT, TYPE_AT + 5);
    if (kind === 'react') {
      counters.reactions += 1;
      if (this.sample) {
        const at = performance.now();
        const message = JSON.parse(data.toString()) as { counts: Record<string, number> };
        for (const n of Object.values(message.counts)) this.sample.total += n;
        this.sample.reactions.push([at, this.sample.total]);
      }
    } else if (kind === 'event') {
      counters.events += 1;
      if (this.sample) {
        const at = performance.now();
        const edit = /bench edit (\d+)/.exec(data.toString())?.[1];
        if (edit) this.sample.events.push([at, Number(edit)]);
      }
    } else if (kind === 'error') {
      const { code } = JSON.parse(data.toString()) as { code?: string };
      bump(counters.errors, code ?? 'unknown');
    }
  }

  close(): void {
    this.closing = true;
    this.ws.terminate();
  }
}

export interface JoinOutcome {
  listeners: Listener[];
  failures: Map<string, number>;
  latencies: number[];
  seconds: number;
  snapshotBytes: number;
  otherMessages: number;
}

/**
 * Joins `tokens.length` listeners: connect, subscribe, wait for the snapshot.
 * At most `concurrency` joins are in flight; each has `timeoutMs`.
 */
export async function joinAll(
  wsUrl: string,
  spaceId: string,
  tokens: readonly string[],
  concurrency: number,
  timeoutMs: number,
): Promise<JoinOutcome> {
  const out: JoinOutcome = {
    listeners: [],
    failures: new Map(),
    latencies: [],
    seconds: 0,
    snapshotBytes: 0,
    otherMessages: 0,
  };
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < tokens.length) {
      const token = tokens[next++]!;
      const joined = await joinOne(wsUrl, spaceId, token, timeoutMs, out);
      if (joined) out.listeners.push(joined);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  out.seconds = (performance.now() - t0) / 1000;
  return out;
}

function joinOne(
  wsUrl: string,
  spaceId: string,
  token: string,
  timeoutMs: number,
  out: JoinOutcome,
): Promise<Listener | null> {
  const started = performance.now();
  return new Promise((resolve) => {
    const ws = new WebSocket(`${wsUrl}?token=${encodeURIComponent(token)}`, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
    });
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      bump(out.failures, reason);
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      resolve(null);
    };
    const timer = setTimeout(() => fail('timeout'), timeoutMs);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', space_id: spaceId })));
    ws.on('unexpected-response', (_req, res) => fail(`http ${res.statusCode}`));
    ws.on('error', (error: NodeJS.ErrnoException) => fail(`socket ${error.code ?? error.message}`));
    ws.on('close', (code) => fail(`closed ${code}`));
    ws.on('message', (data: Buffer) => {
      if (settled) return;
      const kind = data.toString('latin1', TYPE_AT, TYPE_AT + 5);
      if (kind === 'snaps') {
        settled = true;
        clearTimeout(timer);
        out.latencies.push(performance.now() - started);
        out.snapshotBytes ||= data.length;
        ws.removeAllListeners();
        ws.on('error', () => {});
        resolve(new Listener(ws));
      } else if (kind === 'error') {
        const { code } = JSON.parse(data.toString()) as { code?: string };
        fail(`server ${code}`);
      } else {
        out.otherMessages += 1;
      }
    });
  });
}
