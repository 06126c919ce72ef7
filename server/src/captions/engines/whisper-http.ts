import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import {
  type CaptionEngine,
  EngineDownError,
  primaryLanguage,
  type TranscribeOptions,
} from './index.js';
import { Limit } from './limit.js';
import { encodeWav } from './wav.js';

/** The languages Whisper models transcribe (ISO 639-1), as OpenAI lists them. */
export const WHISPER_LANGUAGES = [
  'af',
  'ar',
  'hy',
  'az',
  'be',
  'bs',
  'bg',
  'ca',
  'zh',
  'hr',
  'cs',
  'da',
  'nl',
  'en',
  'et',
  'fi',
  'fr',
  'gl',
  'de',
  'el',
  'he',
  'hi',
  'hu',
  'is',
  'id',
  'it',
  'ja',
  'kn',
  'kk',
  'ko',
  'lv',
  'lt',
  'mk',
  'ms',
  'mr',
  'mi',
  'ne',
  'no',
  'fa',
  'pl',
  'pt',
  'ro',
  'ru',
  'sr',
  'sk',
  'sl',
  'es',
  'sw',
  'sv',
  'tl',
  'ta',
  'th',
  'tr',
  'uk',
  'ur',
  'vi',
  'cy',
] as const;

export interface WhisperHttpOptions {
  /** The server's base URL (`…/v1/audio/transcriptions` is appended unless already there). */
  url: string;
  apiKey?: string | undefined;
  model: string;
  logger: FastifyBaseLogger;
  /** Requests in flight at once, for all speakers of the node. */
  concurrency?: number;
  /** Per attempt. */
  timeoutMs?: number;
  /** Attempts per utterance (first try included). */
  attempts?: number;
  /** First retry delay; doubled each time. */
  backoffMs?: number;
}

/**
 * OpenAI's `POST /v1/audio/transcriptions`, which faster-whisper-server, the
 * whisper.cpp server, OpenAI and others serve: multipart `file` (a WAV of the
 * utterance), `model`, `language`, `response_format=verbose_json`.
 * Each attempt has a timeout; timeouts, network errors, 429 and 5xx are
 * retried with backoff; when every attempt failed the provider is down
 * (`EngineDownError`: the speaker's captions are `paused`). A 4xx other
 * than 429 is our request's fault and is not retried (nothing is shown).
 */
export class WhisperHttpEngine implements CaptionEngine {
  readonly name = 'whisper-http' as const;
  readonly languages = WHISPER_LANGUAGES;
  /** Each partial would be a paid request: finals only. */
  readonly partials = false;
  private readonly endpoint: string;
  private readonly limit: Limit;
  private readonly closing = new AbortController();

  constructor(private readonly o: WhisperHttpOptions) {
    const base = o.url.replace(/\/+$/, '');
    this.endpoint = base.endsWith('/audio/transcriptions')
      ? base
      : `${base}${base.endsWith('/v1') ? '' : '/v1'}/audio/transcriptions`;
    this.limit = new Limit(o.concurrency ?? 4);
  }

  supports(language: string): boolean {
    return (this.languages as readonly string[]).includes(primaryLanguage(language));
  }

  async transcribe(pcm: Int16Array, options: TranscribeOptions): Promise<string> {
    const language = primaryLanguage(options.language);
    if (!this.supports(language)) throw new Error(`whisper has no language ${options.language}`);
    const wav = encodeWav(pcm);
    return this.limit.run(async () => {
      const attempts = this.o.attempts ?? 3;
      let last: unknown;
      for (let attempt = 0; attempt < attempts; attempt++) {
        if (attempt > 0) await sleep((this.o.backoffMs ?? 250) * 2 ** (attempt - 1));
        if (this.closing.signal.aborted || options.signal?.aborted)
          throw new EngineDownError('cancelled');
        try {
          return await this.request(wav, language, options.signal);
        } catch (error) {
          if (error instanceof RequestRefused) throw error;
          last = error;
          this.o.logger.warn({ err: error, attempt }, 'captions provider request failed');
        }
      }
      throw new EngineDownError(`captions provider down: ${String(last)}`);
    });
  }

  private async request(wav: Buffer, language: string, signal?: AbortSignal): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([wav], { type: 'audio/wav' }), 'utterance.wav');
    form.append('model', this.o.model);
    form.append('language', language);
    form.append('response_format', 'verbose_json');
    const signals = [this.closing.signal, AbortSignal.timeout(this.o.timeoutMs ?? 10_000)];
    if (signal) signals.push(signal);
    const response = await fetch(this.endpoint, {
      method: 'POST',
      body: form,
      headers: this.o.apiKey ? { authorization: `Bearer ${this.o.apiKey}` } : {},
      signal: AbortSignal.any(signals),
    });
    const body = await response.text();
    if (response.status === 429 || response.status >= 500)
      throw new Error(`provider answered ${response.status}`);
    if (!response.ok)
      throw new RequestRefused(`provider refused: ${response.status} ${body.slice(0, 200)}`);
    return verboseText(JSON.parse(body) as unknown);
  }

  async close(): Promise<void> {
    this.closing.abort();
  }
}

/** A 4xx other than 429: retrying would not help. */
export class RequestRefused extends Error {
  override readonly name = 'RequestRefused';
}

/**
 * The text of a verbose_json answer. Segments Whisper itself thinks are not
 * speech (`no_speech_prob` > 0.6 with a low log-probability, its own rule)
 * are left out: that is where it makes up words from noise.
 */
export function verboseText(answer: unknown): string {
  if (typeof answer !== 'object' || answer === null) throw new Error('provider answer is not JSON');
  const { text, segments } = answer as { text?: unknown; segments?: unknown };
  if (Array.isArray(segments) && segments.length > 0) {
    return segments
      .filter(
        (s): s is { text: string; no_speech_prob?: number; avg_logprob?: number } =>
          typeof s === 'object' && s !== null && typeof (s as { text?: unknown }).text === 'string',
      )
      .filter((s) => !((s.no_speech_prob ?? 0) > 0.6 && (s.avg_logprob ?? 0) < -1))
      .map((s) => s.text.trim())
      .join(' ')
      .trim();
  }
  if (typeof text !== 'string') throw new Error('provider answer has no text');
  return text.trim();
}
