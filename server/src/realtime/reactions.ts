import { REACTION_EMOJI, type ReactionCountsDto, type ReactionEmoji } from '@salon/protocol';

/** Accepts an emoji with or without the variation selector and returns the canonical spelling. */
export function canonicalEmoji(raw: string): ReactionEmoji | null {
  const bare = raw.replace(/\uFE0F/g, '');
  return REACTION_EMOJI.find((e) => e.replace(/\uFE0F/g, '') === bare) ?? null;
}

/** Counts per emoji within one aggregation window. */
export class ReactionWindow {
  private counts = new Map<ReactionEmoji, number>();

  add(emoji: ReactionEmoji, n = 1): void {
    this.counts.set(emoji, (this.counts.get(emoji) ?? 0) + n);
  }

  get empty(): boolean {
    return this.counts.size === 0;
  }

  /** The window's counts, and a fresh window. */
  drain(): ReactionCountsDto {
    const out: ReactionCountsDto = {};
    for (const [emoji, n] of this.counts) out[emoji] = n;
    this.counts = new Map();
    return out;
  }
}

/**
 * A token bucket per person: a burst of `burst` reactions, refilled at
 * `perSecond`. Tapping faster is refused, so one person cannot flood a space.
 */
export class ReactionLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly burst = 8,
    private readonly perSecond = 4,
  ) {}

  allow(key: string, now: number): boolean {
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(
      this.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond,
    );
    bucket.at = now;
    const ok = bucket.tokens >= 1;
    if (ok) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    return ok;
  }

  /** Forget people whose bucket is full again; called periodically. */
  sweep(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond >= this.burst)
        this.buckets.delete(key);
    }
  }
}
