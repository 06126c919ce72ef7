import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger } from 'fastify';
import {
  type CaptionEngine,
  type CaptionStream,
  EngineDownError,
  primaryLanguage,
  type StreamOptions,
  type TranscribeOptions,
} from './index.js';
import { PocketsphinxWorker } from './pocketsphinx-child.js';
import { POCKETSPHINX_MODEL_DIR } from './sphinx.js';

/** Debian's pocketsphinx-en-us language model (its presence means the model is installed). */
export const POCKETSPHINX_MODEL = `${POCKETSPHINX_MODEL_DIR}/en-us.lm.bin`;

export interface PocketsphinxOptions {
  logger: FastifyBaseLogger;
  /** Decoders in the child (utterances decoded at once; more wait with their audio kept). Default 4. */
  decoders?: number;
  /** The old name of `decoders`. */
  concurrency?: number;
  /** An utterance's final taking longer than this kills the child (wedged). */
  timeoutMs?: number;
  /** A model folder laid out as Debian's en-us one (en-us/, en-us.lm.bin, cmudict-en-us.dict). */
  modelDir?: string;
}

/**
 * Debian's libpocketsphinx3, streaming: a supervised child
 * (`pocketsphinx-worker.ts`, through koffi) holds a few long-lived decoders;
 * each utterance is fed to one as its audio arrives, so a partial is the
 * hypothesis so far (no re-decode) and the final is ready ~0.2 s after the
 * utterance's last sample. Each stream keeps its audio until its final, so
 * when the child dies (it is then started again) the utterance is replayed
 * into the new one; a second death in the same utterance is
 * `EngineDownError` (the speaker is `paused` until a final succeeds again).
 * Only English is installed (pocketsphinx-en-us).
 */
export class PocketsphinxEngine implements CaptionEngine {
  readonly name = 'pocketsphinx' as const;
  readonly languages = ['en'] as const;
  readonly partials = true;
  private readonly decoders: number;
  private worker: PocketsphinxWorker | null = null;
  /** Children that died before loading their model, in a row: spaces out the next start. */
  private failedStarts = 0;
  private lastStart = 0;
  private nextId = 1;
  private open = 0;
  closed = false;

  static async available(modelDir = POCKETSPHINX_MODEL_DIR): Promise<boolean> {
    try {
      await access(`${modelDir}/en-us.lm.bin`);
      await access(`${modelDir}/en-us`);
      const { sphinx } = await import('./sphinx.js');
      sphinx();
      return true;
    } catch {
      return false;
    }
  }

  constructor(private readonly o: PocketsphinxOptions) {
    this.decoders = Math.max(1, o.decoders ?? o.concurrency ?? 4);
  }

  supports(language: string): boolean {
    return (this.languages as readonly string[]).includes(primaryLanguage(language));
  }

  /** Utterances decoding and waiting for a decoder, for the bench. */
  get load() {
    return {
      running: Math.min(this.open, this.decoders),
      queued: Math.max(0, this.open - this.decoders),
    };
  }

  /** The child's pid (tests kill it). */
  get workerPid(): number | undefined {
    return this.worker?.pid;
  }

  /** Starts the child now, resolved once it has loaded its model (before the first utterance needs it). */
  async warm(): Promise<void> {
    await (await this.current()).ready;
  }

  /** The live child, started when there is none (after a pause if the last ones died at start). */
  async current(): Promise<PocketsphinxWorker> {
    if (this.closed) throw new EngineDownError('engine closed');
    if (this.worker && !this.worker.dead) return this.worker;
    const wait = this.failedStarts === 0 ? 0 : Math.min(5_000, 250 * 2 ** this.failedStarts);
    const since = Date.now() - this.lastStart;
    if (since < wait) await new Promise((r) => setTimeout(r, wait - since));
    if (this.closed) throw new EngineDownError('engine closed');
    if (this.worker && !this.worker.dead) return this.worker;
    return this.spawn();
  }

  /** The live child if there is one, without starting any. */
  get live(): PocketsphinxWorker | null {
    return this.worker && !this.worker.dead ? this.worker : null;
  }

  private spawn(): PocketsphinxWorker {
    this.lastStart = Date.now();
    const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const script = fileURLToPath(new URL(`./pocketsphinx-worker${ext}`, import.meta.url));
    const worker = new PocketsphinxWorker(script, {
      decoders: this.decoders,
      ...(this.o.modelDir ? { modelDir: this.o.modelDir } : {}),
    });
    this.worker = worker;
    worker.ready.then(
      () => {
        this.failedStarts = 0;
      },
      () => undefined,
    );
    worker.exited.then(({ code, signal, ready, stderr }) => {
      if (!ready) this.failedStarts++;
      if (this.closed) return;
      this.o.logger.warn({ code, signal, stderr }, 'pocketsphinx child died; starting another');
      // One that had loaded its model is replaced at once (its utterances replay into it).
      if (ready && this.worker === worker) this.spawn();
    });
    return worker;
  }

  stream(options: StreamOptions): CaptionStream {
    if (!this.supports(options.language))
      throw new Error(`pocketsphinx has no model for ${options.language}`);
    return new PocketsphinxStream(
      this,
      this.nextId++,
      options,
      this.o.timeoutMs ?? 30_000,
      this.o.logger,
    );
  }

  /** @internal streams count themselves (for `load` and the partial rule). */
  opened(delta: number): void {
    this.open += delta;
  }

  async transcribe(pcm: Int16Array, options: TranscribeOptions): Promise<string> {
    if (!this.supports(options.language))
      throw new Error(`pocketsphinx has no model for ${options.language}`);
    if (options.partial && this.open >= this.decoders) return '';
    const s = this.stream({ language: options.language, key: '', signal: options.signal });
    s.push(pcm);
    return s.end();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.worker?.kill();
  }
}

/** One utterance fed to the child as it comes (see `PocketsphinxEngine`). */
class PocketsphinxStream implements CaptionStream {
  private readonly chunks: Int16Array[] = [];
  private worker: PocketsphinxWorker | null = null;
  private done = false;

  constructor(
    private readonly engine: PocketsphinxEngine,
    private readonly id: number,
    private readonly options: StreamOptions,
    private readonly timeoutMs: number,
    private readonly logger: FastifyBaseLogger,
  ) {
    engine.opened(1);
    options.signal?.addEventListener('abort', () => this.abort(), { once: true });
  }

  /** Opens the utterance in `worker` with all its audio so far. */
  private attach(worker: PocketsphinxWorker): void {
    this.worker = worker;
    worker.send({ op: 'open', id: this.id, key: this.options.key });
    for (const pcm of this.chunks) worker.send({ op: 'push', id: this.id, pcm });
  }

  push(pcm: Int16Array): void {
    if (this.done || pcm.length === 0) return;
    this.chunks.push(pcm);
    const live = this.engine.live;
    if (live && live === this.worker) live.send({ op: 'push', id: this.id, pcm });
    else if (live) this.attach(live);
    else if (!this.engine.closed) this.engine.current().catch(() => undefined);
  }

  async partial(): Promise<string> {
    const live = this.engine.live;
    if (this.done || !live) return '';
    if (live !== this.worker) this.attach(live);
    try {
      return await live.request({ op: 'hyp', id: this.id }, 5_000, 'give-up');
    } catch {
      return '';
    }
  }

  async end(): Promise<string> {
    if (this.done) throw new Error('caption dropped: the speaker stopped');
    try {
      let last: unknown;
      for (let attempt = 0; attempt < 2; attempt++) {
        const worker = await this.engine.current();
        if (this.done) throw new Error('caption dropped: the speaker stopped');
        if (worker !== this.worker) this.attach(worker);
        try {
          return await worker.request({ op: 'end', id: this.id }, this.timeoutMs);
        } catch (error) {
          if (this.engine.closed || this.done) throw error;
          last = error;
          this.logger.warn({ err: error }, 'pocketsphinx child lost an utterance; replaying it');
        }
      }
      throw new EngineDownError(`pocketsphinx failed twice: ${String(last)}`);
    } finally {
      this.finish();
    }
  }

  abort(): void {
    if (this.done) return;
    this.engine.live?.send({ op: 'abort', id: this.id });
    this.finish();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.chunks.length = 0;
    this.engine.opened(-1);
  }
}
