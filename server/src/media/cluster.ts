import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../errors.js';
import type { TierCaps } from '../streams/caps.js';
import type { MediaApi, MediaHealth, MediaPlaneEvents, SpaceMediaDescription } from './api.js';
import { type MediaHome, type MediaHomes, roomIdOf } from './homes.js';
import type { ForwardTarget, RoomId } from './janus/audiobridge.js';
import type { JanusSession } from './janus/session.js';
import { MediaPlane, type MediaPlaneOptions } from './plane.js';
import { MixRelays, type RelayNode } from './relays.js';
import type { SeatSource } from './seats.js';

/** One external Janus node: a name for logs and how to reach it. */
export interface MediaNode {
  name: string;
  options: MediaPlaneOptions;
  /**
   * Where the other nodes' Janus send this node the mix of a space relayed to
   * it (spill-over, relays.ts). Default: the host of `name` when it is a URL.
   */
  relayHost?: string;
}

export interface MediaClusterOptions {
  /**
   * How long a node may stay away before its spaces move to the other nodes
   * (rebuilt there; their clients get `media_restart`). Default 10 s.
   */
  failoverMs?: number;
  /**
   * Where every space lives, agreed by all Salon nodes (the database). Without
   * it this process places spaces alone (one Salon node).
   */
  homes?: MediaHomes;
}

interface ClusterNode {
  name: string;
  plane: MediaPlane;
  logger: FastifyBaseLogger;
  /** Armed while the node is away: when it fires, the node's spaces move. */
  failover: NodeJS.Timeout | null;
  /** Set once it stayed away past failoverMs: a space stored there moves on its next request. */
  gone: boolean;
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
    const { homes } = options;
    // Bound once the cluster exists: the planes ask it for shared room ids and what to rebuild.
    let cluster: MediaCluster | null = null;
    const shared = (name: string): Partial<MediaPlaneOptions> =>
      homes
        ? {
            roomFor: (spaceId) => cluster?.sharedRoom(spaceId) ?? roomIdOf(spaceId, 1),
            keep: (spaceId) => cluster?.keep(name, spaceId) ?? Promise.resolve(true),
          }
        : {};
    const withHomes = nodes.map((n) => ({ ...n.options, ...shared(n.name) }));
    const started = await Promise.allSettled(withHomes.map((o) => MediaPlane.start(o)));
    if (started.every((result) => result.status === 'rejected'))
      throw (started[0] as PromiseRejectedResult).reason;
    const members = started.map((result, i): ClusterNode => {
      const { name } = nodes[i]!;
      const planeOptions = withHomes[i]!;
      const member = { name, logger: planeOptions.logger, failover: null, gone: false };
      if (result.status === 'fulfilled') return { ...member, plane: result.value };
      planeOptions.logger.error(
        { err: result.reason, node: name },
        'media node unreachable at start; retrying, it takes spaces once it answers',
      );
      return { ...member, plane: MediaPlane.connecting(planeOptions) };
    });
    cluster = new MediaCluster(members, options.failoverMs ?? 10_000, homes ?? null, {
      hosts: nodes.map((n) => n.relayHost ?? hostOf(n.name)),
      caps: nodes[0]!.options.listenerCaps,
    });
    return cluster;
  }

  /** Which node carries each space. */
  private readonly placement = new Map<string, MediaPlane>();
  /** The epoch of each space's stored home (with `homes`): its room id derives from it. */
  private readonly epochs = new Map<string, number>();
  /** Spaces whose home is being read or stored, so that one request places each. */
  private readonly placing = new Map<string, Promise<MediaPlane>>();
  private closed = false;
  /** WebRTC listeners spilled over to other nodes once a space's home is full. */
  private readonly relays: MixRelays;
  private readonly relayNodes: RelayNode[];
  /** Seats held outside the planes' mix (the feed watchers), counted by the census too. */
  private readonly seatSources: SeatSource[] = [];

  private constructor(
    private readonly nodes: ClusterNode[],
    private readonly failoverMs: number,
    private readonly homes: MediaHomes | null,
    spill: { hosts: string[]; caps: TierCaps | undefined },
  ) {
    super();
    this.relayNodes = nodes.map((n, i) => ({
      name: n.name,
      plane: n.plane,
      host: spill.hosts[i]!,
    }));
    this.relays = new MixRelays({
      nodes: this.relayNodes,
      caps: spill.caps,
      logger: nodes[0]!.logger,
      reset: (spaceIds) => this.reset(spaceIds),
      ...(homes ? { seatLock: (spaceId, fn) => homes.withSeatLock(spaceId, fn) } : {}),
      otherSeats: (spaceId, owner) => this.otherSeats(spaceId, owner),
    });
    nodes.forEach((node, i) => {
      const { plane } = node;
      plane.on('speaking', (change) => this.emit('speaking', change));
      plane.on('reset', (spaceIds) => this.reset(spaceIds));
      plane.on('opened', (spaceId) => this.emit('opened', spaceId));
      plane.on('closing', (spaceId) => {
        this.emit('closing', spaceId);
        this.dropRelays(spaceId, 'ended');
      });
      plane.on('down', () => {
        this.relays.nodeDown(this.relayNodes[i]!);
        this.armFailover(node);
      });
      if (!plane.up) this.armFailover(node);
    });
  }

  /** Clients of these spaces negotiate again; their relays go first (they are seated anew). */
  private reset(spaceIds: string[]): void {
    for (const spaceId of spaceIds) this.dropRelays(spaceId, 'reset');
    this.emit('reset', spaceIds);
  }

  private dropRelays(spaceId: string, why: 'ended' | 'reset'): void {
    this.relays
      .dropSpace(spaceId, why)
      .catch((error: unknown) =>
        this.nodes[0]!.logger.warn({ err: error, space: spaceId }, 'relays not torn down'),
      );
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
    node.gone = true;
    const moved = node.plane.release();
    if (moved.length === 0) return;
    // Placed at once, so that no request about them reaches the dead node meanwhile.
    const planned = new Map<MediaPlane, number>();
    const from = new Map<string, number>();
    for (const spaceId of moved) {
      const target = this.leastLoaded(planned);
      planned.set(target, (planned.get(target) ?? 0) + 1);
      this.placement.set(spaceId, target);
      const epoch = this.epochs.get(spaceId) ?? 1;
      from.set(spaceId, epoch);
      if (this.homes) this.epochs.set(spaceId, epoch + 1);
    }
    // Stored with one winner: where another Salon node moved a space first, it follows that.
    if (this.homes) {
      for (const spaceId of moved) {
        const target = this.nameOf(this.placement.get(spaceId)!);
        const epoch = from.get(spaceId)!;
        const home = await this.homes
          .move(spaceId, { node: node.name, epoch }, target)
          .catch((error: unknown) => {
            node.logger.error({ err: error, space: spaceId }, 'media home not stored');
            return { node: target, epoch: epoch + 1 };
          });
        if (home) this.follow(spaceId, home);
        else this.forgetLocally(spaceId);
      }
    }
    node.logger.warn(
      { node: node.name, spaces: moved.length },
      'media node still away; moving its spaces to the other nodes',
    );
    // Their rooms moved to other nodes: relays of the old rooms go, on every node.
    for (const spaceId of moved) this.dropRelays(spaceId, 'ended');
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

  /**
   * The node a space is on: the stored home (with `homes`), placing it on the
   * least loaded node first if it has none; a home whose node stayed away past
   * failoverMs moves (one winner).
   */
  private planeFor(spaceId: string): Promise<MediaPlane> {
    const placed = this.placement.get(spaceId);
    if (placed) return Promise.resolve(placed);
    if (!this.homes) {
      const plane = this.leastLoaded();
      this.placement.set(spaceId, plane);
      return Promise.resolve(plane);
    }
    let placing = this.placing.get(spaceId);
    if (!placing) {
      placing = this.placeShared(this.homes, spaceId).finally(() => this.placing.delete(spaceId));
      this.placing.set(spaceId, placing);
    }
    return placing;
  }

  private async placeShared(homes: MediaHomes, spaceId: string): Promise<MediaPlane> {
    let home = await homes.place(spaceId, this.nameOf(this.leastLoaded()));
    const stored = this.nodes.find((n) => n.name === home.node);
    if (stored?.gone && !stored.plane.up) {
      const target = this.nameOf(this.leastLoaded());
      if (target !== home.node) home = (await homes.move(spaceId, home, target)) ?? home;
    }
    return this.follow(spaceId, home);
  }

  /** Routes a space to its stored home. */
  private follow(spaceId: string, home: MediaHome): MediaPlane {
    const node = this.nodes.find((n) => n.name === home.node);
    if (!node) {
      // Every Salon node must be given the same JANUS_URL list: names are the URLs.
      throw new AppError(
        'unavailable',
        'media_unavailable',
        `The space's media node (${home.node}) is not in this node's JANUS_URL.`,
      );
    }
    this.placement.set(spaceId, node.plane);
    this.epochs.set(spaceId, home.epoch);
    return node.plane;
  }

  private forgetLocally(spaceId: string): void {
    this.placement.delete(spaceId);
    this.epochs.delete(spaceId);
  }

  /**
   * A node came back before failoverMs and would rebuild a space: only if the
   * stored home is still this node at the same epoch. Moved by another Salon
   * node meanwhile, the space follows its stored home (its clients get
   * `media_restart`); closed meanwhile, it is not rebuilt at all.
   */
  private async keep(name: string, spaceId: string): Promise<boolean> {
    if (!this.homes) return true;
    const home = await this.homes.read(spaceId);
    if (home && home.node === name && home.epoch === (this.epochs.get(spaceId) ?? home.epoch))
      return true;
    if (!home) {
      this.forgetLocally(spaceId);
      return false;
    }
    const plane = this.follow(spaceId, home);
    plane.open(spaceId).then(
      () => this.reset([spaceId]),
      (error: unknown) =>
        this.nodes[0]!.logger.warn({ err: error, space: spaceId }, 'moved space not reopened'),
    );
    return false;
  }

  private nameOf(plane: MediaPlane): string {
    return this.nodes.find((n) => n.plane === plane)!.name;
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
    await (await this.planeFor(spaceId)).open(spaceId);
  }

  async close(spaceId: string): Promise<void> {
    const plane = this.placement.get(spaceId);
    if (!plane) return;
    await plane.close(spaceId);
    this.forgetLocally(spaceId);
    await this.homes?.forget(spaceId);
  }

  async publish(...args: Parameters<MediaPlane['publish']>): ReturnType<MediaPlane['publish']> {
    return (await this.planeFor(args[0])).publish(...args);
  }

  async unpublish(spaceId: string, userId: string): Promise<boolean> {
    return (await this.placement.get(spaceId)?.unpublish(spaceId, userId)) ?? false;
  }

  async setMuted(spaceId: string, userId: string, muted: boolean): Promise<void> {
    await this.placement.get(spaceId)?.setMuted(spaceId, userId, muted);
  }

  /** Seated on the space's home node, or spilled over to another node's relay (relays.ts). */
  async listen(spaceId: string, owner: number): Promise<string> {
    const home = await this.planeFor(spaceId);
    return this.relays.listen(spaceId, owner, this.relayNodes.find((n) => n.plane === home)!);
  }

  async answerListen(spaceId: string, owner: number, answerSdp: string): Promise<void> {
    if (this.relays.holds(spaceId, owner)) return this.relays.answer(spaceId, owner, answerSdp);
    const plane = this.placement.get(spaceId);
    if (!plane) throw AppError.conflict('not_listening', 'Ask to listen first (media_listen).');
    await plane.answerListen(spaceId, owner, answerSdp);
  }

  async stopListening(spaceId: string, owner: number): Promise<void> {
    await this.relays.stop(spaceId, owner);
    await this.placement.get(spaceId)?.stopListening(spaceId, owner);
  }

  async dropConnection(owner: number): Promise<Array<{ spaceId: string; userId: string }>> {
    await this.relays.drop(owner);
    const dropped = await Promise.all(this.nodes.map((n) => n.plane.dropConnection(owner)));
    return dropped.flat();
  }

  /**
   * Seats of the space, and of the node it is on (or would be placed on), as
   * this Salon node counts them; once the space has WebRTC listeners, also as
   * Janus last counted them in the cluster: the node's are then the freest
   * node's (a relay may seat the next listener there).
   */
  listenerCounts(spaceId: string): { space: number; node: number } {
    const local = (this.placement.get(spaceId) ?? this.leastLoaded()).listenerCounts(spaceId);
    const counted = this.relays.counts(spaceId);
    if (!counted) return local;
    return {
      space: Math.max(local.space, counted.space),
      node: Math.min(local.node, counted.freest),
    };
  }

  describe(spaceId: string): SpaceMediaDescription | null {
    return this.placement.get(spaceId)?.describe(spaceId) ?? null;
  }

  async forwardMix(spaceId: string, room: RoomId, target: ForwardTarget): Promise<number> {
    return (await this.planeFor(spaceId)).forwardMix(spaceId, room, target);
  }

  async stopForwardingMix(spaceId: string, room: RoomId, forwarder: number): Promise<void> {
    await (await this.planeFor(spaceId)).stopForwardingMix(spaceId, room, forwarder);
  }

  /** The Janus session of the node carrying a space (the per-speaker feed room lives there too). */
  async session(spaceId: string): Promise<JanusSession> {
    return (await this.planeFor(spaceId)).session(spaceId);
  }

  /** Whether this connection listens to the space's mix here: on its home, or on a relay. */
  listens(spaceId: string, owner: number): boolean {
    return (
      this.relays.holds(spaceId, owner) || this.nodes.some((n) => n.plane.listens(spaceId, owner))
    );
  }

  /** The room id the Salon nodes share for a space, at the epoch of its placement here. */
  sharedRoom(spaceId: string): RoomId {
    return roomIdOf(spaceId, this.epochs.get(spaceId) ?? 1);
  }

  /** Counted on the node the space is on, or would be placed on (seat counts are per node). */
  claimSeat(spaceId: string, owner: number): void {
    (this.placement.get(spaceId) ?? this.leastLoaded()).claimSeat(spaceId, owner);
  }

  /**
   * The seats of a space held by other sources (feed watchers), for the
   * census of relays.ts: but the asking connection's own, and those of this
   * node's connections that listen to the mix too (Janus counts them once
   * already; a client moving from the mix to the feeds holds both a while).
   */
  private otherSeats(spaceId: string, asking: number): { people: number; cost: number } {
    let people = 0;
    let cost = 0;
    for (const source of this.seatSources)
      for (const owner of source.holders(spaceId)) {
        if (owner === asking || this.listens(spaceId, owner)) continue;
        people += 1;
        cost += source.cost?.(spaceId, owner) ?? 1;
      }
    return { people, cost };
  }

  /** Another source's seats count against the caps of the node each of its spaces is on. */
  countSeats(source: SeatSource): void {
    this.seatSources.push(source);
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
    // Shared relays stay for the other Salon nodes, as shared rooms do.
    await this.relays.shutdown(this.homes === null);
    await Promise.all(this.nodes.map((n) => n.plane.shutdown()));
    this.placement.clear();
    this.epochs.clear();
  }
}

/** The host of a node's URL (ws://10.0.0.5:8188 → 10.0.0.5); 127.0.0.1 for a name that is none. */
function hostOf(name: string): string {
  try {
    return new URL(name).hostname || '127.0.0.1';
  } catch {
    return '127.0.0.1';
  }
}
