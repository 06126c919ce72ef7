/**
 * The bench's player page, a browser file: main.ts bundles it with esbuild
 * (`.mts` keeps it out of the server's typecheck, which has no DOM): each player is an
 * <audio> element played through the web app's own `playHls`
 * (web/src/audio/engine/hls.ts, its hls.js light build and live settings),
 * and tapped by a WebAudio analyser. Every 10 ms the page looks for the
 * speaker's 440 Hz tone in the last 25 ms (a whole number of cycles, Goertzel) and logs each
 * change (tone heard / gone) with its wall-clock time, which Node compares
 * with the moment it switched the tone at the speaker. Every 100 ms it also
 * notes whether playback moved: a player that is not paused and whose
 * currentTime has not advanced is stalled (rebuffering, as a listener hears it).
 * A fatal hls.js error is logged and the playback started again.
 */
import { LIVE_TUNING, type LiveTuning, playHls } from '../../web/src/audio/engine/hls';

interface PlayerLog {
  name: string;
  /** Tone heard (true) or gone (false), at `Date.now()` plus a sub-millisecond part. */
  changes: Array<{ on: boolean; at: number }>;
  playingAt: number | null;
  /** Stall episodes after playback began: start and length (ms). */
  stalls: Array<{ at: number; ms: number }>;
  waitingEvents: number;
  fatal: string[];
  /** Seconds of audio played since playback began (currentTime advance). */
  played: number;
}

declare global {
  interface Window {
    /** `tuning`: the app's LIVE_TUNING with these settings over it, or (`replace`) these alone. */
    benchStart(
      name: string,
      url: string,
      tuning: { replace: boolean; settings: Record<string, number> },
    ): Promise<void>;
    benchLogs: PlayerLog[];
    benchAppTuning: LiveTuning;
  }
}

const TONE = 440;
const now = () => performance.timeOrigin + performance.now();
const context = new AudioContext();
window.benchLogs = [];
window.benchAppTuning = LIVE_TUNING;

function toneState(samples: Float32Array, rate: number): 'on' | 'off' | 'unsure' {
  let power = 0;
  let re = 0;
  let im = 0;
  const w = (2 * Math.PI * TONE) / rate;
  for (let n = 0; n < samples.length; n++) {
    const x = samples[n] ?? 0;
    power += x * x;
    re += x * Math.cos(w * n);
    im -= x * Math.sin(w * n);
  }
  const mean = power / samples.length;
  // A sine of amplitude A: |X| = A·N/2, its power A²/2.
  const tone = (2 * (re * re + im * im)) / (samples.length * samples.length);
  const share = mean > 0 ? tone / mean : 0;
  if (mean > 1e-4 && share > 0.5) return 'on';
  if (mean < 1e-5 || share < 0.1) return 'off';
  return 'unsure';
}

window.benchStart = async (name, url, tuning) => {
  const log: PlayerLog = {
    name,
    changes: [],
    playingAt: null,
    stalls: [],
    waitingEvents: 0,
    fatal: [],
    played: 0,
  };
  window.benchLogs.push(log);
  const element = new Audio();
  document.body.append(element);
  const analyser = context.createAnalyser();
  analyser.fftSize = 2048;
  context.createMediaElementSource(element).connect(analyser);
  analyser.connect(context.destination);
  // As the app does after a fatal error (audio/engine/link.ts): a new playback, here after 1 s.
  const start = async (): Promise<void> => {
    const playback = await playHls(element, url, {
      live: true,
      tuning: (tuning.replace
        ? tuning.settings
        : { ...LIVE_TUNING, ...tuning.settings }) as unknown as LiveTuning,
      onFatal: (error) => {
        log.fatal.push(`${Math.round(now())} ${error.status ?? '-'} ${error.details}`);
        playback.close();
        setTimeout(() => {
          void start().then(() => element.play().catch(() => {}));
        }, 1000);
      },
    });
  };
  await start();
  element.addEventListener('playing', () => {
    log.playingAt ??= now();
  });
  element.addEventListener('waiting', () => {
    if (log.playingAt !== null) log.waitingEvents += 1;
  });
  // Not awaited: play() settles only once playback starts.
  context.resume().catch((error: Error) => log.fatal.push(`resume: ${error.message}`));
  element.play().catch((error: Error) => log.fatal.push(`play: ${error.message}`));

  // A whole number of the tone's cycles (no leakage), about 25 ms.
  const span = Math.round((Math.round(0.025 * TONE) * context.sampleRate) / TONE);
  const samples = new Float32Array(analyser.fftSize);
  let heard = false;
  // A change counts once it lasts: the tone heard for 30 ms (3 looks), gone for 400 ms
  // (a short dropout inside the tone is not its end); it is dated at its first look.
  let runStart: number | null = null;
  let runLooks = 0;
  setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    const state = toneState(samples.subarray(samples.length - span), context.sampleRate);
    const on = state === 'on';
    if (on === heard || (!heard && state === 'unsure')) {
      runStart = null;
      runLooks = 0;
      return;
    }
    runStart ??= now();
    runLooks += 1;
    if (runLooks >= (on ? 3 : 40)) {
      heard = on;
      log.changes.push({ on, at: runStart });
      runStart = null;
      runLooks = 0;
    }
  }, 10);

  let lastTime = element.currentTime;
  let stalledSince: number | null = null;
  setInterval(() => {
    const time = element.currentTime;
    const moved = time - lastTime;
    lastTime = time;
    if (log.playingAt === null || element.paused) return;
    if (moved > 0) log.played += moved;
    if (moved < 0.01) stalledSince ??= now() - 100;
    else if (stalledSince !== null) {
      log.stalls.push({ at: stalledSince, ms: now() - stalledSince });
      stalledSince = null;
    }
  }, 100);
};
