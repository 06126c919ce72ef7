import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../errors.js';
import type { MediaApi, MediaHealth, MediaPlaneEvents, SpaceMediaDescription } from './api.js';
import type { ForwardTarget, RoomId } from './janus/audiobridge.js';
import type { JanusSession } from './janus/session.js';
import { MediaPlane, type MediaPlaneOptions } from './plane.js';
import type { SeatSource } from './seats.js';

/** One external Janus node: a name for logs and how to reach it. */
export interface MediaNode {
  name: string;
  options: MediaPlaneOptions;
}

export interface MediaClusterOptions {
  /**
   * How long a node may stay away before its spaces move to the other nodes
   * (rebuilt there; their clients get `media_restart`). Default 10 s.
   */
  failoverMs?: number;
}

interface ClusterNode {
  name: string;
  plane: MediaPlane;
  logger: FastifyBaseLogger;
  /** Armed while the node is away: when it fires, the node's spaces move. */
  failover: NodeJS.Timeout | null;
}

/**
 * Several Janus nodes behind one media API: each new space is placed on the
 * least loaded node that is up (rooms, publishers and WebRTC listeners it
 * carries), and stays there; every request about a space goes to its node.
 * Each node is a MediaPlane of its own, with its own reconnection: a node
 * that goes away takes no new spaces until it is back. If it is back within
 * `failoverMs`, its spaces are rebuilt on it; otherwise they move to the
 * least loaded nodes that are up. Either way their clients get
 * `media_restart` and negotiate again. A node that does not answer at start
 * is retried, and takes spaces once it answers. The WebRTC listener cap per
 * node applies to each node.
 */
export class MediaCluster extends EventEmitter<MediaPlaneEvents> implements MediaApi {
  static async start(
    nodes: readonly MediaNode[],
    options: MediaClusterOptions = {},
  ): Promise<MediaCluster> {
    if (nodes.length === 0) throw new Error('a media cluster needs at least one node');
    const started = await Promise.allSettled(nodes.map((n) => MediaPlane.start(n.options)));
    if (started.every((result) => result.status === 'rejected'))
      throw (started[0] as PromiseRejectedResult).reason;
    const members = started.map((result, i): ClusterNode => {
      const { name, options: planeOptions } = nodes[i]!;
      const member = { name, logger: planeOptions.logger, failover: null };
      if (result.status === 'fulfilled') return { ...member, plane: result.value };
      planeOptions.logger.error(
        { err: result.reason, node: name },
        'media node unreachable at start; retrying, it takes spaces once it answers',
      );
      return { ...member, plane: MediaPlane.connecting(planeOptions) };
    });
    return new MediaCluster(members, options.failoverMs ?? 10_000);
  }

  /** Which node carries each space. */
  private readonly placement = new Map<string, MediaPlane>();
  private closed = false;

  private constructor(
    private readonly nodes: ClusterNode[],
    private readonly failoverMs: number,
  ) {
    super();
    for (const node of nodes) {
      const { plane } = node;
      plane.on('speaking', (change) => this.emit('speaking', change));
      plane.on('reset', (spaceIds) => this.emit('reset', spaceIds));
      plane.on('opened', (spaceId) => this.emit('opened', spaceId));
      plane.on('closing', (spaceId) => this.emit('closing', spaceId));
      plane.on('down', () => this.armFailover(node));
      if (!plane.up) this.armFailover(node);
    }
  }

  private armFailover(node: ClusterNode): void {
    if (this.closed || node.failover) return;
    node.failover = setTimeout(() => {
      node.failover = null;
      this.failOver(node).catch((error: unknown) =>
        node.logger.error({ err: error, node: node.name }, 'media failover failed'),
      );
    }, this.failoverMs);
    node.failover.unref();
  }

  /** The node has been away for failoverMs: its spaces move to the nodes that are up. */
  private async failOver(node: ClusterNode): Promise<void> {
    if (this.closed || node.plane.up) return;
    if (!this.nodes.some((n) => n.plane.up)) {
      // Nowhere to go yet: look again later (the first node back takes them).
      this.armFailover(node);
      return;
    }
    const moved = node.plane.release();
    if (moved.length === 0) return;
    // Placed at once, so that no request about them reaches the dead node meanwhile.
    const planned = new Map<MediaPlane, number>();
    for (const spaceId of moved) {
      const target = this.leastLoaded(planned);
      planned.set(target, (planned.get(target) ?? 0) + 1);
      this.placement.set(spaceId, target);
    }
    node.logger.warn(
      { node: node.name, spaces: moved.length },
      'media node still away; moving its spaces to the other nodes',
    );
    await Promise.all(
      moved.map((spaceId) =>
        this.placement
          .get(spaceId)
          ?.open(spaceId)
          .catch((error: unknown) =>
            node.logger.error({ err: error, space: spaceId }, 'moved space not reopened'),
          ),
      ),
    );
    this.emit('reset', moved);
  }

  /** The node a space is on, placing it on the least loaded node first. */
  private planeFor(spaceId: string): MediaPlane {
    const placed = this.placement.get(spaceId);
    if (placed) return placed;
    const plane = this.leastLoaded();
    this.placement.set(spaceId, plane);
    return plane;
  }

  /** The least loaded node that is up (any node when none is), counting `planned` extra spaces. */
  private leastLoaded(planned?: ReadonlyMap<MediaPlane, number>): MediaPlane {
    const up = this.nodes.filter((n) => n.plane.up);
    const candidates = up.length > 0 ? up : this.nodes;
    const load = (plane: MediaPlane) => plane.load + (planned?.get(plane) ?? 0);
    let best = candidates[0]!.plane;
    for (const { plane } of candidates) if (load(plane) < load(best)) best = plane;
    return best;
  }

  /** Name of the node carrying a space (null before it is placed). */
  nodeOf(spaceId: string): string | null {
    const plane = this.placement.get(spaceId);
    return this.nodes.find((n) => n.plane === plane)?.name ?? null;
  }

  health(): MediaHealth {
    const up = this.nodes.filter((n) => n.plane.up).length;
    return up === this.nodes.length ? 'ok' : up > 0 ? 'degraded' : 'down';
  }

  /** Whether a node is connected (not reconnecting). */
  isUp(name: string): boolean {
    return this.nodes.find((n) => n.name === name)?.plane.up ?? false;
  }

  has(spaceId: string): boolean {
    return this.placement.get(spaceId)?.has(spaceId) ?? false;
  }

  async open(spaceId: string): Promise<void> {
    await this.planeFor(spaceId).open(spaceId);
  }

  async close(spaceId: string): Promise<void> {
    const plane = this.placement.get(spaceId);
    if (!plane) return;
    await plane.close(spaceId);
    this.placement.delete(spaceId);
  }

  publish(...args: Parameters<MediaPlane['publish']>): ReturnType<MediaPlane['publish']> {
    return this.planeFor(args[0]).publish(...args);
  }

  async unpublish(spaceId: string, userId: string): Promise<boolean> {
    return (await this.placement.get(spaceId)?.unpublish(spaceId, userId)) ?? false;
  }

  async setMuted(spaceId: string, userId: string, muted: boolean): Promise<void> {
    await this.placement.get(spaceId)?.setMuted(spaceId, userId, muted);
  }

  listen(spaceId: string, owner: number): Promise<string> {
    return this.planeFor(spaceId).listen(spaceId, owner);
  }

  async answerListen(spaceId: string, owner: number, answerSdp: string): Promise<void> {
    const plane = this.placement.get(spaceId);
    if (!plane) throw AppError.conflict('not_listening', 'Ask to listen first (media_listen).');
    await plane.answerListen(spaceId, owner, answerSdp);
  }

  async stopListening(spaceId: string, owner: number): Promise<void> {
    await this.placement.get(spaceId)?.stopListening(spaceId, owner);
  }

  async dropConnection(owner: number): Promise<Array<{ spaceId: string; userId: string }>> {
    const dropped = await Promise.all(this.nodes.map((n) => n.plane.dropConnection(owner)));
    return dropped.flat();
  }

  /** Seats of the space, and of the node it is on (or would be placed on). */
  listenerCounts(spaceId: string): { space: number; node: number } {
    return (this.placement.get(spaceId) ?? this.leastLoaded()).listenerCounts(spaceId);
  }

  describe(spaceId: string): SpaceMediaDescription | null {
    return this.placement.get(spaceId)?.describe(spaceId) ?? null;
  }

  forwardMix(spaceId: string, room: RoomId, target: ForwardTarget): Promise<number> {
    return this.planeFor(spaceId).forwardMix(spaceId, room, target);
  }

  async stopForwardingMix(spaceId: string, room: RoomId, forwarder: number): Promise<void> {
    await this.planeFor(spaceId).stopForwardingMix(spaceId, room, forwarder);
  }

  /** The Janus session of the node carrying a space (the per-speaker feed room lives there too). */
  session(spaceId: string): Promise<JanusSession> {
    return this.planeFor(spaceId).session(spaceId);
  }

  claimSeat(spaceId: string, owner: number): void {
    this.planeFor(spaceId).claimSeat(spaceId, owner);
  }

  /** Another source's seats count against the caps of the node each of its spaces is on. */
  countSeats(source: SeatSource): void {
    for (const { plane } of this.nodes) {
      const here = (spaceId: string) => this.placement.get(spaceId) === plane;
      plane.countSeats({
        holders: (spaceId) => (here(spaceId) ? source.holders(spaceId) : []),
        spaceIds: () => [...source.spaceIds()].filter(here),
        ...(source.cost ? { cost: source.cost.bind(source) } : {}),
      });
    }
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    for (const node of this.nodes) {
      if (node.failover) clearTimeout(node.failover);
      node.failover = null;
    }
    await Promise.all(this.nodes.map((n) => n.plane.shutdown()));
    this.placement.clear();
  }
}
