import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FeedDto, FeedServerMessage } from '@salon/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../errors.js';
import { isJanusError } from './janus/errors.js';
import { VideoRoomError } from './janus/protocol.js';
import type { JanusSession } from './janus/session.js';
import {
  type FeedId,
  type SubscriptionOffer,
  type SubscriptionStream,
  VideoRoom,
  type VideoRoomId,
} from './janus/videoroom.js';
import type { SeatSource } from './plane.js';

/**
 * Per-speaker feeds: besides the mix, every stage member may publish their
 * microphone as their own feed into a VideoRoom (SFU) room of the space, and
 * a listener may watch every feed in one multistream subscription, one track
 * per speaker, to set each speaker's volume. Nothing is mixed.
 *
 * The rooms follow the plane: one is created when a space's media opens and
 * destroyed when it closes; after a Janus restart they are created anew and
 * every publisher and watcher is told to start again (`media_restart`).
 *
 * Janus renegotiates a subscription only when we ask (autoupdate off): each
 * time the set of live feeds changes, each watcher's subscription is updated
 * once, and the new offer goes out. One offer is out per watcher at a time;
 * changes that come meanwhile are folded into the next update, sent once the
 * answer is in.
 *
 * Feeds are watched rarely, so a stage member need only publish theirs
 * while someone else watches: `wantedBy` says so, and a `watchers` event
 * follows every change of a space's watchers (FeedSignaling tells the stage).
 */
export type FeedStopReason = Extract<FeedServerMessage, { type: 'feeds_stopped' }>['reason'];

/**
 * What feeds need of the media plane that carries a space (a MediaPlane is
 * one): its lifecycle, the Janus session of the node it is on, and the
 * WebRTC seats, which feed watchers share with the mix's listeners.
 */
export interface FeedHost {
  /** The space's media (the mix): its opening makes the feed room open too. */
  open(spaceId: string): Promise<unknown>;
  /** The Janus session of the node carrying the space, once it is reachable. */
  session(spaceId: string): Promise<JanusSession>;
  /** Refuses a new WebRTC seat past the caps (`webrtc_full`); a holder keeps theirs. */
  claimSeat(spaceId: string, owner: number): void;
  countSeats(source: SeatSource): void;
  on(event: 'opened' | 'closing', listener: (spaceId: string) => void): unknown;
  on(event: 'reset', listener: (spaceIds: string[]) => void): unknown;
}

export interface FeedRoomsOptions {
  host: FeedHost;
  logger: FastifyBaseLogger;
  /** Publishers per room: the stage's size. */
  maxPublishers: number;
}

export interface FeedRoomsEvents {
  /** A watcher has a new offer to answer: feeds came or went. */
  offer: [offer: { spaceId: string; owner: number; sdp: string; feeds: FeedDto[] }];
  /**
   * The space's watchers changed (one came or went, or the room was gone
   * with them): whose feeds are wanted may have changed (`wantedBy`).
   */
  watchers: [spaceId: string];
  /** A feed of the space went live or away (captions follow the live feeds). */
  feeds: [spaceId: string];
  /** The server ended a connection's feed publication or watch. */
  stopped: [
    stop: { spaceId: string; owner: number; which: 'publish' | 'watch'; reason: FeedStopReason },
  ];
}

/** Who watches, so a removal can end their watch: `user:<id>` or `guest:<id>`. */
export type ViewerKey = string;

interface Publication {
  userId: string;
  /** The realtime connection that negotiated it. */
  owner: number;
  id: FeedId;
  handle: VideoRoom;
  /** The publisher's audio m-line (what `moderate` and subscriptions name). */
  mid: string;
  /** Its PeerConnection is up: watchers can subscribe to it. */
  live: boolean;
  /** Janus took the offer: its stream exists and can be moderated. */
  negotiated: boolean;
  /** What Janus was last told about its mute, and the request telling it. */
  moderated: boolean;
  moderation: Promise<void>;
}

interface Watcher {
  owner: number;
  viewer: ViewerKey | null;
  /** The watcher's own feed is left out: nobody needs to hear themselves. */
  userId: string | null;
  /** The subscription, once there is at least one feed to subscribe to. */
  handle: VideoRoom | null;
  /** Subscription mid → feed, for the m-lines carrying a feed in Janus's last offer. */
  streams: Map<string, FeedId>;
  /** An offer is out; its answer has not come back yet. */
  offered: boolean;
  /** The feeds changed while an offer was out: update again after the answer. */
  dirty: boolean;
  /** Updates of one subscription run one after another. */
  queue: Promise<unknown>;
}

interface SpaceFeeds {
  spaceId: string;
  room: VideoRoomId;
  secret: string;
  /** The Janus session the room lives in; once closed, the room is gone with it. */
  session: JanusSession;
  control: VideoRoom;
  publishers: Map<string, Publication>;
  watchers: Map<number, Watcher>;
  /** Server-side mute per stage member, applied to every (re)publication. */
  muted: Map<string, boolean>;
}

/**
 * What a watcher receiving `feeds` feeds costs a Janus node, in mix
 * listeners: bench/media measured about 2× with 3 feeds and 5× with 11
 * (docs/architecture.md), so 0.45 a feed, and never less than one seat.
 */
export function feedWatcherCost(feeds: number): number {
  return Math.max(1, Math.ceil(0.45 * feeds));
}

/** How often a subscription is retried when a feed vanished between our look and Janus's. */
const NO_SUCH_FEED_RETRIES = 3;

export class FeedRooms extends EventEmitter<FeedRoomsEvents> implements SeatSource {
  private readonly spaces = new Map<string, SpaceFeeds>();
  private readonly opening = new Map<string, Promise<SpaceFeeds>>();
  /** One control handle per Janus session (per node, renewed when a node restarts). */
  private readonly controls = new Map<JanusSession, Promise<VideoRoom>>();
  private nextFeed = 1;
  private closed = false;
  /** `spaceId\u0000userId` of stage members whose captions need their feed (issue 14). */
  private readonly captioned = new Set<string>();

  constructor(private readonly o: FeedRoomsOptions) {
    super();
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

  private async create(spaceId: string): Promise<SpaceFeeds> {
    const session = await this.o.host.session(spaceId);
    const control = await this.controlHandle(session);
    const secret = randomBytes(16).toString('hex');
    const room = await control.createRoom({
      description: `feeds of space ${spaceId}`,
      publishers: this.o.maxPublishers,
      secret,
    });
    const space: SpaceFeeds = {
      spaceId,
      room,
      secret,
      session,
      control,
      publishers: new Map(),
      watchers: new Map(),
      muted: new Map(),
    };
    this.spaces.set(spaceId, space);
    return space;
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

  /** Destroys a space's feed room: every publisher and watcher is told, then cut. Idempotent. */
  async close(spaceId: string, reason: FeedStopReason = 'space_ended'): Promise<void> {
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
    if (!space.session.closed)
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
   * back, so nothing is heard before the mute lands.
   */
  async publish(
    spaceId: string,
    userId: string,
    owner: number,
    offerSdp: string,
    muted: boolean,
  ): Promise<string> {
    const mid = singleAudioMid(offerSdp);
    // The feed room lives and dies with the space's media: open that first.
    await this.o.host.open(spaceId);
    const space = await this.open(spaceId);
    await this.unpublish(spaceId, userId);
    space.muted.set(userId, muted);
    const handle = await VideoRoom.attach(space.session);
    const publication: Publication = {
      userId,
      owner,
      id: this.nextFeed++,
      handle,
      mid,
      live: false,
      negotiated: false,
      moderated: false,
      moderation: Promise.resolve(),
    };
    space.publishers.set(userId, publication);
    handle.handle.on('webrtcup', () => {
      if (space.publishers.get(userId) !== publication) return;
      publication.live = true;
      this.feedsChanged(space);
    });
    // The PeerConnection went away (the client closed it, ICE failed, or a kick).
    handle.handle.on('hangup', () => {
      if (space.publishers.get(userId) !== publication) return;
      space.publishers.delete(userId);
      handle.close().catch(() => undefined);
      this.feedsChanged(space);
    });
    try {
      await handle.joinAsPublisher(space.room, { id: publication.id, display: userId });
      const answer = await handle.publish({ type: 'offer', sdp: offerSdp, trickle: false });
      publication.negotiated = true;
      await this.moderate(space, publication);
      return answer.sdp;
    } catch (error) {
      if (space.publishers.get(userId) === publication) space.publishers.delete(userId);
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  /** Ends a stage member's feed at once (kicked from the room); returns whether there was one. */
  async unpublish(spaceId: string, userId: string): Promise<boolean> {
    const space = this.fresh(spaceId);
    const publication = space?.publishers.get(userId);
    if (!space || !publication) return false;
    space.publishers.delete(userId);
    if (publication.live) this.feedsChanged(space);
    await space.control.kick(space.room, publication.id, space.secret).catch(() => undefined);
    await publication.handle.close().catch(() => undefined);
    return true;
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
    if (!space) return;
    space.muted.set(userId, muted);
    const publication = space.publishers.get(userId);
    // Before Janus has the offer there is no stream to moderate; publish applies the state then.
    if (publication?.negotiated) await this.moderate(space, publication);
  }

  /**
   * Brings Janus to the member's current mute state. One request at a time
   * per feed, each sending the latest state: Janus may run concurrent
   * requests in any order, so a mute and an unmute in quick succession must
   * not cross on the way.
   */
  private moderate(space: SpaceFeeds, p: Publication): Promise<void> {
    const step = p.moderation.then(async () => {
      const mute = space.muted.get(p.userId) ?? true;
      if (mute === p.moderated || space.publishers.get(p.userId) !== p) return;
      await space.control.moderate(space.room, p.id, p.mid, mute, space.secret);
      p.moderated = mute;
    });
    p.moderation = step.catch(() => undefined);
    return step;
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
    const watcher: Watcher = {
      owner,
      viewer: who.viewer,
      userId: who.userId,
      handle: null,
      streams: new Map(),
      offered: false,
      dirty: false,
      queue: Promise.resolve(),
    };
    space.watchers.set(owner, watcher);
    this.emit('watchers', spaceId);
    try {
      return await this.enqueue(watcher, () => this.sync(space, watcher));
    } catch (error) {
      await this.stopWatching(spaceId, owner);
      throw error;
    }
  }

  /** The watcher's answer to the last offer; resolves with the feeds it now receives. */
  async answer(spaceId: string, owner: number, answerSdp: string): Promise<FeedDto[]> {
    const space = this.fresh(spaceId);
    const watcher = space?.watchers.get(owner);
    if (!space || !watcher?.handle || !watcher.offered)
      throw AppError.conflict(
        'not_watching',
        'There is no feeds offer to answer; send feeds_watch.',
      );
    await watcher.handle.start({ type: 'answer', sdp: answerSdp, trickle: false });
    watcher.offered = false;
    if (watcher.dirty) {
      watcher.dirty = false;
      this.resync(space, watcher);
    }
    return this.feedList(space, watcher);
  }

  async stopWatching(spaceId: string, owner: number): Promise<void> {
    const space = this.spaces.get(spaceId);
    const watcher = space?.watchers.get(owner);
    if (!space || !watcher) return;
    space.watchers.delete(owner);
    this.emit('watchers', spaceId);
    await watcher.handle?.close().catch(() => undefined);
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
   * space's feeds (nobody is offered their own feed).
   */
  wantedBy(spaceId: string, userId: string): boolean {
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

  /** Where a stage member's live feed is on this node, for an rtp_forward; null if not here or not live. */
  feedLocation(spaceId: string, userId: string) {
    const space = this.spaces.get(spaceId);
    const p = space?.publishers.get(userId);
    if (!space || space.session.closed || !p?.live) return null;
    return {
      control: space.control,
      room: space.room,
      secret: space.secret,
      feed: p.id,
      mid: p.mid,
    };
  }

  holders(spaceId: string): Iterable<number> {
    return this.spaces.get(spaceId)?.watchers.keys() ?? [];
  }

  /** A watcher's seat costs the node by the feeds it receives (see feedWatcherCost). */
  cost(spaceId: string, owner: number): number {
    return feedWatcherCost(this.spaces.get(spaceId)?.watchers.get(owner)?.streams.size ?? 0);
  }

  spaceIds(): Iterable<string> {
    return this.spaces.keys();
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

  /** The VideoRoom control handle on the Janus carrying a space, for leak checks in tests. */
  async controlOf(spaceId: string): Promise<VideoRoom> {
    return this.controlHandle(await this.o.host.session(spaceId));
  }

  /** Before the plane shuts down: every room destroyed while Janus is still there. Idempotent. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.opening.values()].map((o) => o.catch(() => undefined)));
    for (const spaceId of [...this.spaces.keys()]) await this.close(spaceId).catch(() => undefined);
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
    for (const watcher of space.watchers.values()) this.resync(space, watcher);
  }

  /** Brings a watcher's subscription up to date in the background; the offer goes out as an event. */
  private resync(space: SpaceFeeds, watcher: Watcher): void {
    this.enqueue(watcher, () => this.sync(space, watcher))
      .then((offer) => {
        if (offer) this.emit('offer', { spaceId: space.spaceId, owner: watcher.owner, ...offer });
      })
      .catch((error: unknown) =>
        this.o.logger.warn(
          { err: error, space: space.spaceId, owner: watcher.owner },
          'feeds subscription not updated',
        ),
      );
  }

  private enqueue<T>(watcher: Watcher, step: () => Promise<T>): Promise<T> {
    const run = watcher.queue.then(step);
    watcher.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Subscribes a watcher to the live feeds it lacks and unsubscribes the
   * gone ones, in one renegotiation. Resolves with the offer to send, or
   * null when there is nothing to send now.
   */
  private async sync(
    space: SpaceFeeds,
    watcher: Watcher,
    attempt = 0,
  ): Promise<{ sdp: string; feeds: FeedDto[] } | null> {
    if (space.watchers.get(watcher.owner) !== watcher || this.spaces.get(space.spaceId) !== space)
      return null;
    if (watcher.offered) {
      watcher.dirty = true;
      return null;
    }
    const live = new Map<FeedId, Publication>();
    for (const p of space.publishers.values())
      if (p.live && p.userId !== watcher.userId) live.set(p.id, p);
    const subscribed = new Set(watcher.streams.values());
    const subscribe = [...live.values()]
      .filter((p) => !subscribed.has(p.id))
      .map((p) => ({ feed: p.id, mid: p.mid }));
    const unsubscribe = [...watcher.streams]
      .filter(([, feed]) => !live.has(feed))
      .map(([subMid]) => ({ subMid }));
    try {
      if (!watcher.handle) {
        if (subscribe.length === 0) return null;
        const handle = await VideoRoom.attach(space.session);
        let offer: SubscriptionOffer;
        try {
          offer = await handle.subscribe(space.room, subscribe);
        } catch (error) {
          await handle.close().catch(() => undefined);
          throw error;
        }
        if (space.watchers.get(watcher.owner) !== watcher) {
          await handle.close().catch(() => undefined);
          return null;
        }
        watcher.handle = handle;
        handle.on('offer', (queued) => this.queuedOffer(space, watcher, queued));
        // Its PeerConnection is gone (closed by the client, or ICE failed): the seat is free.
        handle.handle.on('hangup', () => {
          if (space.watchers.get(watcher.owner) === watcher)
            this.stopWatching(space.spaceId, watcher.owner).catch(() => undefined);
        });
        return this.offered(space, watcher, offer);
      }
      if (subscribe.length === 0 && unsubscribe.length === 0) return null;
      const result = await watcher.handle.update({ subscribe, unsubscribe });
      if (result === 'queued') {
        // Janus still waits for an answer we have not seen; its offer comes as an event.
        watcher.offered = true;
        return null;
      }
      if ('jsep' in result) return this.offered(space, watcher, result);
      watcher.streams = carried(result.streams);
      return null;
    } catch (error) {
      // A feed went away between our look and Janus's: look again shortly.
      if (isJanusError(error, VideoRoomError.noSuchFeed) && attempt < NO_SUCH_FEED_RETRIES) {
        await sleep(100 * (attempt + 1));
        return this.sync(space, watcher, attempt + 1);
      }
      throw error;
    }
  }

  private offered(
    space: SpaceFeeds,
    watcher: Watcher,
    offer: SubscriptionOffer,
  ): { sdp: string; feeds: FeedDto[] } {
    watcher.streams = carried(offer.streams);
    watcher.offered = true;
    return { sdp: offer.jsep.sdp, feeds: this.feedList(space, watcher) };
  }

  /** An offer Janus sent on its own (an update it had queued). */
  private queuedOffer(space: SpaceFeeds, watcher: Watcher, offer: SubscriptionOffer): void {
    if (space.watchers.get(watcher.owner) !== watcher) return;
    this.emit('offer', {
      spaceId: space.spaceId,
      owner: watcher.owner,
      ...this.offered(space, watcher, offer),
    });
  }

  /** Each subscription mid carrying a feed, with the stage member it carries. */
  private feedList(space: SpaceFeeds, watcher: Watcher): FeedDto[] {
    const userOf = new Map([...space.publishers.values()].map((p) => [p.id, p.userId]));
    const feeds: FeedDto[] = [];
    for (const [mid, feed] of watcher.streams) {
      const userId = userOf.get(feed);
      if (userId !== undefined) feeds.push({ mid, user_id: userId });
    }
    return feeds;
  }
}

function carried(streams: SubscriptionStream[]): Map<string, FeedId> {
  const map = new Map<string, FeedId>();
  for (const s of streams) if (s.active && s.feedId !== undefined) map.set(s.mid, s.feedId);
  return map;
}

/**
 * A feed is one Opus microphone: exactly one m-line, audio, with a mid.
 * Returns the mid; anything else (video, data, several tracks) is refused.
 */
export function singleAudioMid(sdp: string): string {
  const sections = sdp.split(/\r?\n(?=m=)/).slice(1);
  const [section] = sections;
  const mid = section && /^a=mid:(\S+)/m.exec(section)?.[1];
  if (sections.length !== 1 || !section?.startsWith('m=audio ') || !mid) {
    throw AppError.invalid(
      'invalid_sdp',
      'A feed is one microphone: the offer must have exactly one audio m-line (with a mid) and nothing else.',
    );
  }
  return mid;
}
