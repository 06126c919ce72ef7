/**
 * The knobs of bench/hls-player, read once from the environment (all
 * optional). BENCH_QUICK=1 shrinks the run to about a minute and a half.
 */
import { int } from '../support/env.js';
export interface HlsPlayerBenchConfig {
  quick: boolean;
  /** How long the onsets go on, after the players have started. */
  seconds: number;
  /** Stop earlier once this many onsets are measured. */
  maxOnsets: number;
  /** Added to every chunk each way between the players and the origins (ms), ± jitter. */
  delayMs: number;
  jitterMs: number;
  /** Extra players with other hls.js live settings, as JSON: [{"name": …, "liveSyncDuration": …}]. */
  extra: Array<{ name: string } & Record<string, number | string>>;
  deadlineSeconds: number;
}

export function loadHlsPlayerBenchConfig(
  env: NodeJS.ProcessEnv = process.env,
): HlsPlayerBenchConfig {
  const quick = ['1', 'true', 'yes'].includes((env['BENCH_QUICK'] ?? '').toLowerCase());
  const seconds = int(env, 'BENCH_HLS_PLAYER_SECONDS', quick ? 60 : 300, 10);
  const extra = JSON.parse(env['BENCH_HLS_PLAYER_EXTRA'] ?? '[]') as HlsPlayerBenchConfig['extra'];
  if (!Array.isArray(extra) || extra.some((e) => typeof e.name !== 'string'))
    throw new Error('BENCH_HLS_PLAYER_EXTRA must be a JSON list of {"name": …, …hls.js settings}');
  const delayMs = int(env, 'BENCH_HLS_DELAY_MS', 30, 0);
  const jitterMs = int(env, 'BENCH_HLS_JITTER_MS', 20, 0);
  if (jitterMs > delayMs) throw new Error('BENCH_HLS_JITTER_MS must not exceed BENCH_HLS_DELAY_MS');
  return {
    quick,
    seconds,
    maxOnsets: int(env, 'BENCH_HLS_PLAYER_ONSETS', 1000, 1),
    delayMs,
    jitterMs,
    extra,
    deadlineSeconds: int(env, 'BENCH_HLS_PLAYER_DEADLINE_SECONDS', seconds + 240, 30),
  };
}
