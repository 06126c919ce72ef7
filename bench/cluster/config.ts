/**
 * bench/cluster's knobs, read once from the environment. BENCH_QUICK=1
 * shrinks everything for a smoke run of about a minute.
 */
import { flag, int } from '../support/env.js';
export interface ClusterBenchConfig {
  quick: boolean;
  /** Cluster sizes to compare; the first (1) is the baseline. */
  nodeCounts: number[];
  /** Listeners joining in the latency phase, spread over the nodes. */
  joins: number;
  joinConcurrency: number;
  joinTimeoutMs: number;
  /** Host edits per second in the events phase, and how long it lasts. */
  editsPerSecond: number;
  seconds: number;
  /** Listeners per node that timestamp events. */
  sample: number;
  /** The capacity phase: how many nodes, its target, its step. */
  capacityNodes: number;
  capacity: number;
  capacityStep: number;
  /** A step whose join p99 exceeds this, or that loses over 1 % of its joins, ends the phase. */
  capacityJoinLimitMs: number;
  databaseUrl: string;
  redisUrl: string;
}

export function loadClusterConfig(env: NodeJS.ProcessEnv = process.env): ClusterBenchConfig {
  const quick = flag(env, 'BENCH_QUICK', false);
  const nodeCounts = (env['BENCH_CLUSTER_NODES'] ?? '1,2,3').split(',').map((raw) => {
    const n = Number(raw.trim());
    if (!Number.isInteger(n) || n < 1 || n > 8)
      throw new Error(`BENCH_CLUSTER_NODES: "${raw}" is not a node count from 1 to 8`);
    return n;
  });
  return {
    quick,
    nodeCounts,
    joins: int(env, 'BENCH_CLUSTER_JOINS', quick ? 300 : 3_000),
    joinConcurrency: int(env, 'BENCH_JOIN_CONCURRENCY', 64),
    joinTimeoutMs: int(env, 'BENCH_JOIN_TIMEOUT_MS', 15_000),
    editsPerSecond: int(env, 'BENCH_CLUSTER_EDITS_PER_S', 5),
    seconds: int(env, 'BENCH_SECONDS', quick ? 3 : 10),
    sample: int(env, 'BENCH_CLUSTER_SAMPLE', quick ? 20 : 100),
    capacityNodes: int(env, 'BENCH_CLUSTER_CAPACITY_NODES', 2),
    capacity: int(env, 'BENCH_CLUSTER_CAPACITY', quick ? 2_000 : 40_000, 0),
    capacityStep: int(env, 'BENCH_CLUSTER_CAPACITY_STEP', quick ? 1_000 : 5_000),
    capacityJoinLimitMs: int(env, 'BENCH_CLUSTER_JOIN_LIMIT_MS', 5_000),
    databaseUrl: env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
    redisUrl: env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  };
}
