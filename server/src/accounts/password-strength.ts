import { zxcvbn, zxcvbnOptions } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { AppError } from '../errors.js';

/**
 * zxcvbn's score runs 0–4 (guesses < 10^3, 10^6, 10^8, 10^10, more). 3 means
 * "safely unguessable: moderate protection from an offline slow-hash attack"
 * (at least 10^8 guesses), which with scrypt and the per-account login throttle
 * is far out of an online attacker's reach. The common-password, name and
 * keyboard-pattern lists come from @zxcvbn-ts/language-common.
 */
export const MIN_PASSWORD_SCORE = 3;

const JUDGED_LENGTH = 72;

let loaded = false;
function ensureLoaded(): void {
  if (loaded) return;
  zxcvbnOptions.setOptions({
    dictionary: { ...dictionary },
    graphs: adjacencyGraphs,
    // Matching grows faster than the length (a 200-character pattern costs ~300 ms of CPU);
    // 72 characters are plenty to judge, and whatever follows only adds strength.
    maxLength: JUDGED_LENGTH,
  });
  loaded = true;
}

/** zxcvbn's warning keys, in words a person can act on (the package ships keys, not sentences). */
const WARNINGS: Record<string, string> = {
  straightRow: 'Straight rows of keys on a keyboard are easy to guess.',
  keyPattern: 'Short keyboard patterns are easy to guess.',
  simpleRepeat: 'Repeated characters like "aaa" are easy to guess.',
  extendedRepeat: 'Repeated patterns like "abcabcabc" are easy to guess.',
  sequences: 'Common sequences like "abc" or "1234" are easy to guess.',
  recentYears: 'Recent years are easy to guess.',
  dates: 'Dates are easy to guess.',
  topTen: 'This is one of the ten most used passwords.',
  topHundred: 'This is one of the hundred most used passwords.',
  common: 'This is a commonly used password.',
  similarToCommon: 'This is too close to a commonly used password.',
  wordByItself: 'A single word is easy to guess.',
  namesByThemselves: 'Single names or surnames are easy to guess.',
  commonNames: 'Common names and surnames are easy to guess.',
  userInputs: 'It should not contain your handle or your name.',
  pwned: 'This password appeared in a data breach.',
};

const SUGGESTIONS: Record<string, string> = {
  l33t: 'Swapping letters for look-alike symbols (like @ for a) does not help much.',
  reverseWords: 'A common word spelled backwards is still easy to guess.',
  allUppercase: 'Capitalise some letters, not all.',
  capitalization: 'Capitalise more than the first letter.',
  dates: 'Avoid dates and years that are associated with you.',
  recentYears: 'Avoid recent years.',
  associatedYears: 'Avoid years that are associated with you.',
  sequences: 'Avoid common character sequences.',
  repeated: 'Avoid repeated words and characters.',
  longerKeyboardPattern: 'Use longer keyboard patterns and change typing direction.',
  anotherWord: 'Add more words that are less common.',
  useWords: 'Use several words, but avoid common phrases.',
  noNeed: 'You can create strong passwords without symbols, numbers or capitals.',
  pwned: 'If you use this password elsewhere, change it there.',
};

export interface PasswordVerdict {
  score: number;
  /** Why it is weak and what would help; empty when strong enough. */
  reasons: string[];
  /** The same, as stable keys (`warning.<zxcvbn key>`, `suggestion.<key>`) the app translates. */
  reasonKeys: string[];
}

/** A pure judgement of a password, given what the person also told us (handle, name). */
export function judgePassword(password: string, userInputs: string[] = []): PasswordVerdict {
  ensureLoaded();
  const result = zxcvbn(
    password,
    userInputs.filter((s) => s.trim() !== ''),
  );
  if (result.score >= MIN_PASSWORD_SCORE) {
    return { score: result.score, reasons: [], reasonKeys: [] };
  }
  const reasons: string[] = [];
  const reasonKeys: string[] = [];
  const warning = result.feedback.warning;
  if (warning) {
    reasons.push(WARNINGS[warning] ?? warning);
    reasonKeys.push(`warning.${warning}`);
  }
  for (const s of result.feedback.suggestions) {
    reasons.push(SUGGESTIONS[s] ?? s);
    reasonKeys.push(`suggestion.${s}`);
  }
  if (reasons.length === 0) {
    reasons.push('Make it longer, for example with a few unrelated words.');
    reasonKeys.push('suggestion.longer');
  }
  return { score: result.score, reasons, reasonKeys };
}

/** Refuses a password that is common or follows a pattern guessers try early. */
export function assertStrongPassword(password: string, userInputs: string[] = []): void {
  const verdict = judgePassword(password, userInputs);
  if (verdict.reasons.length === 0) return;
  throw AppError.invalid(
    'weak_password',
    `This password is too easy to guess. ${verdict.reasons.join(' ')}`,
    {
      score: verdict.score,
      min_score: MIN_PASSWORD_SCORE,
      reasons: verdict.reasons,
      reason_keys: verdict.reasonKeys,
    },
  );
}
