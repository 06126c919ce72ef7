import { createHash } from 'node:crypto';
import type { RoomId } from './janus/audiobridge.js';
import type { MountpointId } from './janus/streaming.js';
import type { MediaPlane } from './plane.js';

/** A Janus node of the cluster, as relays see it. */
export interface RelayNode {
  name: string;
  plane: MediaPlane;
  /** Where the other nodes' Janus reach this one's relay mountpoints (the host of its JANUS_URL). */
  host: string;
}

/** WebRTC seats as Janus counts them: the space's (home mountpoint and relays), and each node's. */
export interface SeatCensus {
  space: number;
  nodes: Map<string, number>;
}

/**
 * The mountpoint id of a space's relay on another node: the same on every
 * Salon node (so they share one relay per space and node), derived from the
 * room, and apart from room ids.
 */
export function relayIdOf(room: RoomId): MountpointId {
  const digest = createHash('sha256').update(`relay/${room}`).digest();
  return digest.readUIntBE(0, 6) || 2;
}

/** How long a node's viewer counts read from Janus are used before they are read again. */
const CENSUS_MS = 500;

/**
 * The WebRTC seats of the cluster, as Janus counts them: the viewers of every
 * mountpoint on every node (the homes' and the relays), read at most every
 * CENSUS_MS per node (a join storm costs each node two reads a second, not
 * one per listener and mountpoint), with this Salon node's own seats since
 * added. A `fresh` census reads the space's own mountpoints again: taken
 * under the space's seat lock, it counts every seat other Salon nodes gave
 * it, so the last seat of a space is given once.
 */
export class SeatCounts {
  /** Each node's mountpoints and their viewers, as Janus last said (viewersOn). */
  private readonly counted = new Map<
    string,
    { at: number; viewers: Promise<Map<MountpointId, number>> }
  >();
  private readonly last = new Map<string, { space: number; freest: number }>();

  constructor(private readonly o: { nodes: readonly RelayNode[]; perNode: number }) {}

  async census(room: RoomId, home: RelayNode, fresh = false): Promise<SeatCensus> {
    const relayId = relayIdOf(room);
    const census: SeatCensus = { space: 0, nodes: new Map() };
    await Promise.all(
      this.o.nodes
        .filter((n) => n.plane.up)
        .map(async (node) => {
          const own = node === home ? room : relayId;
          const viewers = await this.viewersOn(node);
          if (fresh) viewers.set(own, await node.plane.control.streaming.viewers(own));
          let total = 0;
          for (const [id, count] of viewers) {
            total += count;
            if (id === own) census.space += count;
          }
          census.nodes.set(node.name, total);
        }),
    );
    return census;
  }

  private viewersOn(node: RelayNode): Promise<Map<MountpointId, number>> {
    const known = this.counted.get(node.name);
    if (known && Date.now() - known.at < CENSUS_MS) return known.viewers;
    const { streaming } = node.plane.control;
    const viewers = (async () => {
      const ids = await streaming.listMountpoints();
      const counts = await Promise.all(
        ids.map(async (id) => [id, await streaming.viewers(id)] as const),
      );
      return new Map(counts);
    })();
    this.counted.set(node.name, { at: Date.now(), viewers });
    viewers.catch(() => this.counted.delete(node.name));
    return viewers;
  }

  /** A seat this node just took on `node`, counted until the next read from Janus. */
  seated(node: RelayNode, mountpoint: MountpointId): void {
    this.counted
      .get(node.name)
      ?.viewers.then((viewers) => viewers.set(mountpoint, (viewers.get(mountpoint) ?? 0) + 1))
      .catch(() => undefined);
  }

  /** Read again from Janus next time: one node's counts, or every node's. */
  clear(nodeName?: string): void {
    if (nodeName === undefined) this.counted.clear();
    else this.counted.delete(nodeName);
  }

  /**
   * The last census of a space (for the tier a listener is told to take):
   * its WebRTC seats in the cluster, and the fewest seats taken on any node
   * that is up. Null before its first WebRTC listener.
   */
  counts(spaceId: string): { space: number; freest: number } | null {
    return this.last.get(spaceId) ?? null;
  }

  remember(spaceId: string, census: SeatCensus): void {
    const taken = [...census.nodes.values()];
    const freest = taken.length > 0 ? Math.min(...taken) : this.o.perNode;
    this.last.set(spaceId, { space: census.space, freest });
  }

  forget(spaceId: string): void {
    this.last.delete(spaceId);
  }
}
