import { performance } from 'node:perf_hooks';
import type { ListenerDto, ServerMessage } from '@salon/protocol';
import type { Bus } from '../bus/bus.js';
import { publishToSpace } from '../bus/space-channel.js';
import type { SpaceService } from '../spaces/service.js';
import type { PresenceDirectory } from './directory.js';
import type { LocalSpace } from './local-space.js';
import { presenceIntervalMs, type SpacePresence } from './presence.js';
import type { Connection } from './socket.js';

export interface PresenceSyncOptions {
  spaces: SpaceService;
  bus: Bus;
  /** Presence shared by several nodes; without it, this node's presence is the whole. */
  directory?: PresenceDirectory;
  /** Aggregation window for reactions, counts and listener lists. */
  windowMs: number;
  /** The spaces this node has subscribers in (the rooms' map, shared). */
  spacesById: Map<string, LocalSpace<Connection>>;
  /** Runs a write the gateway's close() waits for, logging its failure. */
  track(work: Promise<unknown>, failure: string): void;
  /** Called at the end of every window (the reaction limiter's sweep). */
  afterFlush(): void;
}

/**
 * Presence once per window: reactions aggregated, counts and listener lists
 * paced by the audience's size, the listeners recorded, and, with several
 * nodes, this node's presence written to the directory and everyone's read
 * from it.
 */
export class PresenceSync {
  constructor(private readonly o: PresenceSyncOptions) {}

  /** Once per window: presence and reaction aggregates for every space that changed. */
  flush(): void {
    for (const [spaceId, space] of this.o.spacesById) {
      this.recordNewListeners(spaceId, space);
      this.sendPresence(spaceId, space);
      if (!space.reactions.empty) {
        // Through the bus: every node's listeners get every node's reactions.
        publishToSpace(this.o.bus, {
          type: 'reactions',
          space_id: spaceId,
          window_ms: this.o.windowMs,
          counts: space.reactions.drain(),
        });
      }
      if (
        space.subscribers.size === 0 &&
        space.presence.size === 0 &&
        space.newIdentities.length === 0
      ) {
        space.unsubscribe();
        this.o.spacesById.delete(spaceId);
        this.o.spaces.unfollow(spaceId);
      }
    }
    this.o.afterFlush();
  }

  /** Stores the people who joined for the first time this window (total unique listeners). */
  private recordNewListeners(spaceId: string, space: LocalSpace<Connection>): void {
    if (space.newIdentities.length === 0) return;
    const batch = space.newIdentities;
    space.newIdentities = [];
    space.totalUnique = (space.totalUnique ?? 0) + batch.length;
    this.o.track(
      this.o.spaces.recordListeners(spaceId, batch).then((inserted) => {
        // People who listened before (a restart, another node) were already
        // counted: correct the optimistic total and send the counts again.
        if (inserted < batch.length) {
          space.totalUnique = (space.totalUnique ?? 0) - (batch.length - inserted);
          space.countsDirty = true;
        }
      }),
      'recording listeners failed',
    );
  }

  /**
   * Counts and listener lists change with every join; in a big audience,
   * sending them every window would cost more than the joins themselves. They
   * go out at most once a second, and less often the larger the audience
   * (capped at 5 s). Wall time, not the injectable clock: this is pacing, not
   * a domain date.
   */
  private sendPresence(spaceId: string, space: LocalSpace<Connection>): void {
    const now = performance.now();
    if (now - space.presenceSentAt < presenceIntervalMs(space.subscribers.size)) return;
    if (this.o.directory) {
      // Several nodes: what everyone sees is read from the directory, and sent when it changed.
      if (space.refreshing || space.subscribers.size === 0) return;
      space.presenceSentAt = now;
      space.refreshing = true;
      this.o.track(
        this.readCluster(spaceId, space).finally(() => {
          space.refreshing = false;
        }),
        'reading presence failed',
      );
      return;
    }
    if (space.joined.length === 0 && space.left.length === 0 && !space.countsDirty) return;
    space.presenceSentAt = now;
    if (space.joined.length > 0 || space.left.length > 0) {
      const message: ServerMessage = {
        type: 'listeners',
        space_id: spaceId,
        joined: space.joined,
        left: space.left,
      };
      space.joined = [];
      space.left = [];
      space.fanout.publish(JSON.stringify(message), false);
    }
    if (space.countsDirty) {
      space.countsDirty = false;
      const message: ServerMessage = {
        type: 'counts',
        space_id: spaceId,
        counts: space.presence.counts(space.totalUnique ?? 0),
      };
      space.fanout.publish(JSON.stringify(message), false);
    }
  }

  /** Tells the directory how this node now holds one person (joined, left, listing changed). */
  report(spaceId: string, space: LocalSpace<Connection>, key: string): void {
    const directory = this.o.directory;
    if (!directory) return;
    if (space.presence.has(key)) directory.set(spaceId, key, space.presence.listingOf(key));
    else directory.remove(spaceId, key);
  }

  /** Rewrites this node's whole presence (it expires otherwise; it heals a Redis restart). */
  refreshDirectory(): void {
    const directory = this.o.directory!;
    for (const [spaceId, space] of this.o.spacesById) {
      this.o.track(
        directory.refresh(spaceId, space.presence.entries()),
        'refreshing presence failed',
      );
    }
  }

  /** Reads everyone's presence and sends listeners and counts to this node's subscribers if they changed. */
  private async readCluster(spaceId: string, space: LocalSpace<Connection>): Promise<void> {
    const { joined, left, countsChanged } = space.adoptCluster(
      await this.o.directory!.everyone(spaceId),
    );
    if (joined.length > 0 || left.length > 0) {
      const message: ServerMessage = { type: 'listeners', space_id: spaceId, joined, left };
      space.fanout.publish(JSON.stringify(message), false);
    }
    if (countsChanged) {
      const message: ServerMessage = {
        type: 'counts',
        space_id: spaceId,
        counts: space.counts(space.totalUnique ?? 0),
      };
      space.fanout.publish(JSON.stringify(message), false);
    }
  }

  /** Whether a person (`u:<id>`, `g:<id>`) is in a space on any node (the directory), or here. */
  async isPresent(spaceId: string, key: string): Promise<boolean> {
    if (this.o.spacesById.get(spaceId)?.presence.has(key)) return true;
    if (!this.o.directory) return false;
    return (await this.o.directory.everyone(spaceId)).has(key);
  }

  /** Listed listeners of a space (for the HTTP listeners page), as last known here. */
  listeners(spaceId: string, limit: number): ListenerDto[] {
    const space = this.o.spacesById.get(spaceId);
    return space ? space.listed(limit) : [];
  }

  counts(spaceId: string) {
    const space = this.o.spacesById.get(spaceId);
    return space ? space.counts(space.totalUnique ?? 0) : null;
  }

  /**
   * Counts and listed listeners for HTTP: what this node knows, or, with
   * several nodes and no subscriber of the space here, read from the directory.
   */
  async presenceNow(
    spaceId: string,
    limit: number,
  ): Promise<{ counts: ReturnType<SpacePresence['counts']> | null; listed: ListenerDto[] }> {
    const space = this.o.spacesById.get(spaceId);
    if (space || !this.o.directory) {
      return { counts: this.counts(spaceId), listed: this.listeners(spaceId, limit) };
    }
    const people = await this.o.directory.everyone(spaceId);
    if (people.size === 0) return { counts: null, listed: [] };
    const listed = [...people.values()].filter((l): l is ListenerDto => l !== null);
    const total = people.size;
    const unique = await this.o.spaces.totalListeners(spaceId);
    return {
      counts: {
        now_total: total,
        now_listed: listed.length,
        now_anonymous: total - listed.length,
        total_unique: Math.max(unique, total),
      },
      listed: listed.slice(0, limit),
    };
  }
}
