/**
 * What a listener hears, judged on decoded audio: bounded polling until the
 * expected tones are present and the others absent, never a fixed sleep.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Listener } from './peer.js';
import { meanPower, toneShare } from './tone.js';

export interface Expectation {
  present?: number[];
  absent?: number[];
  /** Audio judged at each poll: the most recent this many ms. */
  windowMs?: number;
  timeoutMs?: number;
}

/** A present tone carries at least this share of the power (two equal tones: ~0.5 each). */
const PRESENT_SHARE = 0.2;
/** An absent tone carries less than this (Opus noise on a pure tone stays far under). */
const ABSENT_SHARE = 0.02;
/** Below this mean power (about -60 dBFS) the window counts as silence. */
const SILENCE_POWER = 1_000;

export type Shares = Record<number, number>;

/**
 * Resolves with the tone shares of the first window, heard after the call,
 * that meets the expectation; rejects after `timeoutMs` with what was heard.
 */
/** Anything that keeps decoded audio: a direct Janus listener or one signaled through Salon. */
export type Hearing = Pick<Listener, 'samplesSince' | 'sampleRate'>;

export async function heard(listener: Hearing, expectation: Expectation): Promise<Shares> {
  const { present = [], absent = [], windowMs = 400, timeoutMs = 20_000 } = expectation;
  const since = performance.now();
  let last: { shares: Shares; power: number; ms: number } | undefined;
  while (performance.now() - since < timeoutMs) {
    await sleep(100);
    const windowStart = performance.now() - windowMs;
    if (windowStart < since) continue;
    const samples = listener.samplesSince(windowStart);
    const ms = (samples.length / listener.sampleRate) * 1000;
    // The sink must have delivered most of the window, or we judge a gap.
    if (ms < windowMs * 0.75) {
      last = { shares: {}, power: 0, ms };
      continue;
    }
    const shares: Shares = {};
    for (const frequency of [...present, ...absent]) {
      shares[frequency] = toneShare(samples, listener.sampleRate, frequency);
    }
    const power = meanPower(samples);
    last = { shares, power, ms };
    const presentOk = present.every((f) => (shares[f] ?? 0) >= PRESENT_SHARE);
    const audible = present.length === 0 || power > SILENCE_POWER;
    const absentOk = absent.every((f) => (shares[f] ?? 0) < ABSENT_SHARE);
    if (presentOk && audible && absentOk) return shares;
  }
  throw new Error(
    `expected present ${JSON.stringify(present)} and absent ${JSON.stringify(absent)} ` +
      `within ${timeoutMs} ms; last window: ${JSON.stringify(last)}`,
  );
}

/**
 * Milliseconds from `since` to the first 20 ms block (delivered after
 * `since`) in which `frequency` dominates: the tone's onset at the listener.
 * Undefined if it never does within the frames kept.
 */
export function onsetAfter(
  listener: Listener,
  since: number,
  frequency: number,
): number | undefined {
  const frames = listener.framesSince(since);
  for (let i = 0; i + 1 < frames.length; i += 1) {
    const a = frames[i];
    const b = frames[i + 1];
    if (!a || !b) break;
    const block = new Int16Array(a.samples.length + b.samples.length);
    block.set(a.samples);
    block.set(b.samples, a.samples.length);
    if (
      meanPower(block) > SILENCE_POWER &&
      toneShare(block, listener.sampleRate, frequency) > 0.5
    ) {
      return b.at - since;
    }
  }
  return undefined;
}
