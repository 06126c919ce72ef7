/**
 * The bench's knobs, read once from the environment (all optional).
 * BENCH_QUICK=1 shrinks everything for a smoke run of under a minute.
 */
import { int } from '../support/env.js';
export interface HlsBenchConfig {
  quick: boolean;
  /** Tone onsets measured for the delay. */
  onsets: number;
  /** Concurrent pollers for each throughput level. */
  pollerLevels: number[];
  /** Length of each throughput window (after a one-second warm-up). */
  windowSeconds: number;
  /** How often the delay probe polls the playlist. */
  pollMs: number;
  /** Pin the servers to core 0 and the load generator to core 1 (when taskset exists). */
  pin: boolean;
  deadlineSeconds: number;
}

export function loadHlsBenchConfig(env: NodeJS.ProcessEnv = process.env): HlsBenchConfig {
  const quick = ['1', 'true', 'yes'].includes((env['BENCH_QUICK'] ?? '').toLowerCase());
  const levels = (env['BENCH_HLS_POLLERS'] ?? (quick ? '50' : '50,200'))
    .split(',')
    .map((p) => Number(p.trim()));
  if (levels.some((n) => !Number.isInteger(n) || n < 1 || n > 5000))
    throw new Error('BENCH_HLS_POLLERS must be a comma-separated list of 1–5000');
  return {
    quick,
    onsets: int(env, 'BENCH_HLS_ONSETS', quick ? 5 : 20),
    pollerLevels: levels,
    windowSeconds: int(env, 'BENCH_HLS_SECONDS', quick ? 3 : 8),
    pollMs: int(env, 'BENCH_HLS_POLL_MS', 100, 10),
    pin: !['0', 'false', 'no'].includes((env['BENCH_PIN'] ?? '1').toLowerCase()),
    deadlineSeconds: int(env, 'BENCH_HLS_DEADLINE_SECONDS', quick ? 240 : 900),
  };
}
