import { WEBRTC_FULL_CODE } from '@salon/protocol';
import { AppError } from '../errors.js';
import { type TierCaps, webrtcFull } from '../streams/caps.js';

/**
 * WebRTC seats held outside the plane (per-speaker feed watchers). A seat is
 * one connection in one space, whatever it receives: a listener who moves
 * from the mix to the feeds keeps theirs. The per-space cap counts people;
 * the per-node cap and placement count what seats cost the node.
 */
export interface SeatSource {
  /** Connections holding a seat in this space. */
  holders(spaceId: string): Iterable<number>;
  /** Spaces where this source holds seats. */
  spaceIds(): Iterable<string>;
  /** What one of its seats costs the node, in mix listeners (1 when unset). */
  cost?(spaceId: string, owner: number): number;
}

/**
 * The WebRTC seats of one media node: the plane's own listeners of the mix,
 * plus every source counted against the same caps. Holds no seats itself; it
 * asks its sources each time, so a seat ends when its source lets it go.
 */
export class Seats {
  private readonly sources: SeatSource[];

  /** `mix`: the plane's listeners of the mix, each seat costing 1. */
  constructor(
    mix: SeatSource,
    private readonly caps: TierCaps | undefined,
  ) {
    this.sources = [mix];
  }

  /** Counts another source's seats against the same caps. */
  add(source: SeatSource): void {
    this.sources.push(source);
  }

  /**
   * WebRTC seats of a space (people: listeners of the mix and watchers of the
   * feeds), and what the seats of every space cost this node, in mix listeners.
   */
  counts(spaceId: string): { space: number; node: number } {
    return { space: this.costs(spaceId).size, node: this.load() };
  }

  /** What the WebRTC seats of every space on this node cost it, in mix listeners. */
  load(): number {
    const spaceIds = new Set<string>();
    for (const source of this.sources) for (const id of source.spaceIds()) spaceIds.add(id);
    let load = 0;
    for (const id of spaceIds) for (const cost of this.costs(id).values()) load += cost;
    return load;
  }

  /**
   * Refuses a new WebRTC seat past the caps (`webrtc_full`: the client listens
   * over HLS); a connection that holds one keeps it.
   */
  claim(spaceId: string, owner: number): void {
    const caps = this.caps;
    if (!caps) return;
    const counts = this.counts(spaceId);
    const full = webrtcFull({
      spaceListeners: counts.space,
      nodeListeners: counts.node,
      holdsSeat: this.holds(spaceId, owner),
      caps,
    });
    if (full) {
      throw AppError.conflict(
        WEBRTC_FULL_CODE,
        `The WebRTC seats of this ${full === 'space_full' ? 'space' : 'media server'} are taken; listen over HLS (GET /api/v1/spaces/${spaceId}/listen).`,
      );
    }
  }

  /** Whether this connection already holds a WebRTC seat in the space (a renegotiation keeps it). */
  private holds(spaceId: string, owner: number): boolean {
    return this.costs(spaceId).has(owner);
  }

  /** Each seat holder of a space, with what its seat costs (the dearest of what it receives). */
  private costs(spaceId: string): Map<number, number> {
    const costs = new Map<number, number>();
    for (const source of this.sources) {
      for (const owner of source.holders(spaceId)) {
        const cost = source.cost?.(spaceId, owner) ?? 1;
        costs.set(owner, Math.max(cost, costs.get(owner) ?? 0));
      }
    }
    return costs;
  }
}
