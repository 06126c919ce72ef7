/**
 * How long a space's audio is kept for moderation, as one pure rule:
 * - every space's audio is kept 30 days after it ends, even when not recorded;
 * - a report upheld within that window keeps it 90 days from the decision, so
 *   that the person can appeal;
 * - while an appeal is pending nothing is deleted;
 * - then it is deleted, for real.
 */
export const DAY_MS = 24 * 3600 * 1000;
export const BASE_RETENTION_MS = 30 * DAY_MS;
export const APPEAL_RETENTION_MS = 90 * DAY_MS;

export interface RetentionFacts {
  endedAt: number;
  /** When reports about the space were upheld. */
  upheldAt: readonly number[];
  pendingAppeals: number;
}

export type Retention =
  | { kind: 'until'; until: number }
  | { kind: 'hold'; reason: 'appeal_pending' };

export function retention(facts: RetentionFacts): Retention {
  if (facts.pendingAppeals > 0) return { kind: 'hold', reason: 'appeal_pending' };
  let until = facts.endedAt + BASE_RETENTION_MS;
  // Decisions are taken in time order; only one taken while the audio still exists can extend it.
  for (const decidedAt of [...facts.upheldAt].sort((a, b) => a - b)) {
    if (decidedAt <= until) until = Math.max(until, decidedAt + APPEAL_RETENTION_MS);
  }
  return { kind: 'until', until };
}

export function isPurgeable(facts: RetentionFacts, now: number): boolean {
  const r = retention(facts);
  return r.kind === 'until' && now >= r.until;
}

/** The last moment an appeal about a decision can be filed. */
export function appealDeadline(decidedAt: number): number {
  return decidedAt + APPEAL_RETENTION_MS;
}

/**
 * A space's transcript (live captions) is the words of its audio: it is kept
 * as long as the moderation copy of the audio, and purged with it, unless it
 * belongs to a replay the host kept (the replay's captions outlive the
 * archive as the replay does).
 */
export function isTranscriptPurgeable(
  facts: RetentionFacts,
  now: number,
  replayKept: boolean,
): boolean {
  return !replayKept && isPurgeable(facts, now);
}
