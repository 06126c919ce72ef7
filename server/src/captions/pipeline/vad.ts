/**
 * An energy voice-activity detector over 20 ms frames of 16 kHz mono PCM:
 * pure (no clock, no I/O), fed PCM in any chunking, it cuts utterances.
 *
 * A frame is voiced when its energy is well above the speaker's noise floor
 * (tracked per stream: falls at once to a quieter frame, rises slowly) and
 * above an absolute floor, so a silent or muted line is never speech. An
 * utterance starts after `startFrames` voiced frames in a row, with
 * `preRollMs` of what came before (the first consonant is often quiet),
 * and ends after `hangoverMs` without a voiced frame, or at `maxMs` (a
 * speaker who never pauses still gets lines). Only the utterances go to an
 * engine: silence costs the energy sum and nothing else.
 */
export const VAD_FRAME = 320; // 20 ms at 16 kHz

export interface VadOptions {
  sampleRate?: number;
  /** dB above the noise floor for a frame to count as voiced. */
  marginDb?: number;
  /** Frames quieter than this (dBFS) are never voiced. */
  absoluteDb?: number;
  startFrames?: number;
  hangoverMs?: number;
  preRollMs?: number;
  maxMs?: number;
}

export type VadEvent =
  /** `pcm`: the utterance's first frames (the pre-roll and the voiced run that started it). */
  | { type: 'start'; startSample: number; pcm: Int16Array }
  /**
   * Each time the utterance grew by a frame: that `frame` (for a streaming
   * engine), and `utterance()`, the utterance so far, joined when called
   * (for an engine that re-decodes it for a partial).
   */
  | { type: 'audio'; startSample: number; frame: Int16Array; utterance: () => Int16Array }
  | { type: 'end'; startSample: number; endSample: number; pcm: Int16Array; cut: boolean };

export class EnergyVad {
  private readonly o: Required<VadOptions>;
  private pending = new Int16Array(0);
  /** Samples consumed so far (the stream position of `pending`'s start). */
  private position = 0;
  private floorDb = -60;
  private voicedRun = 0;
  private silentMs = 0;
  /** Recent frames kept for the pre-roll. */
  private history: Int16Array[] = [];
  private utterance: {
    startSample: number;
    frames: Int16Array[];
    samples: number;
    lastVoiced: number;
  } | null = null;

  constructor(options: VadOptions = {}) {
    this.o = {
      sampleRate: 16_000,
      marginDb: 12,
      absoluteDb: -50,
      startFrames: 3,
      hangoverMs: 500,
      preRollMs: 200,
      maxMs: 12_000,
      ...options,
    };
  }

  get speaking(): boolean {
    return this.utterance !== null;
  }

  /** Stream position (samples) of the next sample to come. */
  get samples(): number {
    return this.position + this.pending.length;
  }

  push(pcm: Int16Array): VadEvent[] {
    const events: VadEvent[] = [];
    const all = new Int16Array(this.pending.length + pcm.length);
    all.set(this.pending);
    all.set(pcm, this.pending.length);
    let at = 0;
    for (; at + VAD_FRAME <= all.length; at += VAD_FRAME)
      this.frame(all.slice(at, at + VAD_FRAME), this.position + at, events);
    this.position += at;
    this.pending = all.slice(at);
    return events;
  }

  /** The line went quiet (no packets: muted, or the publisher left): ends an open utterance. */
  flush(): VadEvent[] {
    const events: VadEvent[] = [];
    this.finish(events, false);
    this.voicedRun = 0;
    this.history = [];
    return events;
  }

  private frame(frame: Int16Array, start: number, events: VadEvent[]): void {
    const db = frameDb(frame);
    const frameMs = (VAD_FRAME / this.o.sampleRate) * 1000;
    // The floor follows quiet frames at once and loud ones slowly (≈ +1 dB/s).
    this.floorDb = db < this.floorDb ? db : this.floorDb + 0.02;
    const voiced = db > this.o.absoluteDb && db > this.floorDb + this.o.marginDb;
    const u = this.utterance;
    if (!u) {
      this.history.push(frame);
      const keep = Math.ceil(this.o.preRollMs / frameMs) + this.o.startFrames;
      if (this.history.length > keep) this.history.shift();
      this.voicedRun = voiced ? this.voicedRun + 1 : 0;
      if (this.voicedRun >= this.o.startFrames) {
        const frames = this.history;
        const samples = frames.length * VAD_FRAME;
        this.history = [];
        this.utterance = {
          startSample: start + VAD_FRAME - samples,
          frames,
          samples,
          lastVoiced: start + VAD_FRAME,
        };
        this.silentMs = 0;
        events.push({ type: 'start', startSample: this.utterance.startSample, pcm: join(frames) });
      }
      return;
    }
    u.frames.push(frame);
    u.samples += VAD_FRAME;
    if (voiced) {
      this.silentMs = 0;
      u.lastVoiced = start + VAD_FRAME;
    } else this.silentMs += frameMs;
    if (this.silentMs >= this.o.hangoverMs) this.finish(events, false);
    else if ((u.samples / this.o.sampleRate) * 1000 >= this.o.maxMs) this.finish(events, true);
    else {
      const { frames } = u;
      const count = frames.length;
      events.push({
        type: 'audio',
        startSample: u.startSample,
        frame,
        utterance: () => join(frames.slice(0, count)),
      });
    }
  }

  private finish(events: VadEvent[], cut: boolean): void {
    const u = this.utterance;
    if (!u) return;
    this.utterance = null;
    this.voicedRun = 0;
    this.silentMs = 0;
    // Keep 150 ms after the last voiced frame; the rest of the hangover is silence.
    const tail = Math.round(0.15 * this.o.sampleRate);
    const endSample = cut
      ? u.startSample + u.samples
      : Math.min(u.startSample + u.samples, u.lastVoiced + tail);
    const pcm = join(u.frames).slice(0, endSample - u.startSample);
    events.push({ type: 'end', startSample: u.startSample, endSample, pcm, cut });
  }
}

/** Mean power of a frame in dBFS (−100 for digital silence). */
export function frameDb(frame: Int16Array): number {
  let sum = 0;
  for (const x of frame) sum += x * x;
  const power = sum / Math.max(1, frame.length) / (32_768 * 32_768);
  return power > 0 ? Math.max(-100, 10 * Math.log10(power)) : -100;
}

function join(frames: Int16Array[]): Int16Array {
  const out = new Int16Array(frames.length * VAD_FRAME);
  for (const [i, f] of frames.entries()) out.set(f, i * VAD_FRAME);
  return out;
}
