/**
 * Mouth-to-ear latency by tone onset. One Mouth feeds three paths at once,
 * so every onset is timed on all of them under the same conditions:
 *   (a) speaker → another stage member: AudioBridge mix-minus-self;
 *   (b) speaker → WebRTC listener: room mix → rtp_forward → Streaming;
 *   (c) a direct wrtc → wrtc call with no server (the baseline).
 * Each trial: silence until every ear has been silent 250 ms, a random
 * 0–40 ms pause (so onsets fall anywhere in the 20 ms Opus frame and the
 * 10 ms playout tick), then a tone of the next frequency in turn.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Stage } from '../../server/test/media/support/stage.js';
import { type Ear, Mouth } from './audio.js';
import { DirectCall, StagePeer, StreamListener } from './peers.js';

export const ONSET_FREQUENCIES = [440, 620, 880];
const QUIET_MS = 250;
const QUIET_TIMEOUT_MS = 5_000;
const ONSET_TIMEOUT_MS = 2_000;
const HOLD_MS = 200;

export type PathKey = 'direct' | 'stage' | 'listener';

export interface LatencyPath {
  key: PathKey;
  /** One per detected onset, ms; NaN where the onset was not detected. */
  samples: number[];
}

export interface LatencyResult {
  trials: number;
  /** Fresh joins the trials were spread over. */
  rounds: number;
  /** The round of each timed onset (same order as the samples). */
  round: number[];
  /** Trials where some ear never fell silent before the onset (not timed). */
  skipped: number;
  paths: Record<PathKey, LatencyPath>;
}

/** The stage's speaker, kept publishing after the latency phase for the CPU phase. */
export interface BenchSpeaker {
  mouth: Mouth;
  peer: StagePeer;
  close(): Promise<void>;
}

async function until(check: () => boolean, timeoutMs: number, everyMs = 10): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (check()) return true;
    await sleep(everyMs);
  }
  return check();
}

interface Paths {
  speaker: StagePeer;
  ears: Array<[PathKey, Ear]>;
  close(): Promise<void>;
}

/** Joins the speaker and the three receiving ends, fresh. */
async function openPaths(
  stage: Stage,
  mouth: Mouth,
  round: number,
  prebuffer: number | undefined,
): Promise<Paths> {
  const silentMouth = new Mouth(0);
  const closers: Array<() => unknown> = [() => silentMouth.stop()];
  const close = async () => {
    for (const fn of closers.reverse()) {
      try {
        await fn();
      } catch {
        // best effort
      }
    }
  };
  try {
    // Fresh participant ids each round: Janus may not have dropped the last ones yet.
    const speaker = await StagePeer.join({
      session: stage.session,
      room: stage.room,
      id: round * 10 + 1,
      track: mouth.track(),
      hear: false,
      ...(prebuffer === undefined ? {} : { prebuffer }),
    });
    closers.push(() => speaker.close());
    // The other stage member: publishes silence, hears the mix minus itself.
    const other = await StagePeer.join({
      session: stage.session,
      room: stage.room,
      id: round * 10 + 2,
      track: silentMouth.track(),
      hear: true,
      ...(prebuffer === undefined ? {} : { prebuffer }),
    });
    closers.push(() => other.close());
    const listener = await StreamListener.watch({
      session: stage.session,
      mountpoint: stage.mountpoint.id,
      mode: 'ear',
    });
    closers.push(() => listener.close());
    const direct = await DirectCall.open(mouth.track());
    closers.push(() => direct.close());
    return {
      speaker,
      ears: [
        ['direct', direct.ear!],
        ['stage', other.ear!],
        ['listener', listener.ear!],
      ],
      // Everything but the speaker, which the caller closes (or keeps).
      close: async () => {
        closers.splice(1, 1);
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * `trials` onsets over `rounds` fresh joins: the AudioBridge queue a
 * participant settles into depends on when it joined (see README), so one
 * join would measure one draw of it.
 */
export async function measureLatency(
  stage: Stage,
  trials: number,
  rounds: number,
  log: (line: string) => void,
  prebuffer?: number,
): Promise<{ result: LatencyResult; speaker: BenchSpeaker }> {
  const mouth = new Mouth(0);
  let speaker: StagePeer | undefined;
  const result: LatencyResult = {
    trials,
    rounds,
    skipped: 0,
    round: [],
    paths: {
      direct: { key: 'direct', samples: [] },
      stage: { key: 'stage', samples: [] },
      listener: { key: 'listener', samples: [] },
    },
  };
  try {
    for (let round = 0; round < rounds; round++) {
      await speaker?.close();
      speaker = undefined;
      const paths = await openPaths(stage, mouth, round, prebuffer);
      speaker = paths.speaker;
      try {
        await warmUp(mouth, paths.ears);
        const count =
          Math.ceil((trials * (round + 1)) / rounds) - Math.ceil((trials * round) / rounds);
        for (let i = 0; i < count; i++) {
          const n = result.round.length + result.skipped;
          const frequency = ONSET_FREQUENCIES[n % ONSET_FREQUENCIES.length]!;
          const found = await onset(mouth, paths.ears, frequency);
          if (!found) {
            result.skipped += 1;
            continue;
          }
          result.round.push(round);
          for (const [key] of paths.ears) {
            result.paths[key].samples.push(found.get(key) ?? Number.NaN);
          }
          const shown = paths.ears
            .map(([key]) => `${key} ${found.get(key)?.toFixed(0) ?? '—'}`)
            .join(', ');
          log(
            `round ${round + 1}/${rounds}, onset ${n + 1}/${trials} ${frequency} Hz: ${shown} ms`,
          );
        }
      } finally {
        await paths.close();
      }
    }
    await mouth.play(0);
    const kept = speaker!;
    speaker = undefined; // handed over
    return {
      result,
      speaker: {
        mouth,
        peer: kept,
        async close() {
          mouth.stop();
          await kept.close();
        },
      },
    };
  } finally {
    if (speaker) {
      mouth.stop();
      await speaker.close();
    }
  }
}

/** Every path must carry a tone before anything is timed. */
async function warmUp(mouth: Mouth, ears: Array<[PathKey, Ear]>): Promise<void> {
  const warm = await mouth.play(440);
  const warmed = await until(
    () => ears.every(([, ear]) => ear.onsetAfter(warm, 440) !== undefined),
    20_000,
    50,
  );
  if (!warmed) {
    const missing = ears.filter(([, ear]) => ear.onsetAfter(warm, 440) === undefined);
    throw new Error(`no tone within 20 s on: ${missing.map(([key]) => key).join(', ')}`);
  }
  await sleep(1_000);
}

/** One timed onset; undefined when some ear never fell silent first. */
async function onset(
  mouth: Mouth,
  ears: Array<[PathKey, Ear]>,
  frequency: number,
): Promise<Map<PathKey, number> | undefined> {
  await mouth.play(0);
  const quiet = await until(
    () => ears.every(([, ear]) => ear.silentFor(QUIET_MS)),
    QUIET_TIMEOUT_MS,
  );
  if (!quiet) return undefined;
  await sleep(Math.random() * 40);
  const at = await mouth.play(frequency);
  const found = new Map<PathKey, number>();
  await until(() => {
    for (const [key, ear] of ears) {
      if (found.has(key)) continue;
      const ms = ear.onsetAfter(at, frequency);
      if (ms !== undefined) found.set(key, ms);
    }
    return found.size === ears.length;
  }, ONSET_TIMEOUT_MS);
  await sleep(HOLD_MS);
  return found;
}
