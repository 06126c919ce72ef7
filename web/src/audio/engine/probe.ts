/**
 * For browser tests: a WebAudio analyser on what the page plays, exposed as
 * `window.__salonAudioProbe` when the tab was opened with `?audio_probe=1`.
 * It taps the same MediaStream the <audio> element plays (WebRTC), or the
 * element itself (HLS). A test asks which frequency dominates and how loud a
 * given frequency is, so it checks that it *hears* a tone, not just packets.
 */

/** Below this (dBFS in one analyser bin) a frequency counts as silent. */
export const SILENCE_DB = -100;

export interface Spectrum {
  /** dBFS per bin (AnalyserNode.getFloatFrequencyData). */
  bins: Float32Array;
  sampleRate: number;
  fftSize: number;
}

const binOf = (s: Spectrum, hz: number) => Math.round((hz * s.fftSize) / s.sampleRate);
const hzOf = (s: Spectrum, bin: number) => (bin * s.sampleRate) / s.fftSize;

/** The loudest frequency between `minHz` and `maxHz`, refined between bins; null in silence. */
export function dominantFrequency(s: Spectrum, minHz = 60, maxHz = 8000): number | null {
  const from = Math.max(1, binOf(s, minHz));
  const to = Math.min(s.bins.length - 2, binOf(s, maxHz));
  let best = -1;
  let bestDb = Number.NEGATIVE_INFINITY;
  for (let i = from; i <= to; i++) {
    const db = s.bins[i] ?? Number.NEGATIVE_INFINITY;
    if (db > bestDb) {
      bestDb = db;
      best = i;
    }
  }
  if (best < 0 || bestDb < SILENCE_DB) return null;
  // A parabola through the peak and its neighbours (in dB) finds the peak between bins.
  const a = s.bins[best - 1] ?? bestDb;
  const c = s.bins[best + 1] ?? bestDb;
  const denominator = a - 2 * bestDb + c;
  const shift = denominator === 0 ? 0 : (0.5 * (a - c)) / denominator;
  return hzOf(s, best + Math.max(-0.5, Math.min(0.5, shift)));
}

/** The level (dBFS) at a frequency: the loudest bin within ±`spreadHz`. */
export function levelAt(s: Spectrum, hz: number, spreadHz = 12): number {
  const from = Math.max(0, binOf(s, hz - spreadHz));
  const to = Math.min(s.bins.length - 1, binOf(s, hz + spreadHz));
  let best = Number.NEGATIVE_INFINITY;
  for (let i = from; i <= to; i++) best = Math.max(best, s.bins[i] ?? Number.NEGATIVE_INFINITY);
  return Number.isFinite(best) ? best : -200;
}

export interface AudioProbeApi {
  dominantFrequency(): number | null;
  levelAt(hz: number): number;
  /** What the probe listens to now: `stream` (WebRTC), `element` (HLS) or nothing. */
  source(): 'stream' | 'element' | null;
  /** The AudioContext's state: `suspended` until a gesture when autoplay is blocked. */
  state(): AudioContextState | 'none';
}

declare global {
  interface Window {
    __salonAudioProbe?: AudioProbeApi;
  }
}

/** One AudioContext and analyser; the source changes as the audio link does. */
export class AudioProbe implements AudioProbeApi {
  private ctx: AudioContext | null = null;
  private analyser: AnalyserNode | null = null;
  private input: AudioNode | null = null;
  private kind: 'stream' | 'element' | null = null;
  /** An element can feed one MediaElementSource in its life: keep it. */
  private readonly elementSources = new WeakMap<HTMLMediaElement, MediaElementAudioSourceNode>();

  install(target: Window = window): this {
    target.__salonAudioProbe = this;
    return this;
  }

  private context(): { ctx: AudioContext; analyser: AnalyserNode } {
    if (!this.ctx || !this.analyser) {
      this.ctx = new AudioContext();
      this.analyser = this.ctx.createAnalyser();
      this.analyser.fftSize = 8192;
      this.analyser.smoothingTimeConstant = 0.3;
    }
    return { ctx: this.ctx, analyser: this.analyser };
  }

  /** WebRTC: the stream the <audio> element plays (it must play it, or WebAudio hears silence). */
  listenToStream(stream: MediaStream): void {
    this.detach();
    const { ctx, analyser } = this.context();
    const source = ctx.createMediaStreamSource(stream);
    source.connect(analyser);
    this.input = source;
    this.kind = 'stream';
  }

  /** HLS: the element's output now goes through WebAudio, so the probe also plays it. */
  listenToElement(element: HTMLMediaElement): void {
    this.detach();
    const { ctx, analyser } = this.context();
    let source = this.elementSources.get(element);
    if (!source) {
      source = ctx.createMediaElementSource(element);
      this.elementSources.set(element, source);
    }
    source.connect(analyser);
    source.connect(ctx.destination);
    this.input = source;
    this.kind = 'element';
  }

  detach(): void {
    const input = this.input;
    this.input = null;
    this.kind = null;
    if (!input) return;
    input.disconnect();
    // An element source still has to reach the speakers, or the element goes quiet.
    if (input instanceof MediaElementAudioSourceNode && this.ctx)
      input.connect(this.ctx.destination);
  }

  /** Resumes the context; call it from a tap, where autoplay rules allow it. */
  resume(): void {
    if (this.ctx?.state === 'suspended') void this.ctx.resume().catch(() => undefined);
  }

  private spectrum(): Spectrum | null {
    if (!this.analyser || !this.ctx || !this.input) return null;
    const bins = new Float32Array(this.analyser.frequencyBinCount);
    this.analyser.getFloatFrequencyData(bins);
    return { bins, sampleRate: this.ctx.sampleRate, fftSize: this.analyser.fftSize };
  }

  dominantFrequency(): number | null {
    const s = this.spectrum();
    return s ? dominantFrequency(s) : null;
  }

  levelAt(hz: number): number {
    const s = this.spectrum();
    return s ? levelAt(s, hz) : -200;
  }

  source(): 'stream' | 'element' | null {
    return this.kind;
  }

  state(): AudioContextState | 'none' {
    return this.ctx?.state ?? 'none';
  }

  close(): void {
    this.detach();
    void this.ctx?.close().catch(() => undefined);
    this.ctx = null;
    this.analyser = null;
  }
}
