import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../errors.js';
import type { TierCaps } from '../streams/caps.js';
import type { MediaPlaneEvents, SpaceMediaDescription } from './api.js';
import {
  AudioBridge,
  type ForwardTarget,
  type ParticipantId,
  type RoomId,
} from './janus/audiobridge.js';
import type { JanusConnection } from './janus/connection.js';
import { JanusSession } from './janus/session.js';
import { Streaming } from './janus/streaming.js';
import { makeOrJoinRoom, type RoomSetup } from './room-setup.js';
import { type SeatSource, Seats } from './seats.js';

/**
 * The media of every live space on one Janus: an AudioBridge room (the stage,
 * mixed), a Streaming mountpoint fed by the room's mix through `rtp_forward`
 * (the WebRTC listeners), one AudioBridge handle per publishing stage member
 * and one Streaming handle per listening connection.
 *
 * Janus is the source of truth for nothing: when it restarts (or the
 * connection drops) the plane reconnects, recreates the rooms of the spaces
 * it carries, and tells their clients to negotiate again.
 */
export interface MediaPlaneOptions {
  /** Opens a new API connection (to the embedded child or an external node). */
  connect(): Promise<JanusConnection>;
  logger: FastifyBaseLogger;
  /** Where mountpoints receive the forwarded mix: the Janus host as Janus sees it. */
  forwardHost?: string;
  /** Extra taps on each room's mix (the HLS packager): called once a room exists. */
  onRoomReady?: (spaceId: string, room: RoomId) => void;
  /** Before a room is torn down, while its mix still flows (the HLS packager flushes). */
  onRoomClosing?: (spaceId: string) => Promise<void>;
  /** WebRTC listener seats; past them `listen` is refused and the client uses HLS. */
  listenerCaps?: TierCaps;
  /**
   * Rooms shared by Salon nodes (media/homes.ts): a space's room id, the same on every node; one
   * that exists is joined (room-setup.ts); shutdown leaves rooms. Unset: each node makes its own.
   */
  roomFor?: (spaceId: string) => RoomId;
  /** Before rebuilding a space after the node came back: whether it is still this node's. */
  keep?: (spaceId: string) => Promise<boolean>;
}

interface Publisher {
  id: ParticipantId;
  bridge: AudioBridge;
  /** The realtime connection that negotiated it. */
  owner: number;
}

interface SpaceMedia {
  room: RoomId;
  mountpoint: RoomSetup['mountpoint'];
  forwarder: RoomSetup['forwarder'];
  publishers: Map<string, Publisher>;
  listeners: Map<number, Streaming>;
  /** Server-side mute state per user, applied to every (re)publication. */
  muted: Map<string, boolean>;
}

interface Link {
  connection: JanusConnection;
  session: JanusSession;
  control: AudioBridge;
  streaming: Streaming;
}

let nextRoom = Math.floor(Math.random() * 1_000_000) * 1000;

export class MediaPlane extends EventEmitter<MediaPlaneEvents> {
  static async start(options: MediaPlaneOptions): Promise<MediaPlane> {
    const plane = new MediaPlane(options);
    plane.link = await plane.openLink();
    return plane;
  }

  /** A plane for a node that does not answer yet: it keeps trying, and is `up` once connected. */
  static connecting(options: MediaPlaneOptions): MediaPlane {
    const plane = new MediaPlane(options);
    plane.relink();
    return plane;
  }

  /** Unset only while a plane made by `connecting` has never reached its node. */
  private link!: Link;
  private readonly spaces = new Map<string, SpaceMedia>();
  /** Spaces whose rooms died with the link: rebuilt when it is back, unless released first. */
  private readonly orphans = new Set<string>();
  private readonly opening = new Map<string, Promise<SpaceMedia>>();
  /** Random per process: Salon nodes sharing a room must not pick the same participant ids. */
  private nextParticipant = randomInt(1, 2 ** 40);
  private closed = false;
  /** WebRTC seats: this plane's listeners of the mix and the sources it counts (the feeds). */
  private readonly seats: Seats;
  /** The whole recovery: reconnecting, then rebuilding rooms. Null while the node is up. */
  private relinking: Promise<void> | null = null;
  /**
   * Settles once a live link is installed (or the plane closes). Requests wait
   * for this, never for `relinking`: the rebuild itself opens rooms, so a
   * request that waited for the rebuild while the rebuild waited for that
   * request's room would wait forever.
   */
  private linked: Promise<void> = Promise.resolve();
  private announceLinked: (next?: Promise<void>) => void = () => {};
  /** Set when a link is lost while a recovery runs: it goes round again. */
  private lostAgain = false;

  private constructor(private readonly o: MediaPlaneOptions) {
    super();
    const mix: SeatSource = {
      holders: (spaceId) => this.spaces.get(spaceId)?.listeners.keys() ?? [],
      spaceIds: () => this.spaces.keys(),
    };
    this.seats = new Seats(mix, o.listenerCaps);
  }

  private async openLink(): Promise<Link> {
    const connection = await this.o.connect();
    try {
      const session = await JanusSession.create(connection);
      const control = await AudioBridge.attach(session);
      const streaming = await Streaming.attach(session);
      connection.once('closed', () => this.relink());
      return { connection, session, control, streaming };
    } catch (error) {
      connection.close();
      throw error;
    }
  }

  /** After Janus went away: reconnect, rebuild every room, ask clients to renegotiate. */
  private relink(): void {
    if (this.closed) return;
    for (const id of this.spaces.keys()) this.orphans.add(id);
    this.spaces.clear();
    this.opening.clear();
    if (this.relinking) {
      // Lost again while recovering (Janus died during the rebuild): go round once more.
      this.lostAgain = true;
      this.unlink();
      return;
    }
    this.unlink();
    this.relinking = this.recover().finally(() => {
      this.relinking = null;
    });
    this.emit('down');
  }

  /** Requests from now on wait for the next link. */
  private unlink(): void {
    let settle: (next?: Promise<void>) => void = () => {};
    const next = new Promise<void>((resolve) => {
      settle = (value) => resolve(value);
    });
    const previous = this.announceLinked;
    this.linked = next;
    this.announceLinked = settle;
    // Whoever still waits on the previous promise now waits for the next link.
    previous(next);
  }

  private async recover(): Promise<void> {
    const rebuilt = new Set<string>();
    do {
      this.lostAgain = false;
      const link = await this.connectUntilUp();
      if (!link) return;
      this.link = link;
      this.announceLinked();
      if (link.connection.closed) {
        this.lostAgain = true;
        continue;
      }
      const carried: string[] = [];
      for (const id of [...this.orphans]) {
        // Moved or closed by another node meanwhile: not this node's to rebuild.
        const keep = this.o.keep ? await this.o.keep(id).catch(() => true) : true;
        if (keep) carried.push(id);
        this.orphans.delete(id);
      }
      this.o.logger.warn({ spaces: carried.length }, 'media server reconnected; rebuilding rooms');
      await Promise.all(
        carried.map((id) =>
          this.open(id, link).then(
            () => rebuilt.add(id),
            (error: unknown) => {
              // Not rebuilt now (the link died, or Janus refused): rebuilt on the next round, or
              // by the first request for it.
              if (link.connection.closed) this.orphans.add(id);
              this.o.logger.warn({ err: error, spaceId: id }, 'rebuilding a room failed');
            },
          ),
        ),
      );
    } while (this.lostAgain && !this.closed);
    if (!this.closed && rebuilt.size > 0) this.emit('reset', [...rebuilt]);
  }

  /** Tries to reach the node with backoff until it answers; null when the plane closes first. */
  private async connectUntilUp(): Promise<Link | null> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        const link = await this.openLink();
        if (this.closed) {
          // Shut down while connecting: this link is nobody's.
          link.connection.close();
          return null;
        }
        return link;
      } catch {
        await sleep(Math.min(100 * 2 ** attempt, 2000));
      }
    }
    return null;
  }

  /**
   * While the node is away: gives up (returns) the spaces whose rooms died with it, so that they
   * are not rebuilt here when it returns (a cluster moved them); none once the node is back.
   */
  release(): string[] {
    const released = [...this.orphans];
    this.orphans.clear();
    return released;
  }

  /** Waits for a reconnection in progress, so requests go to the live Janus. */
  private async ready(): Promise<Link> {
    await this.linked;
    if (this.closed)
      throw new AppError('unavailable', 'media_unavailable', 'The media server is stopping.');
    return this.link;
  }

  has(spaceId: string): boolean {
    return this.spaces.has(spaceId);
  }

  /** The Janus session requests go to now (after a reconnection in progress); one node carries every space. */
  async session(_spaceId?: string): Promise<JanusSession> {
    return (await this.ready()).session;
  }

  /** The room, mountpoint and forwarder of a space; created once. */
  open(spaceId: string, link?: Link): Promise<SpaceMedia> {
    const known = this.spaces.get(spaceId);
    if (known) return Promise.resolve(known);
    let opening = this.opening.get(spaceId);
    if (!opening) {
      const created: Promise<SpaceMedia> = this.create(spaceId, link).finally(() => {
        // A lost link clears the map; a newer opening of the same space stays.
        if (this.opening.get(spaceId) === created) this.opening.delete(spaceId);
      });
      opening = created;
      this.opening.set(spaceId, opening);
    }
    return opening;
  }

  private async create(spaceId: string, given?: Link): Promise<SpaceMedia> {
    const link = given ?? (await this.ready());
    const shared = this.o.roomFor?.(spaceId);
    nextRoom += 1;
    const { room, mountpoint, forwarder } = await makeOrJoinRoom(link, {
      spaceId,
      room: shared ?? nextRoom,
      shared: shared !== undefined,
      forwardHost: this.o.forwardHost ?? '127.0.0.1',
    });
    if (link !== this.link || link.connection.closed) {
      // Built on a link that has since died: the recovery rebuilds it on the new one.
      throw new AppError('unavailable', 'media_unavailable', 'The media server restarted.');
    }
    const media: SpaceMedia = {
      room,
      mountpoint,
      forwarder,
      publishers: new Map(),
      listeners: new Map(),
      muted: new Map(),
    };
    this.spaces.set(spaceId, media);
    this.o.onRoomReady?.(spaceId, room);
    this.emit('opened', spaceId);
    return media;
  }

  /** Tears a space's media down: publishers, listeners, forwarder, mountpoint, room. Idempotent. */
  async close(spaceId: string, destroy = true): Promise<void> {
    // Ended while the node was away: not rebuilt when it returns.
    this.orphans.delete(spaceId);
    const media =
      this.spaces.get(spaceId) ?? (await this.opening.get(spaceId)?.catch(() => undefined));
    if (!media) return;
    this.spaces.delete(spaceId);
    this.emit('closing', spaceId);
    await this.o.onRoomClosing?.(spaceId).catch(() => undefined);
    const { control, streaming } = this.link;
    await Promise.all(
      [...media.publishers.values()].map((p) => p.bridge.close().catch(() => undefined)),
    );
    await Promise.all([...media.listeners.values()].map((l) => l.close().catch(() => undefined)));
    if (!destroy) return;
    if (media.forwarder !== null)
      await control.stopRtpForward(media.room, media.forwarder).catch(() => undefined);
    await streaming.destroyMountpoint(media.mountpoint.id).catch(() => undefined);
    await control.destroyRoom(media.room).catch(() => undefined);
  }

  /**
   * A stage member publishes (or again after a reconnect), replacing their previous publication.
   * Starts muted when the space says they are muted, so nothing leaks before the mute lands.
   */
  async publish(
    spaceId: string,
    userId: string,
    owner: number,
    offerSdp: string,
    muted: boolean,
  ): Promise<string> {
    const media = await this.open(spaceId);
    const { session } = await this.ready();
    await this.unpublish(spaceId, userId);
    media.muted.set(userId, muted);
    const bridge = await AudioBridge.attach(session);
    const id = this.nextParticipant++;
    const publisher: Publisher = { id, bridge, owner };
    try {
      await bridge.join(media.room, { id, display: userId, muted });
      bridge.on('talking', (change) => {
        // Every participant's handle hears everyone's verdicts; each reports its own.
        if (change.id === id) this.emit('speaking', { spaceId, userId, speaking: change.talking });
      });
      media.publishers.set(userId, publisher);
      const answer = await bridge.publish({ type: 'offer', sdp: offerSdp }, { muted });
      // The mute state may have changed while negotiating.
      if (media.muted.get(userId) !== muted)
        await this.setMuted(spaceId, userId, media.muted.get(userId) ?? true);
      return answer.sdp ?? '';
    } catch (error) {
      media.publishers.delete(userId);
      await bridge.close().catch(() => undefined);
      throw error;
    }
  }

  /** Cuts a stage member's audio out of the mix at once. */
  async unpublish(spaceId: string, userId: string): Promise<boolean> {
    const media = this.spaces.get(spaceId);
    const publisher = media?.publishers.get(userId);
    if (!media || !publisher) return false;
    media.publishers.delete(userId);
    await this.link.control.kick(media.room, publisher.id).catch(() => undefined);
    await publisher.bridge.close().catch(() => undefined);
    return true;
  }

  /** Server-side mute: a muted member is not mixed, whatever their client sends. */
  async setMuted(spaceId: string, userId: string, muted: boolean): Promise<void> {
    const media = this.spaces.get(spaceId);
    if (!media) return;
    media.muted.set(userId, muted);
    const publisher = media.publishers.get(userId);
    if (!publisher) return;
    const { control } = await this.ready();
    if (muted) await control.mute(media.room, publisher.id);
    else await control.unmute(media.room, publisher.id);
  }

  /** A WebRTC listener: Janus's offer for the mix. */
  async listen(spaceId: string, owner: number): Promise<string> {
    const media = await this.open(spaceId);
    const { session } = await this.ready();
    this.claimSeat(spaceId, owner);
    await this.stopListening(spaceId, owner);
    const streaming = await Streaming.attach(session);
    media.listeners.set(owner, streaming);
    try {
      const offer = await streaming.watch(media.mountpoint.id);
      return offer.sdp ?? '';
    } catch (error) {
      media.listeners.delete(owner);
      await streaming.close().catch(() => undefined);
      throw error;
    }
  }

  async answerListen(spaceId: string, owner: number, answerSdp: string): Promise<void> {
    const streaming = this.spaces.get(spaceId)?.listeners.get(owner);
    if (!streaming) throw AppError.conflict('not_listening', 'Ask to listen first (media_listen).');
    await streaming.start({ type: 'answer', sdp: answerSdp });
  }

  /** Whether this connection listens to the space's mix here. */
  listens(spaceId: string, owner: number): boolean {
    return this.spaces.get(spaceId)?.listeners.has(owner) ?? false;
  }

  async stopListening(spaceId: string, owner: number): Promise<void> {
    const media = this.spaces.get(spaceId);
    const streaming = media?.listeners.get(owner);
    if (!media || !streaming) return;
    media.listeners.delete(owner);
    await streaming.close().catch(() => undefined);
  }

  /** A realtime connection went away: its publications and listens end. */
  async dropConnection(owner: number): Promise<Array<{ spaceId: string; userId: string }>> {
    const dropped: Array<{ spaceId: string; userId: string }> = [];
    for (const [spaceId, media] of this.spaces) {
      for (const [userId, publisher] of media.publishers) {
        if (publisher.owner !== owner) continue;
        dropped.push({ spaceId, userId });
        await this.unpublish(spaceId, userId);
      }
      await this.stopListening(spaceId, owner);
    }
    return dropped;
  }

  /** WebRTC seats of a space (people), and what every space's seats cost this node (seats.ts). */
  listenerCounts(spaceId: string): { space: number; node: number } {
    return this.seats.counts(spaceId);
  }

  /** Refuses a new WebRTC seat past the caps (`webrtc_full`: HLS then); a holder keeps theirs. */
  claimSeat(spaceId: string, owner: number): void {
    this.seats.claim(spaceId, owner);
  }

  /** Counts another source's seats against the same caps. */
  countSeats(source: SeatSource): void {
    this.seats.add(source);
  }

  /** For tests and metrics: what this plane holds for a space. */
  describe(spaceId: string): SpaceMediaDescription | null {
    const media = this.spaces.get(spaceId);
    if (!media) return null;
    return {
      room: media.room,
      mountpoint: media.mountpoint.id,
      forwarder: media.forwarder,
      publishers: [...media.publishers.keys()],
      listeners: media.listeners.size,
    };
  }

  /** False while the Janus node is away (reconnecting): a cluster places no new space here. */
  get up(): boolean {
    return this.relinking === null && !this.closed;
  }

  /** For readiness: reconnecting or rebuilding its rooms is down. */
  health(): 'ok' | 'down' {
    return this.up ? 'ok' : 'down';
  }

  /** What this node carries, for placement: rooms, publishers and WebRTC seats (mix and feeds). */
  get load(): number {
    let load = this.opening.size + this.seats.load();
    for (const media of this.spaces.values()) load += 1 + media.publishers.size;
    return load;
  }

  /** Forwards a room's mix to a UDP target (an HLS packager, a relay). */
  forwardMix(_spaceId: string, room: RoomId, target: ForwardTarget): Promise<number> {
    return this.link.control.rtpForward(room, target);
  }

  async stopForwardingMix(_spaceId: string, room: RoomId, forwarder: number): Promise<void> {
    await this.link.control.stopRtpForward(room, forwarder);
  }

  /** The control handles: relays of the mix (relays.ts) and leak checks in tests. */
  get control(): { audioBridge: AudioBridge; streaming: Streaming } {
    return { audioBridge: this.link.control, streaming: this.link.streaming };
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    // Shared rooms stay for the other Salon nodes (and for this one, back); only its handles go.
    const destroy = this.o.roomFor === undefined;
    for (const id of [...this.spaces.keys()]) await this.close(id, destroy).catch(() => undefined);
    this.closed = true;
    this.orphans.clear();
    this.announceLinked();
    if (!this.link) return; // never reached its node
    await this.link.session.destroy().catch(() => undefined);
    await this.link.connection.close();
  }
}
