import { contentWords, words } from '../../../bench/captions/speech.js';

/**
 * Content-word recall pooled over several sentences: of all their content
 * words (each occurrence counted), the share found in what the engine heard
 * of that sentence. Judged over two or more sentences, one misheard sentence
 * cannot fail a test on its own, while a broken pipeline (no words, wrong
 * audio, lines paired with the wrong sentence) still scores near zero.
 */
export function pooledRecall(
  pairs: ReadonlyArray<readonly [reference: string, heard: string]>,
): number {
  let want = 0;
  let found = 0;
  for (const [reference, heard] of pairs) {
    const got = new Set(words(heard));
    const content = contentWords(reference);
    want += content.length;
    found += content.filter((w) => got.has(w)).length;
  }
  if (pairs.length < 2) throw new Error('pooled recall needs two sentences or more');
  return want === 0 ? 1 : found / want;
}
