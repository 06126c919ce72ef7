import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { type CaptionEngine, type CaptionStream, EngineDownError } from '../engines/index.js';
import { CAPTION_SAMPLE_RATE } from '../engines/wav.js';
import type { CaptionSink, SpeakerCaptionState } from './types.js';
import { EnergyVad, type VadEvent, type VadOptions } from './vad.js';

const PARTIAL_EVERY_MS = 700;
const FIRST_PARTIAL_MS = 300;
/** A streaming engine's partials: emitted at most this often (the fan-out bound). */
const STREAM_PARTIAL_EVERY_MS = 500;
/** …and its hypothesis is asked for this often (cheap), so a new word shows soon. */
const STREAM_POLL_MS = 150;

export interface SpeakerPipelineOptions {
  spaceId: string;
  speakerId: string;
  language: string;
  engine: CaptionEngine;
  sink: CaptionSink;
  logger: FastifyBaseLogger;
  vad?: VadOptions;
  /**
   * Partial lines at most this often: a streaming engine's hypothesis so far
   * (default 500 ms), else a re-decode of the growing utterance (engines that
   * allow it, default 700 ms).
   */
  partialEveryMs?: number;
  /**
   * The first partial of an utterance comes after this much of it (less than
   * `partialEveryMs`): a pocketsphinx run costs about 0.3 s to load its model,
   * so waiting a whole interval would put the first words past 1 s.
   */
  firstPartialMs?: number;
  /** When no PCM came for this long, an open utterance ends (muted, or packets stopped). */
  quietMs?: number;
  now?: () => number;
}

/**
 * One speaker's words: PCM in (16 kHz mono s16, any chunking), caption
 * lines out. The VAD cuts utterances. With a streaming engine
 * (`engine.stream`) each utterance is a stream fed frame by frame as it
 * comes; its hypothesis is polled every 150 ms and a changed one is a
 * partial, at most every `partialEveryMs`; the VAD's end ends the stream
 * for the final. Otherwise each utterance's final text is one engine call,
 * and while it grows a partial is decoded `firstPartialMs` into it, then at
 * most every `partialEveryMs` (never two at once, never after its final).
 * Times are
 * the wall clock of the PCM's arrival: the decoder runs in real time, so a
 * sample's time is when its chunk came minus what followed it in the chunk.
 *
 * A provider that is down makes the speaker `paused` (and `running` again at
 * the next success); other engine errors lose that line only.
 */
export class SpeakerPipeline {
  private readonly vad: EnergyVad;
  private readonly now: () => number;
  /** Epoch ms of stream sample 0, set by the first chunk. */
  private epoch: number | null = null;
  private lastPcmAt = 0;
  private utterance: {
    id: string;
    startSample: number;
    lastPartialAt: number;
    partialInFlight: boolean;
    done: boolean;
    stream: CaptionStream | null;
    lastPollAt: number;
    lastText: string;
  } | null = null;
  private state: SpeakerCaptionState | null = null;
  private readonly quietTimer: NodeJS.Timeout;
  private readonly aborts = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopped = false;
  /** Counts for tests and the bench. */
  readonly stats = { utterances: 0, finals: 0, partials: 0, engineMs: 0, failures: 0 };

  constructor(private readonly o: SpeakerPipelineOptions) {
    this.vad = new EnergyVad(o.vad);
    this.now = o.now ?? Date.now;
    this.quietTimer = setInterval(() => this.checkQuiet(), 100);
    this.quietTimer.unref();
    o.engine.warm?.().catch(() => undefined);
  }

  /** Whether an utterance is open. */
  get speaking(): boolean {
    return this.vad.speaking;
  }

  /** Feeds decoded PCM. */
  push(pcm: Int16Array): void {
    if (this.stopped) return;
    const now = this.now();
    // Re-anchor the clock after a gap (packets stopped): the stream position keeps counting.
    const end = this.vad.samples + pcm.length;
    if (this.epoch === null || now - this.lastPcmAt > (this.o.quietMs ?? 400))
      this.epoch = now - (end / CAPTION_SAMPLE_RATE) * 1000;
    this.lastPcmAt = now;
    for (const event of this.vad.push(pcm)) this.on(event);
  }

  private checkQuiet(): void {
    if (this.stopped || !this.vad.speaking) return;
    if (this.now() - this.lastPcmAt >= (this.o.quietMs ?? 400))
      for (const event of this.vad.flush()) this.on(event);
  }

  private at(sample: number): number {
    return Math.round((this.epoch ?? this.now()) + (sample / CAPTION_SAMPLE_RATE) * 1000);
  }

  private on(event: VadEvent): void {
    switch (event.type) {
      case 'start': {
        this.stats.utterances++;
        const every = this.o.partialEveryMs ?? PARTIAL_EVERY_MS;
        const first = Math.min(every, this.o.firstPartialMs ?? FIRST_PARTIAL_MS);
        const stream = this.open();
        stream?.push(event.pcm);
        this.utterance = {
          id: randomUUID(),
          startSample: event.startSample,
          // As if a partial had been decoded `every - first` before: the first one is due `first` in.
          lastPartialAt: stream ? 0 : this.now() - (every - first),
          partialInFlight: false,
          done: false,
          stream,
          lastPollAt: this.now(),
          lastText: '',
        };
        return;
      }
      case 'audio': {
        const u = this.utterance;
        if (u?.stream) {
          u.stream.push(event.frame);
          this.poll(u, event.startSample);
          return;
        }
        const every = this.o.partialEveryMs ?? PARTIAL_EVERY_MS;
        if (!u || !this.o.engine.partials || every <= 0 || u.partialInFlight) return;
        if (this.now() - u.lastPartialAt < every) return;
        u.lastPartialAt = this.now();
        u.partialInFlight = true;
        const pcm = event.utterance();
        const endSample = event.startSample + pcm.length;
        this.track(
          this.decode(pcm, true).then((text) => {
            u.partialInFlight = false;
            if (u.done || !text || this.stopped) return;
            this.stats.partials++;
            return this.emit(u.id, 'partial', text, event.startSample, endSample);
          }),
        );
        return;
      }
      case 'end': {
        const u = this.utterance;
        this.utterance = null;
        if (!u) return;
        const stream = u.stream;
        this.track(
          (stream ? this.run(() => stream.end()) : this.decode(event.pcm)).then((text) => {
            u.done = true;
            if (!text || this.stopped) return;
            this.stats.finals++;
            return this.emit(u.id, 'final', text, event.startSample, event.endSample);
          }),
        );
        return;
      }
    }
  }

  /** A stream for a new utterance, when the engine streams (null if it cannot open one). */
  private open(): CaptionStream | null {
    if (!this.o.engine.stream) return null;
    try {
      return this.o.engine.stream({
        language: this.o.language,
        key: this.o.speakerId,
        signal: this.aborts.signal,
      });
    } catch (error) {
      this.o.logger.warn({ err: error, speaker: this.o.speakerId }, 'caption stream not opened');
      return null;
    }
  }

  /** Asks a stream for its hypothesis (every STREAM_POLL_MS, one at a time); a new one is a partial. */
  private poll(u: NonNullable<SpeakerPipeline['utterance']>, startSample: number): void {
    const stream = u.stream;
    const every = this.o.partialEveryMs ?? STREAM_PARTIAL_EVERY_MS;
    if (!stream || every <= 0 || u.partialInFlight || u.done) return;
    if (this.now() - u.lastPollAt < STREAM_POLL_MS) return;
    if (this.now() - u.lastPartialAt < every) return;
    u.lastPollAt = this.now();
    u.partialInFlight = true;
    const endSample = this.vad.samples;
    this.track(
      stream.partial().then((text) => {
        u.partialInFlight = false;
        if (u.done || !text || text === u.lastText || this.stopped) return;
        u.lastText = text;
        u.lastPartialAt = this.now();
        this.stats.partials++;
        return this.emit(u.id, 'partial', text, startSample, endSample);
      }),
    );
  }

  /** The engine's text, or '' when it failed (the speaker's state says why). */
  private decode(pcm: Int16Array, partial = false): Promise<string> {
    return this.run(() =>
      this.o.engine.transcribe(pcm, {
        language: this.o.language,
        signal: this.aborts.signal,
        partial,
      }),
    );
  }

  private async run(call: () => Promise<string>): Promise<string> {
    const started = performance.now();
    try {
      const text = await call();
      this.stats.engineMs += performance.now() - started;
      await this.setState('running');
      return text.trim();
    } catch (error) {
      if (this.stopped) return '';
      this.stats.failures++;
      if (error instanceof EngineDownError) await this.setState('paused');
      else this.o.logger.warn({ err: error, speaker: this.o.speakerId }, 'caption not decoded');
      return '';
    }
  }

  private async emit(
    utteranceId: string,
    kind: 'partial' | 'final',
    text: string,
    startSample: number,
    endSample: number,
  ): Promise<void> {
    await this.o.sink.publish({
      spaceId: this.o.spaceId,
      utteranceId,
      speakerId: this.o.speakerId,
      kind,
      text,
      startMs: this.at(startSample),
      endMs: this.at(endSample),
      engine: this.o.engine.name,
    });
  }

  async setState(state: SpeakerCaptionState): Promise<void> {
    if (this.state === state || this.stopped) return;
    this.state = state;
    await this.o.sink.speakerState(this.o.spaceId, this.o.speakerId, state);
  }

  private track(work: Promise<unknown>): void {
    const p = work.catch((error: unknown) =>
      this.o.logger.warn({ err: error, speaker: this.o.speakerId }, 'caption line not published'),
    );
    this.inFlight.add(p);
    p.finally(() => this.inFlight.delete(p));
  }

  /** Lines under way are finished (or dropped with `abort`). */
  async stop(options: { abort?: boolean } = {}): Promise<void> {
    if (options.abort) {
      this.stopped = true;
      this.aborts.abort();
    } else for (const event of this.vad.flush()) this.on(event);
    clearInterval(this.quietTimer);
    await Promise.all([...this.inFlight]);
    this.stopped = true;
  }
}
