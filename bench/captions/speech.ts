/**
 * Makes the captions tests' and bench's audio: espeak-ng speaks each line of
 * sentences.txt, ffmpeg resamples it to what a microphone would give
 * (48 kHz mono s16 for a WebRTC peer) or to the engines' 16 kHz.
 * `node --import tsx bench/captions/speech.ts out/` writes them as WAV files.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The voice and rate pocketsphinx understood best of five tried (content-word
 * recall 0.28 here, against 0.08–0.19 for en-us at 130–150, en-gb-x-rp, and
 * pitch changes): espeak-ng's formant voice is far from the speech the model
 * was trained on, so these numbers are a floor, not what a person gets.
 */
export const VOICE = 'en-us+m1';
export const RATE = '140';

export const SENTENCES_FILE = path.join(import.meta.dirname, 'sentences.txt');

export function sentences(): string[] {
  return readFileSync(SENTENCES_FILE, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** Mono s16 PCM of `text` spoken by espeak-ng (VOICE at RATE words per minute). */
export function speak(text: string, sampleRate: number, voice = VOICE): Int16Array {
  const wav = execFileSync('espeak-ng', ['-v', voice, '-s', RATE, '--stdout', text], {
    maxBuffer: 64 << 20,
  });
  const raw = execFileSync(
    'ffmpeg',
    [
      '-loglevel',
      'error',
      '-i',
      'pipe:0',
      '-ac',
      '1',
      '-ar',
      String(sampleRate),
      '-f',
      's16le',
      'pipe:1',
    ],
    { input: wav, maxBuffer: 64 << 20 },
  );
  return new Int16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

/** Words that carry the meaning: what the tests count in a caption. */
const STOP_WORDS = new Set(
  'a an the at in on to of and or is are we you i my she he it this that for all be will very before every'.split(
    ' ',
  ),
);
export function contentWords(text: string): string[] {
  return words(text).filter((w) => !STOP_WORDS.has(w));
}

export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z' ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

/** Share of the reference's content words found in the hypothesis. */
export function contentRecall(reference: string, hypothesis: string): number {
  const want = contentWords(reference);
  const got = new Set(words(hypothesis));
  return want.length === 0 ? 1 : want.filter((w) => got.has(w)).length / want.length;
}

/** Word error rate: word-level Levenshtein distance over the reference's length. */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const r = words(reference);
  const h = words(hypothesis);
  let prev = Array.from({ length: h.length + 1 }, (_, j) => j);
  for (let i = 1; i <= r.length; i++) {
    const row = [i];
    for (let j = 1; j <= h.length; j++)
      row[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (r[i - 1] === h[j - 1] ? 0 : 1),
      );
    prev = row;
  }
  return r.length === 0 ? 0 : (prev[h.length] ?? 0) / r.length;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const out = process.argv[2] ?? 'captions-audio';
  mkdirSync(out, { recursive: true });
  sentences().forEach((s, i) => {
    const wav = execFileSync('espeak-ng', ['-v', VOICE, '-s', RATE, '--stdout', s]);
    writeFileSync(path.join(out, `${String(i + 1).padStart(2, '0')}.wav`), wav);
  });
  console.log(`wrote ${sentences().length} files to ${out}`);
}
