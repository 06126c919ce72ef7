import { setTimeout as sleep } from 'node:timers/promises';
import type { FeedDto } from '@salon/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../../errors.js';
import { isJanusError } from '../janus/errors.js';
import { VideoRoomError } from '../janus/protocol.js';
import {
  type FeedId,
  type SubscriptionOffer,
  type SubscriptionStream,
  VideoRoom,
} from '../janus/videoroom.js';
import {
  type FeedEvents,
  type LiveFeed,
  liveFeeds,
  type SpaceFeeds,
  type ViewerKey,
  type Watcher,
} from './space.js';

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

type FeedsOffer = { sdp: string; feeds: FeedDto[] };

/**
 * The listeners watching a space's feeds, each in one multistream
 * subscription. Janus renegotiates a subscription only when we ask
 * (autoupdate off): each time the set of live feeds changes, each watcher's
 * subscription is updated once, and the new offer goes out. One offer is out
 * per watcher at a time; changes that come meanwhile are folded into the
 * next update, sent once the answer is in.
 */
export class Watchers {
  constructor(
    private readonly o: {
      events: FeedEvents;
      logger: FastifyBaseLogger;
      /** Whether the space's room is still the current one (not closed, not rebuilt). */
      current(space: SpaceFeeds): boolean;
      /** Ends a watch the way FeedRooms does (its PeerConnection went, or it failed to start). */
      stop(spaceId: string, owner: number): Promise<void>;
    },
  ) {}

  /**
   * A connection starts watching (its previous watch has ended). Resolves
   * with Janus's offer, or with null when no feed is live yet.
   */
  async start(
    space: SpaceFeeds,
    owner: number,
    who: { viewer: ViewerKey | null; userId: string | null },
  ): Promise<FeedsOffer | null> {
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
    this.o.events.emit('watchers', space.spaceId);
    try {
      return await this.enqueue(watcher, () => this.sync(space, watcher));
    } catch (error) {
      await this.o.stop(space.spaceId, owner);
      throw error;
    }
  }

  /** The watcher's answer to the last offer; resolves with the feeds it now receives. */
  async answer(
    space: SpaceFeeds | undefined,
    owner: number,
    answerSdp: string,
  ): Promise<FeedDto[]> {
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

  async stop(space: SpaceFeeds, owner: number): Promise<void> {
    const watcher = space.watchers.get(owner);
    if (!watcher) return;
    space.watchers.delete(owner);
    this.o.events.emit('watchers', space.spaceId);
    await watcher.handle?.close().catch(() => undefined);
  }

  /** The live feeds changed: every watcher's subscription follows. */
  feedsChanged(space: SpaceFeeds): void {
    for (const watcher of space.watchers.values()) this.resync(space, watcher);
  }

  /** Brings a watcher's subscription up to date in the background; the offer goes out as an event. */
  private resync(space: SpaceFeeds, watcher: Watcher): void {
    this.enqueue(watcher, () => this.sync(space, watcher))
      .then((offer) => {
        if (offer)
          this.o.events.emit('offer', { spaceId: space.spaceId, owner: watcher.owner, ...offer });
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
  private async sync(space: SpaceFeeds, watcher: Watcher, attempt = 0): Promise<FeedsOffer | null> {
    if (space.watchers.get(watcher.owner) !== watcher || !this.o.current(space)) return null;
    if (watcher.offered) {
      watcher.dirty = true;
      return null;
    }
    const live = new Map<FeedId, LiveFeed>();
    for (const feed of liveFeeds(space))
      if (feed.userId !== watcher.userId) live.set(feed.id, feed);
    const subscribed = new Set(watcher.streams.values());
    const subscribe = [...live.values()]
      .filter((p) => !subscribed.has(p.id))
      .map((p) => ({ feed: p.id, ...(p.mid === undefined ? {} : { mid: p.mid }) }));
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
            this.o.stop(space.spaceId, watcher.owner).catch(() => undefined);
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

  private offered(space: SpaceFeeds, watcher: Watcher, offer: SubscriptionOffer): FeedsOffer {
    watcher.streams = carried(offer.streams);
    watcher.offered = true;
    return { sdp: offer.jsep.sdp, feeds: this.feedList(space, watcher) };
  }

  /** An offer Janus sent on its own (an update it had queued). */
  private queuedOffer(space: SpaceFeeds, watcher: Watcher, offer: SubscriptionOffer): void {
    if (space.watchers.get(watcher.owner) !== watcher) return;
    this.o.events.emit('offer', {
      spaceId: space.spaceId,
      owner: watcher.owner,
      ...this.offered(space, watcher, offer),
    });
  }

  /** Each subscription mid carrying a feed, with the stage member it carries. */
  private feedList(space: SpaceFeeds, watcher: Watcher): FeedDto[] {
    const userOf = new Map(liveFeeds(space).map((feed) => [feed.id, feed.userId]));
    for (const p of space.publishers.values()) userOf.set(p.id, p.userId);
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
