import { randomBytes, randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { FeedDto } from '@salon/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Bus } from '../../bus/bus.js';
import { AppError } from '../../errors.js';
import { isJanusError } from '../janus/errors.js';
import { VideoRoomError } from '../janus/protocol.js';
import type { JanusSession } from '../janus/session.js';
import {
  type AnnouncedPublisher,
  type FeedId,
  VideoRoom,
  type VideoRoomId,
} from '../janus/videoroom.js';
import type { SeatSource } from '../seats.js';
import { Publications, singleAudioMid } from './publications.js';
import { RemoteWatchers } from './remote-watchers.js';
import { emptied, OBSERVER_DISPLAY, OBSERVER_SLOTS, sharedSecret } from './shared-room.js';
import type { FeedHost, FeedRoomsEvents, FeedStopReason, SpaceFeeds, ViewerKey } from './space.js';
import { feedWatcherCost, Watchers } from './watchers.js';

/**
 * Per-speaker feeds: besides the mix, every stage member may publish their
 * microphone as their own feed into a VideoRoom (SFU) room of the space
 * (`Publications`), and a listener may watch every feed in one multistream
 * subscription, one track per speaker, to set each speaker's volume
 * (`Watchers`). Nothing is mixed.
 *
 * The rooms follow the plane: one is created when a space's media opens and
 * destroyed when it closes; after a Janus restart they are created anew and
 * every publisher and watcher is told to start again (`media_restart`).
 *
 * Feeds are watched rarely, so a stage member need only publish theirs
 * while someone else watches (or captions need it): `wantedBy` says so, and
 * a `watchers` event follows every change of a space's watchers
 * (FeedSignaling tells the stage).
 */
export interface FeedRoomsOptions {
  host: FeedHost;
  logger: FastifyBaseLogger;
  /** Publishers per room: the stage's size. */
  maxPublishers: number;
  /**
   * Salon nodes that share rooms (media/homes.ts): a space's room id, the
   * same on every node (its mix room's, in the VideoRoom plugin, so no
   * clash); and the bus and this node's id, on which they tell each other
   * who watches through them (remote-watchers.ts). Unset: this node's rooms
   * are its own (an embedded Janus).
   */
  cluster?: { roomFor(spaceId: string): VideoRoomId; bus: Bus; node: string };
  /**
   * What a shared room's secret derives from (JANUS_API_SECRET), so every
   * Salon node knows it and no other Janus client does.
   */
  secretSeed?: string | null;
}

/** A feed forwarded to a UDP target (forwardFeed): which publication, and how to end it. */
export interface FeedForward {
  feed: FeedId;
  stop(): Promise<void>;
}

export class FeedRooms extends EventEmitter<FeedRoomsEvents> implements SeatSource {
  private readonly spaces = new Map<string, SpaceFeeds>();
  private readonly opening = new Map<string, Promise<SpaceFeeds>>();
  /** One control handle per Janus session (per node, renewed when a node restarts). */
  private readonly controls = new Map<JanusSession, Promise<VideoRoom>>();
  private closed = false;
  /** `spaceId\u0000userId` of stage members whose captions need their feed (issue 14). */
  private readonly captioned = new Set<string>();
  private readonly publications = new Publications({
    feedsChanged: (space) => this.feedsChanged(space),
  });
  private readonly watchers: Watchers;
  /** Watchers on the other Salon nodes, with a shared room. */
  private readonly remote: RemoteWatchers | null;

  constructor(private readonly o: FeedRoomsOptions) {
    super();
    this.watchers = new Watchers({
      events: this,
      logger: o.logger,
      current: (space) => this.spaces.get(space.spaceId) === space,
      stop: (spaceId, owner) => this.stopWatching(spaceId, owner),
    });
    this.remote = o.cluster
      ? new RemoteWatchers({
          bus: o.cluster.bus,
          node: o.cluster.node,
          local: (spaceId) =>
            [...(this.spaces.get(spaceId)?.watchers.values() ?? [])].map((w) => ({
              user_id: w.userId,
              cost: feedWatcherCost(w.streams.size),
              mix: o.host.listens(spaceId, w.owner),
            })),
          // Another node's watchers came or went: the stage here is told (FeedSignaling).
          changed: (spaceId) => this.emit('watchers', spaceId),
        })
      : null;
    // This node's watchers changed (or did not: telling what was told already sends nothing).
    this.on('watchers', (spaceId) => this.remote?.tell(spaceId));
    o.host.countSeats(this);
    o.host.on('opened', (spaceId) => {
      this.open(spaceId).catch((error: unknown) =>
        o.logger.error({ err: error, space: spaceId }, 'feed room not created'),
      );
    });
    o.host.on('closing', (spaceId) => {
      this.close(spaceId).catch((error: unknown) =>
        o.logger.error({ err: error, space: spaceId }, 'feed room not destroyed'),
      );
    });
    // Rooms the plane rebuilt were reopened on 'opened'; any other stale one goes now.
    o.host.on('reset', () => {
      for (const spaceId of [...this.spaces.keys()]) this.fresh(spaceId);
    });
  }

  /** The feed room of a space; created once (again after a Janus restart). */
  open(spaceId: string): Promise<SpaceFeeds> {
    if (this.closed)
      return Promise.reject(
        new AppError('unavailable', 'media_unavailable', 'The media server is stopping.'),
      );
    const known = this.fresh(spaceId);
    if (known) return Promise.resolve(known);
    let opening = this.opening.get(spaceId);
    if (!opening) {
      opening = this.create(spaceId).finally(() => this.opening.delete(spaceId));
      this.opening.set(spaceId, opening);
    }
    return opening;
  }

  /**
   * Creates the space's room, or with a shared id joins the one another
   * Salon node made (and observes who publishes in it).
   */
  private async create(spaceId: string): Promise<SpaceFeeds> {
    const session = await this.o.host.session(spaceId);
    const control = await this.controlHandle(session);
    const shared = this.o.cluster?.roomFor(spaceId) ?? null;
    const description = `feeds of space ${spaceId}`;
    let room: number;
    let secret: string;
    if (shared === null) {
      secret = randomBytes(16).toString('hex');
      room = await control.createRoom({ description, publishers: this.o.maxPublishers, secret });
    } else {
      secret = sharedSecret(shared, this.o.secretSeed ?? '');
      room = shared;
      const publishers = this.o.maxPublishers + OBSERVER_SLOTS;
      await control.createRoom({ room, description, publishers, secret }).catch((error) => {
        if (!isJanusError(error, VideoRoomError.roomExists)) throw error;
      });
    }
    const space: SpaceFeeds = {
      spaceId,
      room,
      secret,
      shared: shared !== null,
      observer: null,
      announced: new Map(),
      ownIds: new Set(),
      session,
      control,
      publishers: new Map(),
      watchers: new Map(),
      muted: new Map(),
    };
    if (space.shared) await this.observe(space);
    this.spaces.set(spaceId, space);
    return space;
  }

  /**
   * In a shared room, a participant of this node's that never publishes:
   * Janus tells it of every publisher in the room, so watchers here receive
   * the feeds published through other Salon nodes.
   */
  private async observe(space: SpaceFeeds): Promise<void> {
    const observer = await VideoRoom.attach(space.session);
    observer.on('publishers', (list) => this.announced(space, list));
    observer.on('unpublished', (id) => {
      if (space.announced.delete(id) && !space.ownIds.has(id)) this.feedsChanged(space);
    });
    try {
      const joined = await observer.joinAsPublisher(space.room, {
        id: randomInt(1, 2 ** 47),
        display: OBSERVER_DISPLAY,
      });
      space.observer = observer;
      this.announced(space, joined.publishers);
    } catch (error) {
      await observer.close().catch(() => undefined);
      throw error;
    }
  }

  private announced(space: SpaceFeeds, list: AnnouncedPublisher[]): void {
    let changed = false;
    for (const p of list) {
      if (p.display === undefined || p.display === OBSERVER_DISPLAY) continue;
      space.announced.set(p.id, {
        userId: p.display,
        ...(p.mid === undefined ? {} : { mid: p.mid }),
      });
      if (!space.ownIds.has(p.id)) changed = true;
    }
    if (changed) this.feedsChanged(space);
  }

  /**
   * The space's feeds if they live on the current Janus. A room whose
   * session died with Janus is forgotten, and its publishers and watchers
   * are told to start again.
   */
  private fresh(spaceId: string): SpaceFeeds | undefined {
    const space = this.spaces.get(spaceId);
    if (!space?.session.closed) return space;
    this.spaces.delete(spaceId);
    this.tellEveryone(space, 'media_restart');
    if (space.watchers.size > 0) this.emit('watchers', spaceId);
    return undefined;
  }

  /**
   * Destroys a space's feed room: every publisher and watcher is told, then
   * cut. Idempotent. With `destroy` false (a shared room, at shutdown), this
   * node's part goes and the room stays for the other Salon nodes.
   */
  async close(
    spaceId: string,
    reason: FeedStopReason = 'space_ended',
    destroy = true,
  ): Promise<void> {
    const space =
      this.spaces.get(spaceId) ?? (await this.opening.get(spaceId)?.catch(() => undefined));
    if (!space || this.spaces.get(spaceId) !== space) return;
    this.spaces.delete(spaceId);
    this.tellEveryone(space, reason);
    if (space.watchers.size > 0) this.emit('watchers', spaceId);
    await Promise.all([
      ...[...space.publishers.values()].map((p) => p.handle.close().catch(() => undefined)),
      ...[...space.watchers.values()].map((w) => w.handle?.close().catch(() => undefined)),
    ]);
    // The observer goes last: while it is in the room, this node still has handles there.
    await space.observer?.close().catch(() => undefined);
    if (!destroy || space.session.closed) return;
    // A shared room is destroyed by the last Salon node to leave it. With every node
    // destroying it at once, Janus 1.1.2 crashed (SIGSEGV in janus_plugin_close_pc from a
    // VideoRoom request): by the backtrace, a destroy while another node detached there.
    if (space.shared && !(await emptied(space))) return;
    await space.control.destroyRoom(space.room, space.secret).catch(() => undefined);
  }

  private tellEveryone(space: SpaceFeeds, reason: FeedStopReason): void {
    const { spaceId } = space;
    for (const p of space.publishers.values())
      this.emit('stopped', { spaceId, owner: p.owner, which: 'publish', reason });
    for (const w of space.watchers.values())
      this.emit('stopped', { spaceId, owner: w.owner, which: 'watch', reason });
  }

  /**
   * A stage member publishes their feed (again): a previous publication is
   * replaced. A muted member's feed is muted in Janus before the answer goes
   * back, so nothing leaks.
   */
  async publish(
    spaceId: string,
    userId: string,
    owner: number,
    offerSdp: string,
    muted: boolean,
  ): Promise<string> {
    // The mix's publish (plane.ts) takes the same arguments; this one publishes to the feed VideoRoom, that one to the AudioBridge.
    const mid = singleAudioMid(offerSdp);
    // The feed room lives and dies with the space's media: open that first.
    await this.o.host.open(spaceId);
    const space = await this.open(spaceId);
    await this.unpublish(spaceId, userId);
    return this.publications.publish(space, { userId, owner, sdp: offerSdp, mid, muted });
  }

  /** Ends a stage member's feed at once (kicked from the room); returns whether there was one. */
  async unpublish(spaceId: string, userId: string): Promise<boolean> {
    const space = this.fresh(spaceId);
    return space ? this.publications.unpublish(space, userId) : false;
  }

  /** The server ends a feed (demotion, removal): its publisher is told why. */
  async stopPublishing(spaceId: string, userId: string, reason: FeedStopReason): Promise<void> {
    const owner = this.fresh(spaceId)?.publishers.get(userId)?.owner;
    if (owner === undefined || !(await this.unpublish(spaceId, userId))) return;
    this.emit('stopped', { spaceId, owner, which: 'publish', reason });
  }

  /** Server-side mute: Janus drops a muted member's packets, whatever their client sends. */
  async setMuted(spaceId: string, userId: string, muted: boolean): Promise<void> {
    const space = this.fresh(spaceId);
    if (space) await this.publications.setMuted(space, userId, muted);
  }

  /**
   * A listener watches every feed (but their own). Resolves with Janus's
   * offer, or with null when no feed is live yet: the first offer then comes
   * as an `offer` event as soon as one is. Holds a WebRTC seat either way.
   */
  async watch(
    spaceId: string,
    owner: number,
    who: { viewer: ViewerKey | null; userId: string | null },
  ): Promise<{ sdp: string; feeds: FeedDto[] } | null> {
    await this.o.host.open(spaceId);
    const space = await this.open(spaceId);
    this.o.host.claimSeat(spaceId, owner);
    await this.stopWatching(spaceId, owner);
    return this.watchers.start(space, owner, who);
  }

  /** The watcher's answer to the last offer; resolves with the feeds it now receives. */
  answer(spaceId: string, owner: number, answerSdp: string): Promise<FeedDto[]> {
    return this.watchers.answer(this.fresh(spaceId), owner, answerSdp);
  }

  async stopWatching(spaceId: string, owner: number): Promise<void> {
    const space = this.spaces.get(spaceId);
    if (space) await this.watchers.stop(space, owner);
  }

  /** A person removed from the space stops watching too. */
  async stopWatchingViewer(spaceId: string, viewer: ViewerKey, reason: FeedStopReason) {
    const space = this.fresh(spaceId);
    if (!space) return;
    for (const watcher of [...space.watchers.values()]) {
      if (watcher.viewer !== viewer) continue;
      await this.stopWatching(spaceId, watcher.owner);
      this.emit('stopped', { spaceId, owner: watcher.owner, which: 'watch', reason });
    }
  }

  /** A realtime connection went away: its feed and its watches end. */
  async dropConnection(owner: number): Promise<void> {
    for (const [spaceId, space] of [...this.spaces]) {
      for (const p of [...space.publishers.values()])
        if (p.owner === owner) await this.unpublish(spaceId, p.userId);
      await this.stopWatching(spaceId, owner);
    }
  }

  /**
   * Whether a stage member's feed is wanted: someone but them watches the
   * space's feeds, here or through another Salon node (nobody is offered
   * their own feed), or captions need it.
   */
  wantedBy(spaceId: string, userId: string): boolean {
    if (this.remote?.wantedBy(spaceId, userId)) return true;
    const space = this.spaces.get(spaceId);
    if (!space || space.session.closed) return false;
    if (this.captioned.has(`${spaceId}\u0000${userId}`)) return true;
    for (const watcher of space.watchers.values()) if (watcher.userId !== userId) return true;
    return false;
  }

  /**
   * Captions want a stage member's feed (the pipeline rtp_forwards it):
   * it is then wanted as if someone watched, and the stage is told.
   */
  setCaptioned(spaceId: string, userId: string, on: boolean): void {
    const key = `${spaceId}\u0000${userId}`;
    if (on === this.captioned.has(key)) return;
    if (on) this.captioned.add(key);
    else this.captioned.delete(key);
    this.emit('watchers', spaceId);
  }

  /** A stage member's live feed on this node (its publisher id), or null if not here or not live. */
  liveFeed(spaceId: string, userId: string): FeedId | null {
    const space = this.spaces.get(spaceId);
    const p = space?.publishers.get(userId);
    if (!space || space.session.closed || !p?.live) return null;
    return p.id;
  }

  /**
   * Forwards a stage member's live feed on this node to a UDP target (the
   * captions' decoder), as forwardMix does the mix: the caller holds the
   * forward, never a Janus handle. Null when the feed is not live here.
   * The forward ends with `stop()`, or with the feed or its room.
   */
  async forwardFeed(
    spaceId: string,
    userId: string,
    target: { host: string; port: number; pt: number },
  ): Promise<FeedForward | null> {
    const space = this.spaces.get(spaceId);
    const p = space?.publishers.get(userId);
    if (!space || space.session.closed || !p?.live) return null;
    const { control, room, secret } = space;
    const feed = p.id;
    const forwarder = await control.rtpForward(room, feed, { ...target, mid: p.mid }, secret);
    return {
      feed,
      // The feed (or the room) may be gone already, taking its forwarders with it.
      stop: () => control.stopRtpForward(room, feed, forwarder, secret).catch(() => undefined),
    };
  }

  /**
   * The seats of the space's watchers: this node's connections, and those
   * on the other Salon nodes as they last said (numbered -1, -2, … here),
   * so the caps of the space and of its Janus node count them all.
   */
  holders(spaceId: string): Iterable<number> {
    const local = [...(this.spaces.get(spaceId)?.watchers.keys() ?? [])];
    const remote = this.remote?.seats(spaceId) ?? [];
    return [...local, ...remote.map((_, i) => -(i + 1))];
  }

  /** This node's seats in a space changed (a listen of the mix began or ended): the others are told. */
  seatsChanged(spaceId: string): void {
    this.remote?.tell(spaceId);
  }

  /** A watcher's seat costs the node by the feeds it receives (see feedWatcherCost). */
  cost(spaceId: string, owner: number): number {
    if (owner < 0) return this.remote?.seats(spaceId)[-owner - 1] ?? 1;
    return feedWatcherCost(this.spaces.get(spaceId)?.watchers.get(owner)?.streams.size ?? 0);
  }

  spaceIds(): Iterable<string> {
    return new Set([...this.spaces.keys(), ...(this.remote?.spaceIds() ?? [])]);
  }

  /** Whether this node holds feeds of the space. */
  holds(spaceId: string): boolean {
    return this.spaces.has(spaceId);
  }

  /** For tests and metrics: what the feeds of a space hold. */
  describe(spaceId: string) {
    const space = this.spaces.get(spaceId);
    if (!space) return null;
    return {
      room: space.room,
      publishers: [...space.publishers.values()]
        .filter((p) => p.live)
        .map((p) => p.userId)
        .sort(),
      watchers: space.watchers.size,
    };
  }

  /** Before the plane shuts down: every room destroyed while Janus is still there. Idempotent. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.opening.values()].map((o) => o.catch(() => undefined)));
    this.remote?.close();
    for (const [spaceId, space] of [...this.spaces])
      await this.close(spaceId, 'space_ended', !space.shared).catch(() => undefined);
    const controls = [...this.controls.values()];
    this.controls.clear();
    for (const control of controls)
      await (await control.catch(() => null))?.close().catch(() => undefined);
  }

  private controlHandle(session: JanusSession): Promise<VideoRoom> {
    for (const known of this.controls.keys()) if (known.closed) this.controls.delete(known);
    let handle = this.controls.get(session);
    if (!handle) {
      const attaching = VideoRoom.attach(session);
      attaching.catch(() => {
        if (this.controls.get(session) === attaching) this.controls.delete(session);
      });
      this.controls.set(session, attaching);
      handle = attaching;
    }
    return handle;
  }

  private feedsChanged(space: SpaceFeeds): void {
    this.emit('feeds', space.spaceId);
    this.watchers.feedsChanged(space);
  }
}
