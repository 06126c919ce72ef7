import { availableParallelism } from 'node:os';
import type { CaptionEngineSettings } from './index.js';

type Env = Record<string, string | undefined>;

export interface CaptionSettings extends CaptionEngineSettings {
  engine: 'auto' | 'pocketsphinx' | 'whisper-http' | 'off';
  /** Speakers one node transcribes at once; past it, "captions unavailable for this speaker". */
  maxStreams: number;
}

/**
 * CAPTIONS_ENGINE (auto | pocketsphinx | whisper-http | off; auto: the
 * Whisper-compatible server when CAPTIONS_URL is set, else pocketsphinx
 * when installed), CAPTIONS_URL, CAPTIONS_API_KEY, CAPTIONS_MODEL,
 * CAPTIONS_MAX_STREAMS (default: 6 per core, see bench/captions).
 */
export function readCaptionSettings(env: Env, problems: string[]): CaptionSettings {
  const rawEngine = env['CAPTIONS_ENGINE']?.trim() || 'auto';
  const engines = ['auto', 'pocketsphinx', 'whisper-http', 'off'] as const;
  let engine: CaptionSettings['engine'] = 'auto';
  if ((engines as readonly string[]).includes(rawEngine))
    engine = rawEngine as CaptionSettings['engine'];
  else problems.push(`CAPTIONS_ENGINE must be one of ${engines.join(', ')} (got "${rawEngine}")`);
  const url = env['CAPTIONS_URL']?.trim() || undefined;
  if (url && !/^https?:\/\//.test(url))
    problems.push(`CAPTIONS_URL must be an http(s) URL (got "${url}")`);
  if (engine === 'whisper-http' && !url)
    problems.push('CAPTIONS_ENGINE=whisper-http needs CAPTIONS_URL');
  const rawMax = env['CAPTIONS_MAX_STREAMS']?.trim();
  let maxStreams = 6 * availableParallelism();
  if (rawMax) {
    const value = Number(rawMax);
    if (Number.isInteger(value) && value >= 0 && value <= 10_000) maxStreams = value;
    else
      problems.push(
        `CAPTIONS_MAX_STREAMS must be a whole number from 0 to 10000 (got "${rawMax}")`,
      );
  }
  return {
    engine,
    url,
    apiKey: env['CAPTIONS_API_KEY']?.trim() || undefined,
    model: env['CAPTIONS_MODEL']?.trim() || undefined,
    maxStreams,
  };
}
