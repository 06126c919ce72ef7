/**
 * The two kinds of runs per server. The main run: N listeners join, the
 * audience is trimmed to the fan-out size, reactions flow (the same work for
 * both servers), then (Salon only) the same with space edits on top. A
 * saturation round: the same audience, but the server flushes every few
 * milliseconds, so it broadcasts back to back and what it delivers per second
 * is its fan-out capacity rather than the offered load.
 */
import type { BenchConfig } from './config.js';
import type { Command, FanoutResult, JoinResult } from './messages.js';
import type { Usage } from './proc.js';
import { MINUTE, profileDirFor, type Session, type Target, withSession } from './session.js';

export type { Target };

export interface SaturationRound {
  result: FanoutResult;
  usage: Usage;
}

export interface TargetResult {
  target: Target;
  join: JoinResult;
  joinUsage: Usage;
  /** Server RSS before the first join: the baseline for memory per connection. */
  idleRssBytes: number;
  fanout: FanoutResult;
  fanoutUsage: Usage;
  /** The fan-out phase again with space edits (Salon only). */
  events: FanoutResult | null;
  eventsUsage: Usage | null;
  /** Fan-out at saturation (a short window), one entry per round. */
  saturation: SaturationRound[];
  profileDirs: string[];
}

function join(s: Session, config: BenchConfig) {
  return s.phase('join', () =>
    s.rpc.call<JoinResult>(
      { type: 'join', concurrency: config.joinConcurrency, timeoutMs: config.joinTimeoutMs },
      5 * MINUTE,
    ),
  );
}

function fanout(
  s: Session,
  config: BenchConfig,
  name: string,
  reactionsPerSecond: number,
  editsPerSecond: number,
) {
  const command: Command = {
    type: 'fanout',
    reactionsPerSecond,
    seconds: config.seconds,
    sample: config.sample,
    drainMs: 1500,
    editsPerSecond,
    hostCookie: s.cookie,
  };
  return s.phase(name, () => s.rpc.call<FanoutResult>(command, config.seconds * 1000 + 2 * MINUTE));
}

/** The main run: join, trim, fan-out, events. */
export async function benchTarget(
  target: Target,
  config: BenchConfig,
  stamp: string,
  snapshotBytes: number | null,
): Promise<TargetResult> {
  const profileDir = profileDirFor(config, stamp, target);
  const main = await withSession(
    target,
    config,
    { listeners: config.joins, snapshotBytes, profileDir },
    async (s) => {
      const [joined, joinUsage] = await join(s, config);
      await s.rpc.call({ type: 'trim', keep: config.fanoutListeners, settleMs: 3000 }, MINUTE);
      const [fan, fanoutUsage] = await fanout(s, config, 'fan-out', config.reactionsPerSecond, 0);
      const [events, eventsUsage] =
        s.cookie && config.editsPerSecond > 0
          ? await fanout(s, config, 'events', config.reactionsPerSecond, config.editsPerSecond)
          : [null, null];
      await s.rpc.call({ type: 'close' }, MINUTE);
      return {
        join: joined,
        joinUsage,
        idleRssBytes: s.idleRssBytes,
        fanout: fan,
        fanoutUsage,
        events,
        eventsUsage,
      };
    },
  );
  return { target, ...main, saturation: [], profileDirs: profileDir ? [profileDir] : [] };
}

/**
 * One saturation round on a fresh server. run.ts alternates the servers
 * round by round, so that a neighbour's burst of CPU use hits both alike.
 */
export async function benchSaturation(
  target: Target,
  config: BenchConfig,
  profileDir: string | null,
  snapshotBytes: number | null,
): Promise<SaturationRound> {
  const [result, usage] = await withSession(
    target,
    config,
    {
      listeners: config.fanoutListeners,
      windowMs: config.saturationWindowMs,
      snapshotBytes,
      profileDir,
    },
    async (s) => {
      await s.rpc.call(
        { type: 'join', concurrency: config.joinConcurrency, timeoutMs: config.joinTimeoutMs },
        5 * MINUTE,
      );
      await s.rpc.call({ type: 'trim', keep: config.fanoutListeners, settleMs: 2000 }, MINUTE);
      const round = await fanout(s, config, 'saturation', config.saturationReactionsPerSecond, 0);
      await s.rpc.call({ type: 'close' }, MINUTE);
      return round;
    },
  );
  return { result, usage };
}
