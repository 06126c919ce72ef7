import { FEED_CLIENT_MESSAGE_TYPES, type FeedServerMessage } from '@salon/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Viewer } from '../../accounts/viewer.js';
import type { Bus } from '../../bus/bus.js';
import { type CommitMessage, onCommits } from '../../bus/commits.js';
import { AppError } from '../../errors.js';
import type { GatewayExtension, RealtimeConnection } from '../../realtime/gateway.js';
import type { SpaceService } from '../../spaces/service.js';
import { mediaClientError } from '../client-errors.js';
import { EffectOrder } from '../effects.js';
import type { ListenSeats } from '../listen-seats.js';
import { sessionDescription, stageMember } from '../signaling.js';
import type { FeedRooms } from './rooms.js';
import type { ViewerKey } from './space.js';

/**
 * Signaling of per-speaker feeds on the realtime WebSocket (the `feed_*` and
 * `feeds_*` messages), and the rules that make feeds follow the space as the
 * mix does: only stage members publish a feed; a muted member's feed is
 * muted in Janus; demotion, removal and the end of the space cut it at once.
 * Watching takes a WebRTC seat, like listening to the mix.
 *
 * Stage members publish their feed only while it is wanted: a connection
 * that asked (`feed_standby`, answered with the state then) is told each
 * change (`feeds_wanted`), until its user leaves the stage or it goes away.
 * Extensions see only their own messages, not `media_publish` nor
 * `subscribe`, so the client asks, once its mix publication is answered.
 * The answer and the registration happen in the same turn, and every change
 * of the watchers is sent in the turn it happens: nothing falls in between.
 */
export class FeedSignaling implements GatewayExtension {
  readonly messageTypes = FEED_CLIENT_MESSAGE_TYPES;
  /** Janus refusals and timeouts reach the client as codes (invalid_sdp, media_timeout, …). */
  readonly explain = mediaClientError;
  private readonly connections = new Map<number, RealtimeConnection>();
  /** Per space: the connections told whether their feed is wanted, with what they were last told. */
  private readonly standby = new Map<string, Map<number, Standby>>();
  /** Commits of each space applied here, so one crossing another on the bus is not applied late. */
  private readonly order = new EffectOrder();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly o: {
      feeds: FeedRooms;
      spaces: SpaceService;
      /** Every node's commits come through it (bus/commits.ts). */
      bus: Bus;
      logger: FastifyBaseLogger;
      /** One listening seat per person per space, and the answer deadline (shared with the mix). */
      seats: ListenSeats;
    },
  ) {
    o.feeds.on('offer', ({ spaceId, owner, sdp, feeds }) => {
      const conn = this.connections.get(owner);
      if (!conn) return;
      conn.send({ type: 'feeds_offer', space_id: spaceId, sdp, feeds } satisfies FeedServerMessage);
      // Every offer is answered in time, or the watch ends and frees its seat.
      o.seats.offered(conn, spaceId, 'feeds');
    });
    o.feeds.on('watchers', (spaceId) => this.tellWanted(spaceId));
    o.feeds.on('stopped', ({ spaceId, owner, which, reason }) => {
      if (which === 'watch') o.seats.released(spaceId, owner, 'feeds');
      this.connections.get(owner)?.send({
        type: 'feeds_stopped',
        space_id: spaceId,
        which,
        reason,
      } satisfies FeedServerMessage);
    });
    this.unsubscribe = onCommits(o.bus, (commit) => {
      this.apply(commit).catch((error: unknown) =>
        o.logger.error({ err: error, space: commit.space_id }, 'feeds did not apply a change'),
      );
    });
  }

  async handle(
    conn: RealtimeConnection,
    message: { type: string; space_id: string } & Record<string, unknown>,
    requestId: string | undefined,
  ): Promise<void> {
    const spaceId = message.space_id;
    const reply = (m: FeedServerMessage) =>
      conn.send(requestId ? { ...m, request_id: requestId } : m);
    const feeds = this.o.feeds;
    this.connections.set(conn.id, conn);
    switch (message.type) {
      case 'feed_publish': {
        const offer = sessionDescription(message['sdp']);
        const { userId, muted } = await stageMember(this.o.spaces, conn.viewer, spaceId);
        const answer = await feeds.publish(spaceId, userId, conn.id, offer, muted);
        return reply({ type: 'feed_answer', space_id: spaceId, sdp: answer });
      }
      case 'feed_standby': {
        const { userId } = await stageMember(this.o.spaces, conn.viewer, spaceId);
        // Gone meanwhile: nothing to tell it any more.
        if (!this.connections.has(conn.id)) return;
        const wanted = feeds.wantedBy(spaceId, userId);
        let inSpace = this.standby.get(spaceId);
        if (!inSpace) {
          inSpace = new Map();
          this.standby.set(spaceId, inSpace);
        }
        inSpace.set(conn.id, { conn, userId, wanted });
        return reply({ type: 'feeds_wanted', space_id: spaceId, wanted });
      }
      case 'feed_unpublish': {
        if (conn.viewer.kind === 'user') await feeds.unpublish(spaceId, conn.viewer.user.id);
        return;
      }
      case 'feeds_watch': {
        const { state } = await this.o.spaces.admit(spaceId, conn.viewer, conn.device, false);
        if (state.state !== 'live')
          throw AppError.conflict('space_not_live', 'This space is not live.');
        const offer = await this.o.seats.claim(conn, spaceId, 'feeds', () =>
          feeds.watch(spaceId, conn.id, {
            viewer: viewerKey(conn.viewer),
            userId: conn.viewer.kind === 'user' ? conn.viewer.user.id : null,
          }),
        );
        // No feed is live yet: the client is watching, and the first offer follows.
        if (!offer) return reply({ type: 'feeds_watching', space_id: spaceId, feeds: [] });
        reply({ type: 'feeds_offer', space_id: spaceId, ...offer });
        return this.o.seats.offered(conn, spaceId, 'feeds');
      }
      case 'feeds_answer': {
        const watching = await feeds.answer(spaceId, conn.id, sessionDescription(message['sdp']));
        this.o.seats.answered(spaceId, conn.id, 'feeds');
        return reply({ type: 'feeds_watching', space_id: spaceId, feeds: watching });
      }
      case 'feeds_stop':
        this.o.seats.released(spaceId, conn.id, 'feeds');
        return feeds.stopWatching(spaceId, conn.id);
    }
  }

  /** Its person was removed from the space (from the bus, on every node): their watches and feed there end. */
  revoked(conn: RealtimeConnection, spaceId: string): void {
    const feeds = this.o.feeds;
    const viewer = viewerKey(conn.viewer);
    const userId = conn.viewer.kind === 'user' ? conn.viewer.user.id : null;
    if (userId) this.leaveStandby(spaceId, userId);
    this.o.seats.released(spaceId, conn.id, 'feeds');
    Promise.all([
      viewer ? feeds.stopWatchingViewer(spaceId, viewer, 'removed') : undefined,
      userId ? feeds.stopPublishing(spaceId, userId, 'removed') : undefined,
    ]).catch((error: unknown) => this.o.logger.error({ err: error }, 'feeds revocation failed'));
  }

  disconnected(conn: RealtimeConnection): void {
    if (!this.connections.delete(conn.id)) return;
    for (const [spaceId, inSpace] of this.standby) {
      inSpace.delete(conn.id);
      if (inSpace.size === 0) this.standby.delete(spaceId);
    }
    this.o.feeds
      .dropConnection(conn.id)
      .catch((error: unknown) => this.o.logger.error({ err: error }, 'feeds cleanup failed'));
  }

  /**
   * A committed change, from any node (this one included), applied to the
   * feeds this node holds (the end closes the feed room with the mix's room,
   * media/index.ts). Idempotent.
   */
  private async apply(commit: CommitMessage): Promise<void> {
    if (!this.order.accept(commit.space_id, commit.version)) return;
    const feeds = this.o.feeds;
    const spaceId = commit.space_id;
    for (const effect of commit.effects) {
      switch (effect.kind) {
        case 'mute':
          await feeds.setMuted(spaceId, effect.user_id, effect.muted);
          break;
        case 'unpublish':
          this.leaveStandby(spaceId, effect.user_id);
          await feeds.stopPublishing(spaceId, effect.user_id, effect.reason);
          break;
        case 'remove': {
          const who = effect.participant;
          if (who.kind === 'user') {
            this.leaveStandby(spaceId, who.id);
            await feeds.stopPublishing(spaceId, who.id, 'removed');
          }
          await feeds.stopWatchingViewer(spaceId, `${who.kind}:${who.id}`, 'removed');
          break;
        }
        case 'end':
          this.order.forget(spaceId);
          this.standby.delete(spaceId);
          break;
        case 'open':
          break;
      }
    }
  }

  close(): void {
    this.unsubscribe();
  }

  /** Tells each standing-by stage member of a space whose wanted state changed. */
  private tellWanted(spaceId: string): void {
    for (const entry of this.standby.get(spaceId)?.values() ?? []) {
      const wanted = this.o.feeds.wantedBy(spaceId, entry.userId);
      if (wanted === entry.wanted) continue;
      entry.wanted = wanted;
      entry.conn.send({
        type: 'feeds_wanted',
        space_id: spaceId,
        wanted,
      } satisfies FeedServerMessage);
    }
  }

  /** Off the stage: no more `feeds_wanted` (back on it, the client asks again). */
  private leaveStandby(spaceId: string, userId: string): void {
    const inSpace = this.standby.get(spaceId);
    if (!inSpace) return;
    for (const [id, entry] of inSpace) if (entry.userId === userId) inSpace.delete(id);
    if (inSpace.size === 0) this.standby.delete(spaceId);
  }
}

interface Standby {
  conn: RealtimeConnection;
  userId: string;
  /** What it was last told. */
  wanted: boolean;
}

function viewerKey(viewer: Viewer): ViewerKey | null {
  if (viewer.kind === 'user') return `user:${viewer.user.id}`;
  if (viewer.kind === 'guest') return `guest:${viewer.guestId}`;
  return null;
}
