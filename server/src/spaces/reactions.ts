import { REACTION_EMOJI, type ReactionEmoji } from '@salon/protocol';
import type { Viewer } from '../accounts/viewer.js';
import { AppError } from '../errors.js';
import type { TicketAccess } from '../tickets/access.js';
import type { Clock } from '../util/clock.js';
import type { SpaceState } from './model.js';
import type { SpaceService } from './service.js';

/** Accepts an emoji with or without the variation selector and returns the canonical spelling. */
export function canonicalEmoji(raw: string): ReactionEmoji | null {
  const bare = raw.replace(/\uFE0F/g, '');
  return REACTION_EMOJI.find((e) => e.replace(/\uFE0F/g, '') === bare) ?? null;
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

export interface ReactionsOptions {
  spaces: Pick<SpaceService, 'get' | 'authorizeViewer'>;
  access: Pick<TicketAccess, 'require'>;
  clock: Clock;
  /** Counts the reaction in the space's window (realtime/local-space.ts), fanned out with the others. */
  deliver(spaceId: string, emoji: ReactionEmoji): void;
}

/**
 * Reacting in a space, over HTTP (`POST /spaces/:id/reactions`) or the
 * WebSocket (`react`): one emoji of the offered set, allowed by the policy's
 * `react` with the browser's ban (a removed person back as a guest is
 * refused), heard in a ticketed space, and at the person's rate.
 */
export class Reactions {
  private readonly limiter = new ReactionLimiter();

  constructor(private readonly o: ReactionsOptions) {}

  /**
   * `admitted`: the space as the WebSocket's per-message check already
   * admitted this very message with the same policy action and ticket rule
   * (realtime/authority.ts keeps the facts it needs per connection), so it is
   * not asked twice. Without it, the policy is asked here.
   */
  async react(
    viewer: Viewer,
    spaceId: string,
    raw: string,
    device: string | null,
    admitted: SpaceState | null = null,
  ): Promise<void> {
    const key = reactorKey(viewer);
    if (!key) throw AppError.unauthenticated();
    const emoji = canonicalEmoji(raw);
    if (!emoji)
      throw AppError.invalid('unknown_reaction', 'That reaction is not one of the offered emoji.');
    if (!admitted) {
      const { state } = await this.o.spaces.authorizeViewer(
        await this.o.spaces.get(spaceId),
        viewer,
        device,
        'react',
      );
      // Reacting is for the audience: in a ticketed space, those who hear it.
      await this.o.access.require(state, viewer);
    }
    if (!this.limiter.allow(key, this.o.clock.now())) {
      throw new AppError(
        'rate_limited',
        'reaction_rate_limited',
        'Slow down: too many reactions at once.',
      );
    }
    this.o.deliver(spaceId, emoji);
  }

  /** Forgets the reaction rates of people who have not reacted for a while. */
  sweep(): void {
    this.limiter.sweep(this.o.clock.now());
  }
}

/** One rate per person, whatever connection or endpoint they react through (presence's key). */
function reactorKey(viewer: Viewer): string | null {
  if (viewer.kind === 'user') return `u:${viewer.user.id}`;
  if (viewer.kind === 'guest') return `g:${viewer.guestId}`;
  return null;
}
