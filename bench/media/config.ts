/**
 * The bench's knobs, read once from the environment (all optional).
 * BENCH_QUICK=1 shrinks everything for a smoke run of about a minute.
 */
import { flag, int } from '../support/env.js';
export interface MediaBenchConfig {
  quick: boolean;
  /** Tone onsets per latency path (all paths hear the same onsets). */
  onsets: number;
  /** Fresh joins of the speaker and receivers the onsets are spread over. */
  rounds: number;
  /** Listener counts for the CPU phase; a level of 0 (idle room) is always measured first. */
  listenerLevels: number[];
  /** Length of each CPU measurement window. */
  windowSeconds: number;
  /** Wait after a level is connected and receiving, before its window starts. */
  settleSeconds: number;
  /** Listeners negotiating with Janus at once while a level connects. */
  joinConcurrency: number;
  /**
   * `sample`: only the checked listeners decode, the rest are wire viewers
   * (see peers.ts); `all`: every listener is a plain decoding libwebrtc viewer.
   */
  decode: 'sample' | 'all';
  /** With decode=sample: first measure the smallest level with every listener decoding. */
  reference: boolean;
  /** Pin Janus to core 0 and the load generator (and this process) to core 1. */
  pin: boolean;
  /** Before each CPU window, wait up to this long for other programs to leave the CPUs alone. */
  quietWaitSeconds: number;
  /**
   * `auto`: Janus loads libsrtp2 as Salon starts it (the OpenSSL build of
   * scripts/build-libsrtp.sh when present). `system`: an experiment, the
   * system's libsrtp2 (Debian's: NSS).
   */
  libsrtp: 'auto' | 'system';
  /**
   * Unset: the stage participants use the room's prebuffer (2, as Salon
   * creates rooms). Set: an experiment, they join with this prebuffer.
   */
  prebuffer: number | undefined;
  /** Hard limit for the whole run inside the namespace. */
  deadlineSeconds: number;
}

function levels(env: NodeJS.ProcessEnv, name: string, fallback: number[]): number[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.some((v) => !Number.isInteger(v) || v < 1 || v > 2_000)) {
    throw new Error(
      `${name} must be a list of whole numbers 1–2000, e.g. 50,100,200 (got "${raw}")`,
    );
  }
  return [...new Set(values)].sort((a, b) => a - b);
}

function decodeMode(raw: string | undefined): 'sample' | 'all' {
  const value = raw?.trim() || 'sample';
  if (value !== 'sample' && value !== 'all') {
    throw new Error(`BENCH_MEDIA_DECODE must be sample or all (got "${raw}")`);
  }
  return value;
}

function libsrtpMode(raw: string | undefined): 'auto' | 'system' {
  const value = raw?.trim() || 'auto';
  if (value !== 'auto' && value !== 'system') {
    throw new Error(`BENCH_MEDIA_LIBSRTP must be auto or system (got "${raw}")`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): MediaBenchConfig {
  const quick = flag(env, 'BENCH_QUICK', false);
  return {
    quick,
    onsets: int(env, 'BENCH_MEDIA_ONSETS', quick ? 8 : 40, 2),
    rounds: int(env, 'BENCH_MEDIA_ROUNDS', quick ? 2 : 4),
    libsrtp: libsrtpMode(env['BENCH_MEDIA_LIBSRTP']),
    prebuffer: env['BENCH_MEDIA_PREBUFFER']?.trim()
      ? int(env, 'BENCH_MEDIA_PREBUFFER', 2, 0)
      : undefined,
    listenerLevels: levels(env, 'BENCH_MEDIA_LISTENERS', quick ? [10, 20] : [50, 100, 200]),
    windowSeconds: int(env, 'BENCH_MEDIA_WINDOW_S', quick ? 4 : 10),
    settleSeconds: int(env, 'BENCH_MEDIA_SETTLE_S', quick ? 1 : 3, 0),
    joinConcurrency: int(env, 'BENCH_MEDIA_JOIN_CONCURRENCY', 8),
    decode: decodeMode(env['BENCH_MEDIA_DECODE']),
    reference: flag(env, 'BENCH_MEDIA_REFERENCE', true),
    pin: flag(env, 'BENCH_PIN', true),
    quietWaitSeconds: int(env, 'BENCH_QUIET_WAIT_S', quick ? 0 : 30, 0),
    deadlineSeconds: int(env, 'BENCH_MEDIA_DEADLINE_S', quick ? 240 : 900),
  };
}
