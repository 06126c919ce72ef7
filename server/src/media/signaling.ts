import type {
  FeedServerMessage,
  MEDIA_CLIENT_MESSAGE_TYPES,
  MediaServerMessage,
} from '@salon/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { AccountService } from '../accounts/service.js';
import type { Viewer } from '../accounts/viewer.js';
import type { Bus } from '../bus/bus.js';
import { publishToSpace, type SpaceMessage } from '../bus/space-channel.js';
import { AppError } from '../errors.js';
import type {
  ExtensionHandler,
  ExtensionMessageType,
  GatewayExtension,
  HandlersOf,
  RealtimeConnection,
} from '../realtime/gateway.js';
import { leaveStage, type SpaceEvent, type SpaceState } from '../spaces/model.js';
import type { SpaceService } from '../spaces/service.js';
import type { MediaApi } from './api.js';
import { mediaClientError } from './client-errors.js';
import { type CommitMessage, onCommits } from './commits.js';
import { EffectOrder, effectsOf } from './effects.js';
import type { ListenSeats } from './listen-seats.js';

/** How long a stage member whose connection dropped keeps their seat. */
export const DEFAULT_STAGE_GRACE_MS = 60_000;
const MAX_SDP = 64 * 1024;

/**
 * Media signaling on the realtime WebSocket, and the rules that make the
 * stage's audio follow the space: only stage members publish; mutes,
 * demotions, removals and the end of a space take effect in the media server
 * at once, whatever a client keeps sending.
 */
export class MediaSignaling implements GatewayExtension {
  /** Janus refusals and timeouts reach the client as codes (invalid_sdp, media_timeout, …). */
  readonly explain = mediaClientError;
  // Before `handlers`, which reads it as it is built.
  private readonly connections = new Map<number, RealtimeConnection>();
  /** The connections that sent media messages about each space (told of its resets). */
  private readonly inSpace = new Map<string, Set<number>>();
  /** Publishers whose connection dropped: their seat is released if they do not come back. */
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();
  /** Commits of each space applied here, so one crossing another on the bus is not applied late. */
  private readonly order = new EffectOrder();
  private readonly unsubscribe: () => void;

  // The feeds' handlers (feeds/signaling.ts) are alike in shape only: another plane (the VideoRoom's feeds, not the AudioBridge's mix) and its own seat kind.
  /** One handler per media message type, each reading its message as the schema checked it. */
  readonly handlers: HandlersOf<(typeof MEDIA_CLIENT_MESSAGE_TYPES)[number]> = {
    media_publish: noting(this.connections, this.inSpace, async (conn, m, requestId) => {
      const offer = sessionDescription(m.sdp);
      const { userId, muted } = await stageMember(this.o.spaces, conn.viewer, m.space_id);
      this.clearGrace(m.space_id, userId);
      const answer = await this.o.plane.publish(m.space_id, userId, conn.id, offer, muted);
      reply(conn, requestId, { type: 'media_answer', space_id: m.space_id, sdp: answer });
    }),
    media_unpublish: noting(this.connections, this.inSpace, async (conn, m) => {
      const userId = conn.viewer.kind === 'user' ? conn.viewer.user.id : null;
      if (userId && (await this.o.plane.unpublish(m.space_id, userId)))
        this.silence(m.space_id, userId);
    }),
    media_listen: noting(this.connections, this.inSpace, async (conn, m, requestId) => {
      const spaceId = m.space_id;
      await admitListener(this.o.spaces, conn, spaceId);
      const offer = await this.o.seats.claim(conn, spaceId, 'mix', () =>
        this.o.plane.listen(spaceId, conn.id),
      );
      reply(conn, requestId, { type: 'media_offer', space_id: spaceId, sdp: offer });
      this.o.seats.offered(conn, spaceId, 'mix');
    }),
    media_listen_answer: noting(this.connections, this.inSpace, async (conn, m, requestId) => {
      await this.o.plane.answerListen(m.space_id, conn.id, sessionDescription(m.sdp));
      this.o.seats.answered(m.space_id, conn.id, 'mix');
      reply(conn, requestId, { type: 'media_listening', space_id: m.space_id });
    }),
    media_stop_listening: noting(this.connections, this.inSpace, (conn, m) => {
      this.o.seats.released(m.space_id, conn.id, 'mix');
      return this.o.plane.stopListening(m.space_id, conn.id);
    }),
  };

  constructor(
    private readonly o: {
      plane: MediaApi;
      spaces: SpaceService;
      accounts: AccountService;
      bus: Bus;
      logger: FastifyBaseLogger;
      /** One listening seat per person per space, and the answer deadline (shared with feeds). */
      seats: ListenSeats;
      stageGraceMs?: number;
      /** Told every speaking change this node decides (the replay's speaker timeline). */
      speaking?: (change: { spaceId: string; userId: string; speaking: boolean }) => void;
    },
  ) {
    o.plane.on('speaking', ({ spaceId, userId, speaking }) => {
      o.speaking?.({ spaceId, userId, speaking });
      this.broadcast({ type: 'speaking', space_id: spaceId, user_id: userId, speaking });
    });
    o.plane.on('reset', (spaceIds) => {
      // This node's connections only: their handles were on this node's planes. Every Salon
      // node rebuilds its own (and says so to its own), so a client hears one restart, not
      // one per node, and does not start over while its node is still rebuilding.
      for (const spaceId of spaceIds) {
        for (const id of this.inSpace.get(spaceId) ?? []) {
          this.connections.get(id)?.send({ type: 'media_restart', space_id: spaceId });
        }
      }
    });
    o.spaces.onCommitted((state, events) => {
      this.announce(state, events).catch((error: unknown) =>
        o.logger.error({ err: error, space: state.id }, 'media did not follow a space change'),
      );
    });
    this.unsubscribe = applyCommits(o, 'media did not apply a change', (commit) =>
      this.apply(commit),
    );
  }

  /**
   * Its person was removed from the space (the gateway says so on every node,
   * from the bus): what this connection listens to there ends, and so does a
   * publication held on this node.
   */
  revoked(conn: RealtimeConnection, spaceId: string): void {
    const userId = conn.viewer.kind === 'user' ? conn.viewer.user.id : null;
    this.o.seats.released(spaceId, conn.id, 'mix');
    Promise.all([
      this.o.plane.stopListening(spaceId, conn.id),
      userId ? this.o.plane.unpublish(spaceId, userId) : false,
    ])
      .then(([, unpublished]) => {
        if (unpublished) conn.send({ type: 'media_stopped', space_id: spaceId, reason: 'removed' });
      })
      .catch((error: unknown) => this.o.logger.error({ err: error }, 'media revocation failed'));
  }

  disconnected(conn: RealtimeConnection): void {
    this.connections.delete(conn.id);
    forgetConnection(this.inSpace, conn.id);
    this.o.seats.dropConnection(conn.id);
    this.o.plane
      .dropConnection(conn.id)
      .then((dropped) => {
        for (const { spaceId, userId } of dropped) {
          // Their audio is gone: nobody may keep seeing them speak until they publish again.
          this.silence(spaceId, userId);
          this.startGrace(spaceId, userId);
        }
      })
      .catch((error: unknown) => this.o.logger.error({ err: error }, 'media cleanup failed'));
  }

  /**
   * The node that committed a change: what only it does, once for the
   * cluster. The room opens when the space goes live; everyone is told the
   * media ended, or that someone who left the stage stopped speaking.
   */
  private async announce(state: SpaceState, events: SpaceEvent[]): Promise<void> {
    for (const effect of effectsOf(state, events)) {
      if (effect.kind === 'open') await this.o.plane.open(state.id);
      if (effect.kind === 'end')
        this.broadcast({
          type: 'media_stopped',
          space_id: state.id,
          reason: 'space_ended',
        });
      if (effect.kind === 'unpublish') this.silence(state.id, effect.user_id);
    }
  }

  /**
   * A committed change, from any node (this one included), applied to what
   * this node holds of the space: whichever node carries a speaker's handle
   * enforces their mute, demotion, removal or the end. Idempotent.
   */
  private async apply(commit: CommitMessage): Promise<void> {
    if (!this.order.accept(commit.space_id, commit.version)) return;
    const plane = this.o.plane;
    const spaceId = commit.space_id;
    for (const effect of commit.effects) {
      switch (effect.kind) {
        case 'mute':
          await plane.setMuted(spaceId, effect.user_id, effect.muted);
          break;
        case 'unpublish':
          if (await plane.unpublish(spaceId, effect.user_id))
            this.tellUser(effect.user_id, {
              type: 'media_stopped',
              space_id: spaceId,
              reason: effect.reason,
            });
          break;
        case 'remove':
          if (
            effect.participant.kind === 'user' &&
            (await plane.unpublish(spaceId, effect.participant.id))
          )
            this.tellUser(effect.participant.id, {
              type: 'media_stopped',
              space_id: spaceId,
              reason: 'removed',
            });
          break;
        case 'end':
          this.order.forget(spaceId);
          await plane.close(spaceId);
          break;
        case 'open':
          break;
      }
    }
  }

  private startGrace(spaceId: string, userId: string): void {
    const key = `${spaceId}:${userId}`;
    clearTimeout(this.graceTimers.get(key));
    const timer = setTimeout(() => {
      this.graceTimers.delete(key);
      this.releaseSeat(spaceId, userId).catch((error: unknown) =>
        this.o.logger.error({ err: error }, 'releasing a dropped seat failed'),
      );
    }, this.o.stageGraceMs ?? DEFAULT_STAGE_GRACE_MS);
    timer.unref();
    this.graceTimers.set(key, timer);
  }

  private clearGrace(spaceId: string, userId: string): void {
    const key = `${spaceId}:${userId}`;
    clearTimeout(this.graceTimers.get(key));
    this.graceTimers.delete(key);
  }

  /** A stage member did not come back in time: they leave the stage, as if they had tapped Leave. */
  private async releaseSeat(spaceId: string, userId: string): Promise<void> {
    const state = await this.o.spaces.get(spaceId);
    const member = state.stage.find((m) => m.user_id === userId);
    if (state.state !== 'live' || !member || member.role === 'host') return;
    const user = await this.o.accounts.findById(userId);
    if (!user) return;
    await this.o.spaces.run({ kind: 'user', user, sessionId: '' }, spaceId, leaveStage, {});
  }

  /** Turns someone's speaking indicator off everywhere (the level events stop with their media). */
  private silence(spaceId: string, userId: string): void {
    this.o.speaking?.({ spaceId, userId, speaking: false });
    this.broadcast({
      type: 'speaking',
      space_id: spaceId,
      user_id: userId,
      speaking: false,
    });
  }

  private broadcast(message: SpaceMessage & MediaServerMessage): void {
    publishToSpace(this.o.bus, message);
  }

  private tellUser(userId: string, message: MediaServerMessage): void {
    for (const conn of this.connections.values()) {
      if (conn.viewer.kind === 'user' && conn.viewer.user.id === userId) conn.send(message);
    }
  }

  close(): void {
    this.unsubscribe();
    for (const timer of this.graceTimers.values()) clearTimeout(timer);
    this.graceTimers.clear();
  }
}

/** Checks an SDP sent by a client (offer or answer) before it goes anywhere near Janus. */
export function sessionDescription(value: unknown): string {
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > MAX_SDP ||
    !value.startsWith('v=0')
  ) {
    throw AppError.invalid(
      'invalid_sdp',
      'sdp must be a session description (v=0 …), at most 64 KiB.',
    );
  }
  // Janus's JSON parser drops a message with a NUL or a lone surrogate in it without a
  // word, so the request would only time out (10 s): refuse them here, at once.
  if (UNSENDABLE.test(value)) {
    throw AppError.invalid(
      'invalid_sdp',
      'sdp must be text: no control characters but line ends and tabs, no unpaired surrogates.',
    );
  }
  return value;
}

const UNSENDABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * A handler that first notes its message's connection, as every message of
 * the mix's and the feeds' does: their later events (a stop, an offer) reach
 * it by id.
 */
export function noting<T extends ExtensionMessageType>(
  connections: Map<number, RealtimeConnection>,
  inSpace: Map<string, Set<number>> | null,
  handler: ExtensionHandler<T>,
): ExtensionHandler<T> {
  return (conn, m, requestId) => {
    connections.set(conn.id, conn);
    const spaceId = (m as { space_id?: unknown }).space_id;
    if (inSpace && typeof spaceId === 'string') {
      const ids = inSpace.get(spaceId) ?? new Set<number>();
      inSpace.set(spaceId, ids);
      ids.add(conn.id);
    }
    return handler(conn, m, requestId);
  };
}

/** A connection gone: it is no longer noted in any space. */
export function forgetConnection(inSpace: Map<string, Set<number>>, id: number): void {
  for (const [spaceId, ids] of inSpace) {
    if (ids.delete(id) && ids.size === 0) inSpace.delete(spaceId);
  }
}

/** Answers a request of the mix or the feeds, with its id when it had one (so the router sends no ack). */
export function reply(
  conn: RealtimeConnection,
  requestId: string | undefined,
  message: MediaServerMessage | FeedServerMessage,
): void {
  conn.send(requestId ? { ...message, request_id: requestId } : message);
}

/** Has every node's commits applied with `apply` (the mix's and the feeds' effects), a failure logged. */
export function applyCommits(
  o: { bus: Bus; logger: FastifyBaseLogger },
  failure: string,
  apply: (commit: CommitMessage) => Promise<void>,
): () => void {
  return onCommits(o.bus, (commit) => {
    apply(commit).catch((error: unknown) =>
      o.logger.error({ err: error, space: commit.space_id }, failure),
    );
  });
}

/** Whoever the space admits listens (to the mix, or to the feeds), once it is live. */
export async function admitListener(
  spaces: SpaceService,
  conn: RealtimeConnection,
  spaceId: string,
): Promise<void> {
  const { state } = await spaces.admit(spaceId, conn.viewer, conn.device, false);
  if (state.state !== 'live') throw AppError.conflict('space_not_live', 'This space is not live.');
}

/**
 * Only current stage members of a live space publish (to the mix or as a
 * feed); the space says whether they start muted.
 */
export async function stageMember(spaces: SpaceService, viewer: Viewer, spaceId: string) {
  if (viewer.kind !== 'user') {
    throw AppError.forbidden(
      viewer.kind === 'guest' ? 'guest_not_allowed' : 'unauthenticated',
      'Only people on the stage can speak.',
    );
  }
  // Read current, not from a cache another node's commit may not have reached yet.
  const state = await spaces.get(spaceId, true);
  if (state.state !== 'live') throw AppError.conflict('space_not_live', 'This space is not live.');
  const member = state.stage.find((m) => m.user_id === viewer.user.id);
  if (!member)
    throw AppError.forbidden(
      'not_on_stage',
      'Only people on the stage can speak. Ask to speak first.',
    );
  return { userId: member.user_id, muted: member.muted };
}
