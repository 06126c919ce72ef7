import type { ReactionCountsDto, ReactionEmoji } from '@salon/protocol';

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
