import type { FastifyBaseLogger } from 'fastify';
import { PocketsphinxEngine } from './pocketsphinx.js';
import { WhisperHttpEngine } from './whisper-http.js';

/**
 * A captions engine turns one utterance (16 kHz mono s16 PCM, cut by the
 * VAD) into text. Engines are stateless between utterances, so any number
 * of speakers share one, and each bounds its own concurrency.
 */
export interface CaptionEngine {
  readonly name: 'pocketsphinx' | 'whisper-http';
  /** Language tags (BCP 47 primary subtags, e.g. `en`) it can transcribe. */
  readonly languages: readonly string[];
  /** Whether re-decoding a growing utterance for partial lines is worth it. */
  readonly partials: boolean;
  supports(language: string): boolean;
  /**
   * Transcribes an utterance. Throws `EngineDownError` when the engine
   * cannot answer now (provider down, child crashed past its retries):
   * the speaker's captions are then `paused`, not wrong.
   */
  transcribe(pcm: Int16Array, options: TranscribeOptions): Promise<string>;
  /**
   * A streaming engine decodes an utterance as its audio arrives: the
   * pipeline opens a stream at the utterance's start, pushes each frame,
   * asks for partials (the hypothesis so far) and ends it at the VAD's end.
   * Engines without it get the whole utterance through `transcribe`.
   */
  stream?(options: StreamOptions): CaptionStream;
  /** Gets ready before the first utterance (pocketsphinx starts its child and loads its model). */
  warm?(): Promise<void>;
  close(): Promise<void>;
}

export interface StreamOptions {
  language: string;
  /** Who speaks (an engine may keep per-speaker state, as pocketsphinx's normalisation). */
  key: string;
  /** Aborted: the utterance is dropped (the speaker stopped). */
  signal?: AbortSignal | undefined;
}

/** One utterance being decoded (see `CaptionEngine.stream`). */
export interface CaptionStream {
  push(pcm: Int16Array): void;
  /** The text so far ('' when there is none yet, or the engine cannot say now). */
  partial(): Promise<string>;
  /** The final text; `EngineDownError` when the engine cannot answer. Ends the stream. */
  end(): Promise<string>;
  /** Drops the utterance. */
  abort(): void;
}

export interface TranscribeOptions {
  language: string;
  signal?: AbortSignal | undefined;
  /**
   * A partial: decoded only if a decoder is free now (else '' at once), so
   * partials never delay anyone's final, which goes ahead of the queue.
   */
  partial?: boolean;
}

/** The engine cannot answer now; the pipeline says `paused` and tries again with the next utterance. */
export class EngineDownError extends Error {
  override readonly name = 'EngineDownError';
}

export interface CaptionEngineSettings {
  /** Whisper-compatible server; without it the embedded engine is used if installed. */
  url?: string | undefined;
  apiKey?: string | undefined;
  model?: string | undefined;
  /** `off` turns captions off on this node whatever is installed. */
  engine?: 'auto' | 'pocketsphinx' | 'whisper-http' | 'off';
}

/** The primary subtag of a language tag, lower case: `en-GB` → `en`. */
export function primaryLanguage(tag: string): string {
  return tag.split(/[-_]/)[0]?.toLowerCase() ?? '';
}

/**
 * Picks the engine this node runs: the Whisper-compatible server when one
 * is configured, else pocketsphinx when Debian's library and model are there,
 * else none (the status route then says no engine is configured).
 */
export async function createCaptionEngine(
  settings: CaptionEngineSettings,
  logger: FastifyBaseLogger,
): Promise<CaptionEngine | null> {
  const choice = settings.engine ?? 'auto';
  if (choice === 'off') return null;
  if (choice === 'whisper-http' || (choice === 'auto' && settings.url)) {
    if (!settings.url) throw new Error('CAPTIONS_ENGINE=whisper-http needs CAPTIONS_URL');
    return new WhisperHttpEngine({
      url: settings.url,
      apiKey: settings.apiKey,
      model: settings.model ?? 'whisper-1',
      logger,
    });
  }
  if (await PocketsphinxEngine.available()) return new PocketsphinxEngine({ logger });
  if (choice === 'pocketsphinx') throw new Error('pocketsphinx is not installed (npm run setup)');
  return null;
}
