import { randomUUID } from 'node:crypto';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { spawnTied } from '../../util/child.js';
import {
  type CaptionEngine,
  EngineDownError,
  primaryLanguage,
  type TranscribeOptions,
} from './index.js';
import { Limit } from './limit.js';

const BINARY = 'pocketsphinx_continuous';
/** Debian's pocketsphinx-en-us: the default model the binary loads. */
export const POCKETSPHINX_MODEL = '/usr/share/pocketsphinx/model/en-us/en-us.lm.bin';

/** Skips the second (flat-lexicon) and third (lattice best-path) passes. */
const PARTIAL_FLAGS = ['-fwdflat', 'no', '-bestpath', 'no'];

export interface PocketsphinxOptions {
  logger: FastifyBaseLogger;
  /** Decoders at once; one per core by default (each is single-threaded). */
  concurrency?: number;
  /** A decode running longer than this is killed (a wedged child). */
  timeoutMs?: number;
  binary?: string;
}

/**
 * Debian's pocketsphinx 0.8 (`pocketsphinx_continuous`), one supervised run
 * per utterance: the utterance's raw PCM is written to a file in a private
 * temporary folder (0.8 seeks in its input to look for a WAV header, which
 * Node's stdin socket cannot do), the hypothesis comes back on stdout. A long-lived child would save the ~0.3 s of CPU it takes
 * to load the model, but 0.8's binary has its own VAD and prints when *it*
 * thinks an utterance ended, so ours and its would disagree; per-utterance
 * runs are exact and cannot leak state between speakers. A run that dies
 * (signal, non-zero exit) is run once more; a second failure is
 * `EngineDownError` (the speaker is `paused` until a run succeeds again).
 * Only English is installed (pocketsphinx-en-us).
 */
export class PocketsphinxEngine implements CaptionEngine {
  readonly name = 'pocketsphinx' as const;
  readonly languages = ['en'] as const;
  readonly partials = true;
  private readonly limit: Limit;
  private readonly children = new Set<ReturnType<typeof spawnTied>>();
  private closed = false;

  static async available(binary = BINARY): Promise<boolean> {
    const found = (process.env['PATH'] ?? '')
      .split(':')
      .filter(Boolean)
      .map((dir) => `${dir}/${binary}`);
    for (const candidate of binary.includes('/') ? [binary] : found) {
      try {
        await access(candidate);
        await access(POCKETSPHINX_MODEL);
        return true;
      } catch {}
    }
    return false;
  }

  constructor(private readonly o: PocketsphinxOptions) {
    this.limit = new Limit(o.concurrency ?? availableParallelism());
  }

  supports(language: string): boolean {
    return (this.languages as readonly string[]).includes(primaryLanguage(language));
  }

  /** Decoders running and waiting, for the bench. */
  get load() {
    return { running: this.limit.busy, queued: this.limit.queued };
  }

  async transcribe(pcm: Int16Array, options: TranscribeOptions): Promise<string> {
    if (!this.supports(options.language))
      throw new Error(`pocketsphinx has no model for ${options.language}`);
    if (options.partial && !this.limit.free) return '';
    return this.limit.run(async () => {
      // Dropped while it waited for a decoder (the speaker stopped): nothing to run.
      if (options.signal?.aborted) throw new Error('caption dropped: the speaker stopped');
      try {
        return await this.decode(pcm, options.signal, options.partial);
      } catch (error) {
        if (this.closed || options.signal?.aborted) throw error;
        this.o.logger.warn({ err: error }, 'pocketsphinx run failed; running it again');
        try {
          return await this.decode(pcm, options.signal, options.partial);
        } catch (again) {
          throw new EngineDownError(`pocketsphinx failed twice: ${String(again)}`);
        }
      }
    }, !options.partial);
  }

  private folder: Promise<string> | null = null;

  private async decode(
    pcm: Int16Array,
    signal: AbortSignal | undefined,
    partial = false,
  ): Promise<string> {
    if (this.closed) throw new EngineDownError('engine closed');
    this.folder ??= mkdtemp(path.join(tmpdir(), 'salon-captions-'));
    const file = path.join(await this.folder, `${randomUUID()}.raw`);
    await writeFile(file, Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    try {
      return await this.run(file, signal, partial);
    } finally {
      await rm(file, { force: true });
    }
  }

  private run(file: string, signal: AbortSignal | undefined, partial: boolean): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawnTied(
        this.o.binary ?? BINARY,
        [
          '-infile',
          file,
          '-samprate',
          '16000',
          '-logfn',
          '/dev/null',
          // A partial is replaced by the final: the first pass alone is ~20 % cheaper.
          ...(partial ? PARTIAL_FLAGS : []),
        ],
        { stdio: ['ignore', 'pipe', 'ignore'], deathSignal: 'SIGKILL' },
      );
      this.children.add(child);
      let out = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), this.o.timeoutMs ?? 30_000);
      const abort = () => child.kill('SIGKILL');
      signal?.addEventListener('abort', abort, { once: true });
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
      });
      child.on('error', (error) => {
        clearTimeout(timer);
        this.children.delete(child);
        reject(error);
      });
      child.on('close', (code, sig) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
        this.children.delete(child);
        if (code === 0) resolve(normalise(out));
        else reject(new Error(`pocketsphinx exited with ${sig ?? code}`));
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const child of this.children) child.kill('SIGKILL');
    const folder = await this.folder?.catch(() => null);
    if (folder) await rm(folder, { recursive: true, force: true });
  }
}

/** One line per utterance it found (its own VAD may split ours); joined, without fillers. */
function normalise(out: string): string {
  return out
    .split('\n')
    .map((line) => line.replace(/<[^>]*>|\[[^\]]*\]|\(\d+\)/g, '').trim())
    .filter(Boolean)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}
