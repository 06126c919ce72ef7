import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIPv4 } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { WEBRTC_FULL_CODE } from '@salon/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../errors.js';
import type { TierCaps } from '../streams/caps.js';
import { KeyedLock } from '../util/keyed-lock.js';
import type { RoomId } from './janus/audiobridge.js';
import { isJanusError } from './janus/errors.js';
import { StreamingError } from './janus/protocol.js';
import { type MountpointId, Streaming } from './janus/streaming.js';
import { type RelayNode, relayIdOf, type SeatCensus, SeatCounts } from './seat-census.js';

export { type RelayNode, relayIdOf } from './seat-census.js';

/** A space's mix relayed to another node: its mountpoint there, and the listeners seated on it here. */
interface Relay {
  spaceId: string;
  room: RoomId;
  home: RelayNode;
  node: RelayNode;
  id: MountpointId;
  port: number;
  /** This Salon node's listeners on it (each a Streaming handle on `node`), by connection. */
  listeners: Map<number, Streaming>;
}

function webrtcFullError(spaceId: string, full: 'space' | 'nodes'): AppError {
  const what = full === 'space' ? 'this space' : 'every media server';
  return AppError.conflict(
    WEBRTC_FULL_CODE,
    `The WebRTC seats of ${what} are taken; listen over HLS (GET /api/v1/spaces/${spaceId}/listen).`,
  );
}

const isFull = (error: unknown) => error instanceof AppError && error.code === WEBRTC_FULL_CODE;

/**
 * Spill-over of WebRTC listeners across the media cluster. A space's mix is
 * heard on its home node (the Streaming mountpoint its room forwards to).
 * When the home node's seats are taken, the room's mix is also
 * `rtp_forward`ed (SRTP, a key per relay) to a mountpoint on another node,
 * and new listeners are seated there; only when every node is full, or the
 * space's own cap is reached, does a listener go to HLS.
 *
 * Seats are counted by Janus, not by this process (SeatCounts): the viewers
 * of every mountpoint on every node (the home's and the relays). Every Salon
 * node routes a space to the same nodes and reads the same counts, so the
 * caps are cluster-wide: WEBRTC_LISTENERS_PER_NODE per Janus node, all spaces
 * and relays together, and WEBRTC_LISTENERS_PER_SPACE per space across the
 * cluster. A seat is given under the space's seat lock (`seatLock`, held
 * across Salon nodes), from the space's own seats read again, so the Salon
 * nodes seating one space never both give its last seat, on its home or a
 * relay; other spaces' seats on a node are read at most every 500 ms, so
 * seats of other spaces given meanwhile can take a node over its cap.
 *
 * A relay is one per space and node, shared by the Salon nodes (its id
 * derives from the room). It is torn down (mountpoint and forwarder) when its
 * last viewer leaves, as Janus counts them, and when the space's media closes
 * or moves; a room rebuilt here only takes this node's listeners off it
 * (dropSpace). Its listeners are told to renegotiate (`reset`) when its node
 * goes away.
 */
export class MixRelays {
  /** The relays this Salon node knows, by space and node name. */
  private readonly relays = new Map<string, Map<string, Relay>>();
  private readonly making = new Map<string, Promise<Relay>>();
  /** The room each space's relays were made from (to tear down those other nodes made). */
  private readonly rooms = new Map<string, { room: RoomId; home: RelayNode }>();
  private closed = false;
  private readonly counted: SeatCounts;
  /** The seat lock: the cluster's (MediaHomes), or this process's alone when there is none. */
  private readonly seatLock: <T>(spaceId: string, fn: () => Promise<T>) => Promise<T>;

  constructor(
    private readonly o: {
      nodes: readonly RelayNode[];
      caps: TierCaps | undefined;
      logger: FastifyBaseLogger;
      /** The clients of these spaces must negotiate again (a relay's node went away). */
      reset: (spaceIds: string[]) => void;
      /** Runs a seat's decision alone among the Salon nodes seating the space (MediaHomes). */
      seatLock?: <T>(spaceId: string, fn: () => Promise<T>) => Promise<T>;
      /**
       * The space's seats Janus's census cannot count (feed watchers, of every
       * Salon node: FeedRooms), but `owner`'s own: how many, and what they
       * cost its home node.
       */
      otherSeats?: (spaceId: string, owner: number) => { people: number; cost: number };
    },
  ) {
    this.counted = new SeatCounts({ nodes: o.nodes, perNode: o.caps?.perNode ?? 0 });
    const local = new KeyedLock();
    this.seatLock = o.seatLock ?? ((spaceId, fn) => local.run(spaceId, fn));
  }

  /** Janus's offer of the mix for a new (or renegotiating) listener: on the home node, or a relay. */
  async listen(spaceId: string, owner: number, home: RelayNode): Promise<string> {
    const held = this.heldBy(spaceId, owner);
    if (held) return this.watch(held, owner);
    if (!this.o.caps || this.o.nodes.length < 2 || home.plane.listens(spaceId, owner))
      return home.plane.listen(spaceId, owner);
    await home.plane.open(spaceId);
    const room = home.plane.describe(spaceId)?.room;
    if (room === undefined) return home.plane.listen(spaceId, owner);
    this.rooms.set(spaceId, { room, home });
    // Refused at once when the last census says every seat is taken; a seat is given under
    // the space's lock, from the space's seats read again, so that two Salon nodes do not
    // both give its last one.
    this.freeSeats(spaceId, owner, await this.counted.census(room, home), home);
    return this.seatLock(spaceId, async () => {
      const census = await this.counted.census(room, home, true);
      const free = this.freeSeats(spaceId, owner, census, home);
      if (free.home) {
        try {
          const offer = await home.plane.listen(spaceId, owner);
          this.counted.seated(home, room);
          return offer;
        } catch (error) {
          // Its own count (feed watchers on this Salon node) says the home is full: spill over.
          if (!isFull(error)) throw error;
        }
      }
      for (const node of free.nodes) {
        try {
          return await this.seat(spaceId, room, home, node, owner);
        } catch (error) {
          this.o.logger.warn({ err: error, space: spaceId, node: node.name }, 'relay seat failed');
        }
      }
      throw webrtcFullError(spaceId, 'nodes');
    });
  }

  /** Where a census leaves seats (the home, then the freest others first); throws when none. */
  private freeSeats(
    spaceId: string,
    owner: number,
    census: SeatCensus,
    home: RelayNode,
  ): { home: boolean; nodes: RelayNode[] } {
    const caps = this.o.caps!;
    this.counted.remember(spaceId, census);
    const others = this.o.otherSeats?.(spaceId, owner) ?? { people: 0, cost: 0 };
    if (census.space + others.people >= caps.perSpace) throw webrtcFullError(spaceId, 'space');
    const seats = (node: RelayNode) =>
      (census.nodes.get(node.name) ?? caps.perNode) + (node === home ? others.cost : 0);
    const nodes = this.o.nodes
      .filter((n) => n !== home && n.plane.up && seats(n) < caps.perNode)
      .sort((a, b) => seats(a) - seats(b));
    const atHome = seats(home) < caps.perNode;
    if (!atHome && nodes.length === 0) throw webrtcFullError(spaceId, 'nodes');
    return { home: atHome, nodes };
  }

  /** Whether this connection's listen of the space is on a relay (answer and stop go there). */
  holds(spaceId: string, owner: number): boolean {
    return this.heldBy(spaceId, owner) !== null;
  }

  async answer(spaceId: string, owner: number, answerSdp: string): Promise<void> {
    const streaming = this.heldBy(spaceId, owner)?.listeners.get(owner);
    if (!streaming) throw AppError.conflict('not_listening', 'Ask to listen first (media_listen).');
    await streaming.start({ type: 'answer', sdp: answerSdp });
  }

  /**
   * Ends a relay listen; the relay goes once Janus counts no viewer on it.
   * Called for every listen that ends here (home or relay): the counts are read again.
   */
  async stop(spaceId: string, owner: number): Promise<void> {
    this.counted.clear();
    const relay = this.heldBy(spaceId, owner);
    const streaming = relay?.listeners.get(owner);
    if (!relay || !streaming) return;
    relay.listeners.delete(owner);
    await streaming.close().catch(() => undefined);
    if (relay.listeners.size > 0) return;
    const viewers = await relay.node.plane.control.streaming.viewers(relay.id).catch(() => 1);
    if (viewers === 0 && relay.listeners.size === 0) await this.tearDown(relay);
  }

  /** This node's listeners leave a relay; it goes if Janus then counts no viewer on it. */
  private async leave(relay: Relay): Promise<void> {
    await closeListeners(relay);
    const viewers = await relay.node.plane.control.streaming.viewers(relay.id).catch(() => 1);
    if (viewers === 0) await this.tearDown(relay);
  }

  /** A realtime connection went away: its relay listens end. */
  async drop(owner: number): Promise<void> {
    this.counted.clear();
    const held = [...this.relays.values()].flatMap((byNode) =>
      [...byNode.values()].filter((relay) => relay.listeners.has(owner)),
    );
    await Promise.all(held.map((relay) => this.stop(relay.spaceId, owner)));
  }

  /**
   * The space's media closed (`ended`): its relays go, on every node. Or it
   * was rebuilt here (`reset`): this node's listeners on its relays end (they
   * negotiate again and are seated anew) and a relay left without viewers
   * goes; the other Salon nodes' listeners keep theirs, and a relay whose
   * forwarder died with an old room is made anew at its next seat (make).
   */
  async dropSpace(spaceId: string, why: 'ended' | 'reset'): Promise<void> {
    // Shutting down: the planes close their spaces, but the shared relays stay for the others.
    if (this.closed) return;
    this.counted.clear();
    const known = this.rooms.get(spaceId);
    const mine = [...(this.relays.get(spaceId)?.values() ?? [])];
    this.relays.delete(spaceId);
    this.rooms.delete(spaceId);
    this.counted.forget(spaceId);
    if (why === 'reset') {
      await Promise.all(mine.map((relay) => this.leave(relay)));
      return;
    }
    await Promise.all(mine.map((relay) => this.tearDown(relay)));
    if (!known) return;
    // Relays another Salon node made from the same room.
    const id = relayIdOf(known.room);
    await Promise.all(
      this.o.nodes
        .filter((n) => n !== known.home && n.plane.up && !mine.some((r) => r.node === n))
        .map((n) => n.plane.control.streaming.destroyMountpoint(id).catch(() => undefined)),
    );
  }

  /** A node went away: the listeners seated on its relays must negotiate again. */
  nodeDown(node: RelayNode): void {
    if (this.closed) return;
    const spaces: string[] = [];
    for (const [spaceId, byNode] of this.relays) {
      const relay = byNode.get(node.name);
      if (!relay) continue;
      byNode.delete(node.name);
      spaces.push(spaceId);
      // Its handles died with the node; the forwarder from the home goes.
      this.stopForwarder(relay).catch(() => undefined);
    }
    if (spaces.length > 0) this.o.reset(spaces);
  }

  /** The last census of a space (SeatCounts.counts), for the tier a listener is told to take. */
  counts(spaceId: string): { space: number; freest: number } | null {
    return this.counted.counts(spaceId);
  }

  private async seat(
    spaceId: string,
    room: RoomId,
    home: RelayNode,
    node: RelayNode,
    owner: number,
  ): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const relay = await this.relayOn(spaceId, room, home, node);
      try {
        const offer = await this.watch(relay, owner);
        this.counted.seated(node, relay.id);
        this.noteCensus(spaceId);
        return offer;
      } catch (error) {
        // Torn down by another Salon node as its last viewer left: made again, once.
        if (attempt > 0 || !isJanusError(error, StreamingError.noSuchMountpoint)) throw error;
        this.relays.get(spaceId)?.delete(node.name);
      }
    }
  }

  /** A Streaming handle on the relay's node watching it (a renegotiation replaces the old one). */
  private async watch(relay: Relay, owner: number): Promise<string> {
    const previous = relay.listeners.get(owner);
    relay.listeners.delete(owner);
    await previous?.close().catch(() => undefined);
    const streaming = await Streaming.attach(await relay.node.plane.session(relay.spaceId));
    relay.listeners.set(owner, streaming);
    try {
      const offer = await streaming.watch(relay.id);
      return offer.sdp ?? '';
    } catch (error) {
      relay.listeners.delete(owner);
      await streaming.close().catch(() => undefined);
      throw error;
    }
  }

  /** The space's relay on `node`: made here (mountpoint, then the forwarder), or joined. */
  private relayOn(spaceId: string, room: RoomId, home: RelayNode, node: RelayNode): Promise<Relay> {
    const known = this.relays.get(spaceId)?.get(node.name);
    if (known && known.room === room) return Promise.resolve(known);
    const key = `${spaceId}/${node.name}`;
    let making = this.making.get(key);
    if (!making) {
      making = this.make(spaceId, room, home, node).finally(() => this.making.delete(key));
      this.making.set(key, making);
    }
    return making;
  }

  private async make(
    spaceId: string,
    room: RoomId,
    home: RelayNode,
    node: RelayNode,
  ): Promise<Relay> {
    const { streaming } = node.plane.control;
    const id = relayIdOf(room);
    let port = await this.create(spaceId, room, home, node, id);
    if (port === null) {
      // Another Salon node made it: this one seats its listeners there too, if the home room
      // forwards into it. One left without (its room died with the home's Janus, which came
      // back with the same room id) is made anew; a forwarder being made meanwhile has 500 ms.
      port = await portOf(streaming, id);
      if ((await this.forwardersInto(home, room, node, port)).length === 0) {
        await sleep(500);
        port = await portOf(streaming, id);
        if ((await this.forwardersInto(home, room, node, port)).length === 0) {
          await streaming.destroyMountpoint(id).catch(() => undefined);
          port =
            (await this.create(spaceId, room, home, node, id)) ?? (await portOf(streaming, id));
        }
      }
    }
    const relay: Relay = { spaceId, room, home, node, id, port, listeners: new Map() };
    let byNode = this.relays.get(spaceId);
    if (!byNode) {
      byNode = new Map();
      this.relays.set(spaceId, byNode);
    }
    byNode.set(node.name, relay);
    this.o.logger.info({ space: spaceId, node: node.name }, 'mix relayed to another media node');
    return relay;
  }

  /** Makes a relay: its mountpoint, then the forwarder into it. Null when the mountpoint exists. */
  private async create(
    spaceId: string,
    room: RoomId,
    home: RelayNode,
    node: RelayNode,
    id: MountpointId,
  ): Promise<number | null> {
    const { streaming } = node.plane.control;
    const srtpCrypto = randomBytes(30).toString('base64');
    let port: number;
    try {
      ({ port } = await streaming.createRtpMountpoint({
        id,
        description: `relay of space ${spaceId}`,
        // Bound where the home's Janus sends; SRTP keeps anyone else's packets out.
        iface: isIPv4(node.host) ? node.host : null,
        srtpCrypto,
      }));
    } catch (error) {
      if (isJanusError(error, StreamingError.cantCreate)) return null;
      throw error;
    }
    try {
      await home.plane.forwardMix(spaceId, room, { host: node.host, port, srtpCrypto });
    } catch (error) {
      await streaming.destroyMountpoint(id).catch(() => undefined);
      throw error;
    }
    return port;
  }

  /** The home room's forwarders into a node's port (Janus lists the address it resolved). */
  private async forwardersInto(
    home: RelayNode,
    room: RoomId,
    node: RelayNode,
    port: number,
  ): Promise<number[]> {
    const forwarders = await home.plane.control.audioBridge.forwarders(room);
    const { host } = node;
    const address = isIPv4(host) ? host : (await lookup(host, { family: 4 })).address;
    return forwarders.filter((f) => f.host === address && f.port === port).map((f) => f.id);
  }

  private async tearDown(relay: Relay): Promise<void> {
    const byNode = this.relays.get(relay.spaceId);
    if (byNode?.get(relay.node.name) === relay) byNode.delete(relay.node.name);
    await closeListeners(relay);
    await relay.node.plane.control.streaming.destroyMountpoint(relay.id).catch(() => undefined);
    this.counted.clear(relay.node.name);
    await this.stopForwarder(relay).catch(() => undefined);
    this.noteCensus(relay.spaceId);
  }

  /** The home room's forwarders into the relay (made by whichever Salon node made the relay). */
  private async stopForwarder(relay: Relay): Promise<void> {
    const { home } = relay;
    if (!home.plane.up) return;
    const ids = await this.forwardersInto(home, relay.room, relay.node, relay.port);
    await Promise.all(ids.map((id) => home.plane.stopForwardingMix(relay.spaceId, relay.room, id)));
  }

  /** Refreshes the space's census in the background, for `counts`. */
  private noteCensus(spaceId: string): void {
    const known = this.rooms.get(spaceId);
    if (!known || !this.o.caps) return;
    this.counted.census(known.room, known.home).then(
      (census) => this.counted.remember(spaceId, census),
      () => undefined,
    );
  }

  /**
   * This Salon node stops: its relay listeners end. With `destroy` (no other
   * Salon node shares these Janus nodes) its relays go too.
   */
  async shutdown(destroy: boolean): Promise<void> {
    this.closed = true;
    const all = [...this.relays.values()].flatMap((byNode) => [...byNode.values()]);
    this.relays.clear();
    this.rooms.clear();
    await Promise.all(
      all.map(async (relay) => {
        if (destroy) return this.tearDown(relay);
        await closeListeners(relay);
      }),
    );
  }

  private heldBy(spaceId: string, owner: number): Relay | null {
    for (const relay of this.relays.get(spaceId)?.values() ?? [])
      if (relay.listeners.has(owner)) return relay;
    return null;
  }
}

/** The port a relay mountpoint listens on. */
async function portOf(streaming: Streaming, id: MountpointId): Promise<number> {
  const media = (await streaming.info(id))['media'] as Array<{ port?: unknown }> | undefined;
  return typeof media?.[0]?.port === 'number' ? media[0].port : 0;
}

/** Ends this node's listens on a relay (their Streaming handles). */
async function closeListeners(relay: Relay): Promise<void> {
  const handles = [...relay.listeners.values()];
  relay.listeners.clear();
  await Promise.all(handles.map((streaming) => streaming.close().catch(() => undefined)));
}
