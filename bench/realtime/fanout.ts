/**
 * The fan-out phase: reactions at a steady rate from distinct listeners (so
 * the per-person limiter never refuses one), optional space edits over HTTP,
 * and timestamps at sampled listeners.
 *
 * Matching a reaction to the message that carries it: messages hold only
 * counts per emoji, so each sampled listener keeps a running total of counted
 * reactions; reaction i (in send order) arrived with the first message that
 * brings the total above i. That is exact while every reaction is accepted
 * and the server sees them in send order, which 20 ms apart on one host it
 * does; refused reactions are reported, and would show as < 100% completeness.
 */
import { counters, type Listener, resetCounters } from './listeners.js';
import type { FanoutResult } from './messages.js';
import { summarize } from './stats.js';

export interface FanoutOptions {
  httpUrl: string;
  spaceId: string;
  reactionsPerSecond: number;
  seconds: number;
  sample: number;
  drainMs: number;
  editsPerSecond: number;
  hostCookie: string | null;
  /** Called when sending starts and stops, so the parent can time the server's CPU exactly. */
  mark: (name: 'start' | 'end') => void;
}

const EMOJI = ['💯', '✋', '✊', '✌️', '👋', '😂', '❤️', '👍'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runFanout(
  listeners: readonly Listener[],
  o: FanoutOptions,
): Promise<Omit<FanoutResult, 'cpuPercent' | 'loopDelayP99Ms'>> {
  const n = listeners.length;
  // Spread the sample over the whole join order: the server sends in that order.
  const stride = Math.max(1, Math.floor(n / o.sample));
  const sampled: Listener[] = [];
  for (let i = 0; i < n && sampled.length < o.sample; i += stride) {
    const l = listeners[i]!;
    l.sample = { reactions: [], total: 0, events: [] };
    sampled.push(l);
  }
  resetCounters();
  const droppedBefore = counters.dropped;

  const total = Math.round(o.reactionsPerSecond * o.seconds);
  const sendTimes: number[] = [];
  const t0 = performance.now();
  o.mark('start');
  const sender = setInterval(() => {
    const due = Math.min(
      total,
      Math.floor(((performance.now() - t0) / 1000) * o.reactionsPerSecond),
    );
    while (sendTimes.length < due) {
      const i = sendTimes.length;
      // Each listener in turn, from the end: one person reacts far below the per-person limit.
      const l = listeners[n - 1 - (i % n)]!;
      sendTimes.push(performance.now());
      l.ws.send(
        JSON.stringify({ type: 'react', space_id: o.spaceId, emoji: EMOJI[i % EMOJI.length] }),
      );
    }
  }, 5);
  const edits = o.hostCookie && o.editsPerSecond > 0 ? runEdits(o, t0) : null;
  await sleep(o.seconds * 1000);
  clearInterval(sender);
  o.mark('end');
  const sendSeconds = (performance.now() - t0) / 1000;
  const delivered = counters.reactions;
  const allMessages = counters.messages;
  // Let the last windows arrive: a window plus slack.
  await sleep(o.drainMs);
  const editTimes = (await edits) ?? { starts: [], responses: [], errors: 0 };

  const refused = [...counters.errors.values()].reduce((a, b) => a + b, 0);
  const accepted = sendTimes.length - refused;
  const delivery: number[] = [];
  const arrivalsByTotal = new Map<number, number[]>();
  let seen = 0;
  for (const l of sampled) {
    const arrivals = l.sample!.reactions;
    let j = 0;
    for (let i = 0; i < accepted; i++) {
      while (j < arrivals.length && arrivals[j]![1] <= i) j++;
      if (j === arrivals.length) break;
      delivery.push(arrivals[j]![0] - sendTimes[i]!);
    }
    seen += Math.min(l.sample!.total, accepted);
    for (const [at, running] of arrivals) {
      const list = arrivalsByTotal.get(running) ?? [];
      list.push(at);
      arrivalsByTotal.set(running, list);
    }
  }
  const { lag, spread } = broadcastSpread(arrivalsByTotal.values());
  const eventDelivery: number[] = [];
  for (const l of sampled) {
    for (const [at, k] of l.sample!.events) {
      const start = editTimes.starts[k];
      if (start !== undefined) eventDelivery.push(at - start);
    }
    l.sample = null;
  }
  return {
    listeners: n,
    sampled: sampled.length,
    seconds: sendSeconds,
    reactionsSent: sendTimes.length,
    reactionErrors: Object.fromEntries(counters.errors),
    deliveredPerSecond: delivered / sendSeconds,
    allMessagesPerSecond: allMessages / sendSeconds,
    deliveryMs: summarize(delivery),
    fanoutLagMs: summarize(lag),
    spreadMs: summarize(spread),
    completeness: accepted > 0 ? (seen / (accepted * sampled.length)) * 100 : Number.NaN,
    eventDeliveryMs: edits ? summarize(eventDelivery) : null,
    editResponseMs: edits ? summarize(editTimes.responses) : null,
    editsSent: editTimes.starts.length,
    editErrors: editTimes.errors,
    dropped: counters.dropped - droppedBefore,
  };
}

/** Per message: each arrival's lag behind the first sampled arrival, and first-to-last. */
function broadcastSpread(groups: Iterable<number[]>): { lag: number[]; spread: number[] } {
  const lag: number[] = [];
  const spread: number[] = [];
  for (const times of groups) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const t of times) {
      min = Math.min(min, t);
      max = Math.max(max, t);
    }
    for (const t of times) lag.push(t - min);
    spread.push(max - min);
  }
  return { lag, spread };
}

/** The host edits the title at a steady rate; each edit is one unaggregated space event. */
export async function runEdits(
  o: FanoutOptions,
  t0: number,
): Promise<{ starts: number[]; responses: number[]; errors: number }> {
  const starts: number[] = [];
  const responses: number[] = [];
  let errors = 0;
  const interval = 1000 / o.editsPerSecond;
  for (let k = 0; (k + 1) * interval < o.seconds * 1000; k++) {
    const wait = t0 + (k + 0.5) * interval - performance.now();
    if (wait > 0) await sleep(wait);
    starts[k] = performance.now();
    try {
      const response = await fetch(`${o.httpUrl}/api/v1/spaces/${o.spaceId}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', cookie: o.hostCookie! },
        body: JSON.stringify({ title: `bench edit ${k}` }),
      });
      await response.arrayBuffer();
      responses.push(performance.now() - starts[k]!);
      if (!response.ok) errors += 1;
    } catch {
      errors += 1;
    }
  }
  return { starts, responses, errors };
}
