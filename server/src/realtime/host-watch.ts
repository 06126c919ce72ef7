import type { SpaceEventPayload } from '@salon/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Viewer } from '../accounts/viewer.js';
import {
  type Command,
  endIfHostGone,
  hostAway,
  hostBack,
  type NoInput,
  type SpaceState,
} from '../spaces/model.js';
import type { SpaceService } from '../spaces/service.js';
import type { Clock } from '../util/clock.js';

/** What the watch needs of the gateway: who is where, on this node and in the cluster. */
export interface HostPresence {
  onPresence(listener: (spaceId: string, key: string, present: boolean) => void): void;
  onSpaceEvents(listener: (spaceId: string, events: SpaceEventPayload[]) => void): void;
  isPresent(spaceId: string, key: string): Promise<boolean>;
  followedSpaceIds(): string[];
}

/** The internal commands check nothing of their actor; they run on the server's behalf. */
const SERVER: Viewer = { kind: 'anonymous' };

/**
 * Ends a live space whose host is gone, as on X, after a grace for a host
 * whose connection only dropped (HOST_GRACE_SECONDS).
 *
 * Everything that decides is committed state, so it holds with several
 * nodes: the node where the host's last connection closes (and no other
 * node still holds one, per the presence directory) commits `hostAway`,
 * which every node shows as "The host is reconnecting…", and arms a timer
 * for the end of the grace. A host who comes back, on any node, commits
 * `hostBack`. The timer then runs `endIfHostGone`, which ends the space
 * only if the stored space still says the host is away since long enough:
 * under the optimistic version, whichever of "back" and "end" commits first
 * wins, and the other becomes a no-op. If the owner of the timer dies, any
 * node following the space finds the expired grace in its sweep and ends
 * it the same way (ending twice is a no-op). A node that sees "away" while
 * it holds the host's connection (tabs on two nodes, a race of close and
 * open) commits `hostBack` at once.
 */
export class HostWatch {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Spaces whose host this node has seen in the cluster's presence (for the sweep). */
  private readonly seenHost = new Set<string>();
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly pending = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly o: {
      spaces: SpaceService;
      presence: HostPresence;
      clock: Clock;
      logger: FastifyBaseLogger;
      graceMs: number;
      /** How often the sweep runs; a quarter of the grace, between 0.5 and 5 s, by default. */
      sweepMs?: number;
    },
  ) {
    o.presence.onPresence((spaceId, key, present) =>
      this.track(this.presenceChanged(spaceId, key, present)),
    );
    o.presence.onSpaceEvents((spaceId, events) => {
      for (const event of events) {
        if (event.type === 'host_presence_changed' && event.away_since !== null)
          this.track(this.awayAnnounced(spaceId));
        if (event.type === 'host_presence_changed' && event.away_since === null)
          this.disarm(spaceId);
        if (event.type === 'state_changed' && event.state !== 'live') {
          this.disarm(spaceId);
          this.seenHost.delete(spaceId);
        }
      }
    });
    const sweepMs = o.sweepMs ?? Math.min(5000, Math.max(500, o.graceMs / 4));
    this.sweepTimer = setInterval(() => this.track(this.sweep()), sweepMs);
    this.sweepTimer.unref();
  }

  private async presenceChanged(spaceId: string, key: string, present: boolean): Promise<void> {
    const state = await this.o.spaces.get(spaceId).catch(() => null);
    if (state?.state !== 'live' || key !== hostKey(state)) return;
    if (present) {
      this.seenHost.add(spaceId);
      this.disarm(spaceId);
      if ((state.host_away_since ?? null) !== null) await this.run(spaceId, hostBack, {});
      return;
    }
    // The host's tab on another node keeps them here.
    if (await this.o.presence.isPresent(spaceId, key)) return;
    const after = await this.run(spaceId, hostAway, {});
    if (after) this.arm(after);
  }

  /** Some node says the host is away: not so if they are connected here. */
  private async awayAnnounced(spaceId: string): Promise<void> {
    const state = await this.o.spaces.get(spaceId, true).catch(() => null);
    if (state?.state !== 'live') return;
    if (await this.o.presence.isPresent(spaceId, hostKey(state))) {
      await this.run(spaceId, hostBack, {});
    }
  }

  /** The backstop for a timer whose node died, and for a host whose node died with them. */
  private async sweep(): Promise<void> {
    if (this.closed) return;
    const now = this.o.clock.now();
    for (const spaceId of this.o.presence.followedSpaceIds()) {
      const state = await this.o.spaces.get(spaceId).catch(() => null);
      if (state?.state !== 'live') continue;
      const since = state.host_away_since ?? null;
      if (since !== null) {
        if (now - since >= this.o.graceMs && !this.timers.has(spaceId)) {
          await this.run(spaceId, endIfHostGone, { graceMs: this.o.graceMs });
        }
        continue;
      }
      const here = await this.o.presence.isPresent(spaceId, hostKey(state));
      if (here) this.seenHost.add(spaceId);
      else if (this.seenHost.has(spaceId)) {
        // The host was in the cluster and is not any more, and nobody said so: their node died.
        this.seenHost.delete(spaceId);
        const after = await this.run(spaceId, hostAway, {});
        if (after) this.arm(after);
      }
    }
  }

  private arm(state: SpaceState): void {
    const since = state.host_away_since ?? null;
    if (since === null || this.closed) return;
    this.disarm(state.id);
    const delay = Math.max(0, since + this.o.graceMs - this.o.clock.now());
    const timer = setTimeout(() => {
      this.timers.delete(state.id);
      this.track(this.run(state.id, endIfHostGone, { graceMs: this.o.graceMs }));
    }, delay);
    timer.unref();
    this.timers.set(state.id, timer);
  }

  private disarm(spaceId: string): void {
    clearTimeout(this.timers.get(spaceId));
    this.timers.delete(spaceId);
  }

  private async run<I extends NoInput | { graceMs: number }>(
    spaceId: string,
    command: Command<I>,
    input: I,
  ): Promise<SpaceState | null> {
    if (this.closed) return null;
    return this.o.spaces.run(SERVER, spaceId, command, input);
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) =>
      this.o.logger.error({ err: error }, "watching a space's host failed"),
    );
    this.pending.add(tracked);
    tracked.finally(() => this.pending.delete(tracked));
  }

  /** Stops the timers and the sweep; what is under way finishes. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweepTimer);
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.pending);
  }
}

const hostKey = (state: SpaceState) => `u:${state.host_id}`;
