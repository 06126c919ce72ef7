/**
 * The two ends of a mouth-to-ear measurement: a Mouth (a generated tone fed
 * to libwebrtc in 10 ms frames, which timestamps the frame where a tone
 * starts) and an Ear (an RTCAudioSink on a received track, which keeps the
 * decoded frames with their arrival times and finds a tone's onset in them).
 */
import { performance } from 'node:perf_hooks';
import {
  FRAME_SAMPLES,
  meanPower,
  SAMPLE_RATE,
  ToneGenerator,
  toneShare,
} from '../../server/test/media/support/tone.js';
import {
  type AudioSink,
  type AudioSource,
  type MediaStreamTrack,
  RTCAudioSink,
  RTCAudioSource,
} from '../../server/test/media/support/wrtc.js';

/** Tone amplitude, as a share of full scale. */
export const AMPLITUDE = 0.25;
/** A sample this loud (about a quarter of the tone's peak) marks sound, not codec noise. */
const LOUD = 0.25 * AMPLITUDE * 32_767;
/** Below this mean power (about -60 dBFS) a block counts as silence. */
const SILENCE_POWER = 1_000;
/** Share of a block's power that must sit at the expected frequency. */
const TONE_SHARE = 0.5;
/** Catch-up cap after an event-loop stall, so the encoder never gets a flood. */
const MAX_FRAMES_PER_TICK = 10;

/**
 * A tone source for one or more tracks (one per PeerConnection), so a single
 * onset instant reaches every path under test at once.
 */
export class Mouth {
  private readonly source: AudioSource = new RTCAudioSource();
  private readonly tracks: MediaStreamTrack[] = [];
  private readonly tone: ToneGenerator;
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = performance.now();
  private framesSent = 0;
  private waiting: { frequency: number; resolve: (at: number) => void } | undefined;

  constructor(frequency = 0) {
    this.tone = new ToneGenerator(frequency, AMPLITUDE, SAMPLE_RATE);
    // Frames are due by the wall clock; a 5 ms tick keeps hand-off close to due time.
    this.timer = setInterval(() => this.pump(), 5);
  }

  get frequency(): number {
    return this.tone.frequency;
  }

  /** A new track fed by this mouth. */
  track(): MediaStreamTrack {
    const track = this.source.createTrack();
    this.tracks.push(track);
    return track;
  }

  /**
   * Plays `frequency` (0 = silence) from the next frame on. Resolves with the
   * performance.now() at which the first frame of it was handed to libwebrtc:
   * the "mouth" instant of an onset.
   */
  play(frequency: number): Promise<number> {
    this.tone.frequency = frequency;
    this.waiting?.resolve(Number.NaN);
    return new Promise((resolve) => {
      this.waiting = { frequency, resolve };
    });
  }

  stop(): void {
    clearInterval(this.timer);
    this.waiting?.resolve(Number.NaN);
    this.waiting = undefined;
    for (const track of this.tracks) track.stop();
  }

  private pump(): void {
    const due = Math.floor((performance.now() - this.startedAt) / 10) - this.framesSent;
    const frames = Math.min(due, MAX_FRAMES_PER_TICK);
    for (let i = 0; i < frames; i++) {
      const samples = this.tone.next(FRAME_SAMPLES);
      this.source.onData({ samples, sampleRate: SAMPLE_RATE });
      const waiting = this.waiting;
      if (waiting && waiting.frequency === this.tone.frequency) {
        this.waiting = undefined;
        waiting.resolve(performance.now());
      }
    }
    this.framesSent += due;
  }
}

export interface ReceivedFrame {
  /** performance.now() when the sink delivered the frame (it plays from then on). */
  at: number;
  samples: Int16Array;
}

/** What a stretch of received audio sounded like, in 100 ms blocks. */
export interface AudioCheck {
  frequency: number;
  /** Audio delivered by the sink, in ms, over the wall-clock ms analysed. */
  deliveredMs: number;
  wallMs: number;
  blocks: number;
  /** Blocks loud enough and with ≥ 50 % of their power at `frequency`. */
  toneBlocks: number;
  minShare: number;
  medianShare: number;
}

/** About 15 s of 10 ms frames. */
const KEPT_FRAMES = 1_500;

/** Decoded audio of one received track; libwebrtc decodes only because this sink exists. */
export class Ear {
  sampleRate = SAMPLE_RATE;
  private readonly frames: ReceivedFrame[] = [];
  private readonly sink: AudioSink;
  private analysis:
    | { frequency: number; since: number; pending: number[]; shares: number[]; samples: number }
    | undefined;

  constructor(track: MediaStreamTrack) {
    this.sink = new RTCAudioSink(track);
    this.sink.ondata = (data) => {
      const channels = data.channelCount ?? 1;
      const count = data.samples.length / channels;
      // The buffer belongs to libwebrtc and is reused: copy channel 0 out.
      const mono = new Int16Array(count);
      for (let i = 0; i < count; i++) mono[i] = data.samples[i * channels] ?? 0;
      this.sampleRate = data.sampleRate;
      this.frames.push({ at: performance.now(), samples: mono });
      if (this.frames.length > KEPT_FRAMES) this.frames.shift();
      this.analyse(mono);
    };
  }

  stop(): void {
    this.sink.stop();
  }

  framesSince(since: number): ReceivedFrame[] {
    const out: ReceivedFrame[] = [];
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const frame = this.frames[i]!;
      if (frame.at < since) break;
      out.push(frame);
    }
    return out.reverse();
  }

  /** True when the last `ms` were delivered (mostly) and held no loud sample. */
  silentFor(ms: number): boolean {
    const frames = this.framesSince(performance.now() - ms);
    const delivered = frames.length * 10;
    if (delivered < ms * 0.75) return false;
    return frames.every((frame) => peak(frame.samples) < LOUD / 2);
  }

  /**
   * Milliseconds from `since` to the first loud sample delivered after it,
   * provided the 20 ms from that sample on carry `frequency` (a click or a
   * stale tail does not count). A frame plays from its delivery on, so a
   * sample at index i plays i / sampleRate after it. Undefined until found.
   */
  onsetAfter(since: number, frequency: number): number | undefined {
    const frames = this.framesSince(since);
    const span = Math.round(this.sampleRate * 0.02);
    for (let f = 0; f < frames.length; f++) {
      const frame = frames[f]!;
      const index = frame.samples.findIndex((x) => Math.abs(x) >= LOUD);
      if (index < 0) continue;
      // The 20 ms that start at the loud sample, across the following frames.
      const block = new Int16Array(span);
      let filled = 0;
      for (let g = f, start = index; g < frames.length && filled < span; g++, start = 0) {
        const part = frames[g]!.samples.subarray(start, start + (span - filled));
        block.set(part, filled);
        filled += part.length;
      }
      if (filled < span) return undefined; // not all delivered yet: ask again later
      if (
        meanPower(block) > SILENCE_POWER &&
        toneShare(block, this.sampleRate, frequency) >= TONE_SHARE
      ) {
        return frame.at + (index / this.sampleRate) * 1000 - since;
      }
    }
    return undefined;
  }

  /** Starts judging every 100 ms block delivered from now on against `frequency`. */
  startCheck(frequency: number): void {
    this.analysis = { frequency, since: performance.now(), pending: [], shares: [], samples: 0 };
  }

  /** Ends the check started by startCheck(). */
  endCheck(): AudioCheck | undefined {
    const a = this.analysis;
    this.analysis = undefined;
    if (!a) return undefined;
    const sorted = [...a.shares].sort((x, y) => x - y);
    return {
      frequency: a.frequency,
      deliveredMs: (a.samples / this.sampleRate) * 1000,
      wallMs: performance.now() - a.since,
      blocks: a.shares.length,
      toneBlocks: a.shares.filter((s) => s >= TONE_SHARE).length,
      minShare: sorted[0] ?? 0,
      medianShare: sorted[Math.floor(sorted.length / 2)] ?? 0,
    };
  }

  private analyse(mono: Int16Array): void {
    const a = this.analysis;
    if (!a) return;
    a.samples += mono.length;
    for (const x of mono) a.pending.push(x);
    const blockSize = Math.round(this.sampleRate / 10);
    while (a.pending.length >= blockSize) {
      const block = a.pending.splice(0, blockSize);
      a.shares.push(
        meanPower(block) > SILENCE_POWER ? toneShare(block, this.sampleRate, a.frequency) : 0,
      );
    }
  }
}

function peak(samples: Int16Array): number {
  let max = 0;
  for (const x of samples) {
    const v = Math.abs(x);
    if (v > max) max = v;
  }
  return max;
}
