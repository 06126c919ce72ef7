import type { EventEmitter } from 'node:events';
import type { FeedHost } from './feeds/space.js';
import type { ForwardTarget, RoomId } from './janus/audiobridge.js';
import type { MountpointId } from './janus/streaming.js';

export type MediaHealth = 'ok' | 'degraded' | 'down';

/** What a media plane (one node, or a cluster) tells the rest of Salon. */
export interface MediaPlaneEvents {
  speaking: [change: { spaceId: string; userId: string; speaking: boolean }];
  /** The media server was replaced: clients of these spaces must negotiate again. */
  reset: [spaceIds: string[]];
  /** The link to Janus was lost; the plane is reconnecting (a cluster may move its spaces away). */
  down: [];
  /** A space's room exists (again, after a reset): companions (the feed rooms) open theirs. */
  opened: [spaceId: string];
  /** A space's media is being torn down. */
  closing: [spaceId: string];
}

/**
 * Taps on a room's mix (the HLS packagers): an `rtp_forward` made on the
 * node that carries the space, so a tap holds a forwarder id, never a Janus
 * handle.
 */
export interface MixForwarding {
  /** Forwards the mix of a space's room to a UDP target; resolves with the forwarder's id. */
  forwardMix(spaceId: string, room: RoomId, target: ForwardTarget): Promise<number>;
  stopForwardingMix(spaceId: string, room: RoomId, forwarder: number): Promise<void>;
}

/** For tests and metrics: what a plane holds for a space. */
export interface SpaceMediaDescription {
  room: RoomId;
  mountpoint: MountpointId;
  /** The mix's forwarder into the mountpoint; null on a Salon node that joined another's room. */
  forwarder: number | null;
  publishers: string[];
  listeners: number;
}

/** What the rest of Salon uses of the media plane, on one Janus node or several. */
export interface MediaApi
  extends EventEmitter<MediaPlaneEvents>,
    Omit<FeedHost, 'on'>,
    MixForwarding {
  has(spaceId: string): boolean;
  open(spaceId: string): Promise<unknown>;
  close(spaceId: string): Promise<void>;
  publish(
    spaceId: string,
    userId: string,
    owner: number,
    offerSdp: string,
    muted: boolean,
  ): Promise<string>;
  unpublish(spaceId: string, userId: string): Promise<boolean>;
  setMuted(spaceId: string, userId: string, muted: boolean): Promise<void>;
  listen(spaceId: string, owner: number): Promise<string>;
  answerListen(spaceId: string, owner: number, answerSdp: string): Promise<void>;
  stopListening(spaceId: string, owner: number): Promise<void>;
  dropConnection(owner: number): Promise<Array<{ spaceId: string; userId: string }>>;
  listenerCounts(spaceId: string): { space: number; node: number };
  describe(spaceId: string): SpaceMediaDescription | null;
  /** For readiness: `ok` when every Janus node answers, `degraded` when some do, `down` when none. */
  health(): MediaHealth;
  shutdown(): Promise<void>;
}
