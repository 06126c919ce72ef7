import type { FEED_CLIENT_MESSAGE_TYPES, FeedServerMessage } from '@salon/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Viewer } from '../../accounts/viewer.js';
import type { Bus } from '../../bus/bus.js';
import type { GatewayExtension, HandlersOf, RealtimeConnection } from '../../realtime/gateway.js';
import type { SpaceService } from '../../spaces/service.js';
import { mediaClientError } from '../client-errors.js';
import type { CommitMessage } from '../commits.js';
import { EffectOrder } from '../effects.js';
import type { ListenSeats } from '../listen-seats.js';
import {
  admitListener,
  applyCommits,
  noting,
  reply,
  sessionDescription,
  stageMember,
} from '../signaling.js';
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
  /** Janus refusals and timeouts reach the client as codes (invalid_sdp, media_timeout, …). */
  readonly explain = mediaClientError;
  // Before `handlers`, which reads it as it is built.
  private readonly connections = new Map<number, RealtimeConnection>();
  /** Per space: the connections told whether their feed is wanted, with what they were last told. */
  private readonly standby = new Map<string, Map<number, Standby>>();
  /** Commits of each space applied here, so one crossing another on the bus is not applied late. */
  private readonly order = new EffectOrder();
  private readonly unsubscribe: () => void;

  /** One handler per feeds message type, each reading its message as the schema checked it. */
  readonly handlers: HandlersOf<(typeof FEED_CLIENT_MESSAGE_TYPES)[number]> = {
    feed_publish: noting(this.connections, null, async (conn, m, requestId) => {
      const offer = sessionDescription(m.sdp);
      const { userId, muted } = await stageMember(this.o.spaces, conn.viewer, m.space_id);
      const answer = await this.o.feeds.publish(m.space_id, userId, conn.id, offer, muted);
      reply(conn, requestId, { type: 'feed_answer', space_id: m.space_id, sdp: answer });
    }),
    feed_standby: noting(this.connections, null, async (conn, m, requestId) => {
      const spaceId = m.space_id;
      const { userId } = await stageMember(this.o.spaces, conn.viewer, spaceId);
      // Gone meanwhile: nothing to tell it any more.
      if (!this.connections.has(conn.id)) return;
      const wanted = this.o.feeds.wantedBy(spaceId, userId);
      let inSpace = this.standby.get(spaceId);
      if (!inSpace) {
        inSpace = new Map();
        this.standby.set(spaceId, inSpace);
      }
      inSpace.set(conn.id, { conn, userId, wanted });
      reply(conn, requestId, { type: 'feeds_wanted', space_id: spaceId, wanted });
    }),
    feed_unpublish: noting(this.connections, null, async (conn, m) => {
      if (conn.viewer.kind === 'user')
        await this.o.feeds.unpublish(m.space_id, conn.viewer.user.id);
    }),
    feeds_watch: noting(this.connections, null, async (conn, m, requestId) => {
      const spaceId = m.space_id;
      await admitListener(this.o.spaces, conn, spaceId);
      const offer = await this.o.seats.claim(conn, spaceId, 'feeds', () =>
        this.o.feeds.watch(spaceId, conn.id, {
          viewer: viewerKey(conn.viewer),
          userId: conn.viewer.kind === 'user' ? conn.viewer.user.id : null,
        }),
      );
      // No feed is live yet: the client is watching, and the first offer follows.
      if (!offer)
        return reply(conn, requestId, { type: 'feeds_watching', space_id: spaceId, feeds: [] });
      reply(conn, requestId, { type: 'feeds_offer', space_id: spaceId, ...offer });
      this.o.seats.offered(conn, spaceId, 'feeds');
    }),
    feeds_answer: noting(this.connections, null, async (conn, m, requestId) => {
      const sdp = sessionDescription(m.sdp);
      const watching = await this.o.feeds.answer(m.space_id, conn.id, sdp);
      this.o.seats.answered(m.space_id, conn.id, 'feeds');
      reply(conn, requestId, { type: 'feeds_watching', space_id: m.space_id, feeds: watching });
    }),
    feeds_stop: noting(this.connections, null, (conn, m) => {
      this.o.seats.released(m.space_id, conn.id, 'feeds');
      return this.o.feeds.stopWatching(m.space_id, conn.id);
    }),
  };

  constructor(
    private readonly o: {
      feeds: FeedRooms;
      spaces: SpaceService;
      /** Every node's commits come through it (media/commits.ts). */
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
    this.unsubscribe = applyCommits(o, 'feeds did not apply a change', (commit) =>
      this.apply(commit),
    );
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
