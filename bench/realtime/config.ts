/**
 * The bench's knobs, read once from the environment. Defaults are the
 * issue's goals (10,000 joins; 5,000 listeners and 50 reactions/s for 10 s);
 * BENCH_QUICK=1 shrinks everything for a smoke run of a few seconds.
 */
import { flag, int } from '../support/env.js';
export interface BenchConfig {
  quick: boolean;
  /** Listeners that join in the timed join phase. */
  joins: number;
  /** Joins in flight at once: paces the generator so it measures the server, not itself. */
  joinConcurrency: number;
  /** A join that takes longer than this counts as a failure. */
  joinTimeoutMs: number;
  /** Listeners kept subscribed for the fan-out phase (the rest disconnect first). */
  fanoutListeners: number;
  reactionsPerSecond: number;
  /** Length of the fan-out phase. */
  seconds: number;
  /** Listeners that timestamp every message they receive. */
  sample: number;
  /** Space edits per second during fan-out (Salon only): unaggregated event latency. */
  editsPerSecond: number;
  /** Which servers to measure, in order. */
  targets: Array<'salon' | 'bare'>;
  /** Write a V8 CPU profile of each server to bench/results/. */
  profile: boolean;
  /** Pin server and generator to separate cores with taskset. */
  pin: boolean;
  /** Saturation run: the servers flush this often (0 = skip the run), so fan-out never rests. */
  saturationWindowMs: number;
  /** Saturation rounds per server, alternated; the report gives the median. */
  saturationRounds: number;
  /** Reactions per second in the saturation run: enough that every short window has some. */
  saturationReactionsPerSecond: number;
  /** Before each phase, wait up to this long for other processes to leave the CPUs alone. */
  quietWaitSeconds: number;
}

export function loadBenchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const quick = flag(env, 'BENCH_QUICK', false);
  const joins = int(env, 'BENCH_JOINS', quick ? 500 : 10_000);
  const fanout = Math.min(int(env, 'BENCH_FANOUT_LISTENERS', quick ? 250 : 5_000), joins);
  const targets = (env['BENCH_TARGETS'] ?? 'salon,bare')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  for (const t of targets) {
    if (t !== 'salon' && t !== 'bare') throw new Error(`BENCH_TARGETS: unknown target "${t}"`);
  }
  return {
    quick,
    joins,
    joinConcurrency: int(env, 'BENCH_JOIN_CONCURRENCY', 64),
    joinTimeoutMs: int(env, 'BENCH_JOIN_TIMEOUT_MS', 15_000),
    fanoutListeners: fanout,
    reactionsPerSecond: int(env, 'BENCH_REACTIONS_PER_S', 50),
    seconds: int(env, 'BENCH_SECONDS', quick ? 3 : 10),
    sample: Math.min(int(env, 'BENCH_SAMPLE', quick ? 50 : 300), fanout),
    editsPerSecond: int(env, 'BENCH_EDITS_PER_S', 2, 0),
    targets: targets as BenchConfig['targets'],
    profile: flag(env, 'BENCH_PROFILE', false),
    pin: flag(env, 'BENCH_PIN', true),
    saturationWindowMs: int(env, 'BENCH_SATURATION_WINDOW_MS', 2, 0),
    saturationRounds: int(env, 'BENCH_SATURATION_ROUNDS', quick ? 1 : 3),
    saturationReactionsPerSecond: int(env, 'BENCH_SATURATION_REACTIONS_PER_S', 400),
    quietWaitSeconds: int(env, 'BENCH_QUIET_WAIT_S', quick ? 5 : 120, 0),
  };
}
