import type { EventEmitter } from 'node:events';
import type { FeedDto, FeedServerMessage } from '@salon/protocol';
import type { JanusSession } from '../janus/session.js';
import type { FeedId, VideoRoom, VideoRoomId } from '../janus/videoroom.js';
import type { SeatSource } from '../seats.js';

/** The types the parts of the feed rooms share: a space's room, its publications and watchers. */
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
  /** Whether this connection listens to the space's mix through this Salon node. */
  listens(spaceId: string, owner: number): boolean;
  /** Refuses a new WebRTC seat past the caps (`webrtc_full`); a holder keeps theirs. */
  claimSeat(spaceId: string, owner: number): void;
  countSeats(source: SeatSource): void;
  on(event: 'opened' | 'closing', listener: (spaceId: string) => void): unknown;
  on(event: 'reset', listener: (spaceIds: string[]) => void): unknown;
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

/** How the parts report: through the feed rooms' typed events. */
export type FeedEvents = Pick<EventEmitter<FeedRoomsEvents>, 'emit'>;

/** Who watches, so a removal can end their watch: `user:<id>` or `guest:<id>`. */
export type ViewerKey = string;

export interface Publication {
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

export interface Watcher {
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

/** A feed published in the room through another Salon node, as Janus announced it. */
export interface AnnouncedFeed {
  userId: string;
  /** Its audio m-line; a subscription names the whole feed when Janus did not say. */
  mid?: string;
}

/** A feed watchers may subscribe to: a live publication here, or one announced from elsewhere. */
export interface LiveFeed {
  id: FeedId;
  userId: string;
  mid?: string;
}

export interface SpaceFeeds {
  spaceId: string;
  room: VideoRoomId;
  secret: string;
  /**
   * The room is the space's on the whole media cluster (media/homes.ts), and
   * other Salon nodes publish in it too: their feeds come as `announced`.
   */
  shared: boolean;
  /** In a shared room, this node's participant that only hears who publishes (never publishes). */
  observer: VideoRoom | null;
  /** Feeds published through other Salon nodes, by feed id. */
  announced: Map<FeedId, AnnouncedFeed>;
  /** The ids of this node's publications in the room, so Janus's announcements of them are skipped. */
  ownIds: Set<FeedId>;
  /** The Janus session the room lives in; once closed, the room is gone with it. */
  session: JanusSession;
  control: VideoRoom;
  publishers: Map<string, Publication>;
  watchers: Map<number, Watcher>;
  /** Server-side mute per stage member, applied to every (re)publication. */
  muted: Map<string, boolean>;
}

/** The feeds of a space watchers may subscribe to: this node's live ones and the announced ones. */
export function liveFeeds(space: SpaceFeeds): LiveFeed[] {
  const feeds: LiveFeed[] = [];
  for (const p of space.publishers.values())
    if (p.live) feeds.push({ id: p.id, userId: p.userId, mid: p.mid });
  for (const [id, feed] of space.announced) if (!space.ownIds.has(id)) feeds.push({ id, ...feed });
  return feeds;
}
