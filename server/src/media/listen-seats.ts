import type { FeedServerMessage, MediaServerMessage } from '@salon/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Viewer } from '../accounts/viewer.js';
import { AppError } from '../errors.js';
import type { RealtimeConnection } from '../realtime/gateway.js';

/**
 * Listens of one person in one space waiting their turn, at most: a socket
 * sending `media_listen` in a loop must not grow a queue without end.
 */
export const MAX_PENDING_LISTENS = 4;

/** What a listening seat carries: the mix (`media_listen`) or the per-speaker feeds (`feeds_watch`). */
export type SeatKind = 'mix' | 'feeds';

export interface ListenSeatsOptions {
  /** How long an offer may wait for its answer before its seat is freed (WEBRTC_ANSWER_SECONDS). */
  answerTimeoutMs: number;
  /** Ends a connection's listen of one kind in a space: frees its seat and its Janus handle. Idempotent. */
  stop(spaceId: string, owner: number, kind: SeatKind): Promise<void>;
  /** A connection's seats in a space changed (a listen or watch began or ended). */
  changed?(spaceId: string): void;
  logger: FastifyBaseLogger;
}

interface Holder {
  conn: RealtimeConnection;
  kinds: Set<SeatKind>;
}

/** Who holds seats: one person (user id) or guest (guest id) however many tabs they open. */
export function seatKey(viewer: Viewer): string | null {
  if (viewer.kind === 'user') return `user:${viewer.user.id}`;
  if (viewer.kind === 'guest') return `guest:${viewer.guestId}`;
  return null;
}

/**
 * One WebRTC listening seat per person per space, across their connections,
 * and a deadline on every offer.
 *
 * A seat belongs to a connection (the plane and the feed rooms count them by
 * connection); this is the layer that knows whose connection it is. When a
 * person's second tab listens, the newest wins, as a person switching tabs
 * expects: the older tab's listen ends and it is told (`listening_elsewhere`,
 * and moves to HLS), so one guest token with 300 sockets holds one seat.
 * Listens of one person in one space run one after another, so that many
 * sockets asking at once cannot all hold a seat while each waits for Janus.
 *
 * An offer (`media_offer`, `feeds_offer`) not answered within
 * `answerTimeoutMs` frees its seat and tears down its Janus handle; the
 * connection is told (`answer_timeout`). Nothing is held for a client that
 * never answers.
 */
export class ListenSeats {
  /** Per space, per person: the connection holding their seat, and what it receives. */
  private readonly holders = new Map<string, Map<string, Holder>>();
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Claims queued or running per person and space. */
  private readonly pending = new Map<string, number>();
  private readonly deadlines = new Map<string, NodeJS.Timeout>();

  constructor(private readonly o: ListenSeatsOptions) {}

  /**
   * Runs `work` (the listen or watch that takes the seat) as the viewer's one
   * seat in the space: after their other connection's listens there ended.
   * Anonymous viewers are not admitted to listen (the policy), so they have
   * no key; their work runs as is.
   */
  claim<T>(conn: RealtimeConnection, spaceId: string, kind: SeatKind, work: () => Promise<T>) {
    const key = seatKey(conn.viewer);
    if (!key) return work();
    const turn = `${spaceId} ${key}`;
    const waiting = this.pending.get(turn) ?? 0;
    if (waiting >= MAX_PENDING_LISTENS) {
      return Promise.reject(
        new AppError(
          'rate_limited',
          'listen_busy',
          'Your last listen in this space is still being set up; wait for its answer.',
        ),
      );
    }
    this.pending.set(turn, waiting + 1);
    const done = () => {
      const left = (this.pending.get(turn) ?? 1) - 1;
      if (left <= 0) this.pending.delete(turn);
      else this.pending.set(turn, left);
    };
    return this.serially(turn, async () => {
      const inSpace = this.space(spaceId);
      const previous = inSpace.get(key);
      if (previous && previous.conn.id !== conn.id) {
        inSpace.delete(key);
        await this.end(spaceId, previous, 'listening_elsewhere');
      }
      const result = await work();
      const holder = inSpace.get(key);
      if (holder?.conn.id === conn.id) holder.kinds.add(kind);
      else inSpace.set(key, { conn, kinds: new Set([kind]) });
      this.o.changed?.(spaceId);
      return result;
    }).finally(done);
  }

  /** An offer went to the connection: its answer is due within the deadline. */
  offered(conn: RealtimeConnection, spaceId: string, kind: SeatKind): void {
    const id = deadlineId(spaceId, conn.id, kind);
    clearTimeout(this.deadlines.get(id));
    const timer = setTimeout(() => {
      this.deadlines.delete(id);
      this.expire(conn, spaceId, kind).catch((error: unknown) =>
        this.o.logger.error({ err: error, space: spaceId }, 'freeing an unanswered seat failed'),
      );
    }, this.o.answerTimeoutMs);
    timer.unref();
    this.deadlines.set(id, timer);
  }

  /** The offer was answered: the seat is the connection's for as long as it listens. */
  answered(spaceId: string, owner: number, kind: SeatKind): void {
    const id = deadlineId(spaceId, owner, kind);
    clearTimeout(this.deadlines.get(id));
    this.deadlines.delete(id);
  }

  /** The connection stopped listening (of one kind) in the space, by itself or by the server. */
  released(spaceId: string, owner: number, kind: SeatKind): void {
    this.answered(spaceId, owner, kind);
    const inSpace = this.holders.get(spaceId);
    if (!inSpace) return;
    for (const [key, holder] of inSpace) {
      if (holder.conn.id !== owner) continue;
      holder.kinds.delete(kind);
      if (holder.kinds.size === 0) inSpace.delete(key);
    }
    if (inSpace.size === 0) this.holders.delete(spaceId);
    this.o.changed?.(spaceId);
  }

  /** The connection went away (its listens end with it elsewhere). */
  dropConnection(owner: number): void {
    for (const spaceId of [...this.holders.keys()]) {
      this.released(spaceId, owner, 'mix');
      this.released(spaceId, owner, 'feeds');
    }
    for (const [id, timer] of this.deadlines) {
      if (id.split(' ')[1] !== String(owner)) continue;
      clearTimeout(timer);
      this.deadlines.delete(id);
    }
  }

  /** For tests and metrics: connections holding a person's seat in a space (at most one). */
  holdersOf(spaceId: string): number {
    return this.holders.get(spaceId)?.size ?? 0;
  }

  close(): void {
    for (const timer of this.deadlines.values()) clearTimeout(timer);
    this.deadlines.clear();
  }

  private async expire(conn: RealtimeConnection, spaceId: string, kind: SeatKind): Promise<void> {
    const key = seatKey(conn.viewer);
    const run = async () => {
      await this.o.stop(spaceId, conn.id, kind);
      this.released(spaceId, conn.id, kind);
      tell(conn, spaceId, kind, 'answer_timeout');
    };
    if (key) await this.serially(`${spaceId} ${key}`, run);
    else await run();
  }

  private async end(spaceId: string, holder: Holder, reason: 'listening_elsewhere') {
    for (const kind of holder.kinds) {
      this.answered(spaceId, holder.conn.id, kind);
      await this.o.stop(spaceId, holder.conn.id, kind);
      tell(holder.conn, spaceId, kind, reason);
    }
  }

  private space(spaceId: string): Map<string, Holder> {
    let inSpace = this.holders.get(spaceId);
    if (!inSpace) {
      inSpace = new Map();
      this.holders.set(spaceId, inSpace);
    }
    return inSpace;
  }

  private serially<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(key) ?? Promise.resolve()).catch(() => undefined).then(work);
    const tail = run.catch(() => undefined);
    this.queues.set(key, tail);
    tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }
}

function deadlineId(spaceId: string, owner: number, kind: SeatKind): string {
  return `${spaceId} ${owner} ${kind}`;
}

function tell(
  conn: RealtimeConnection,
  spaceId: string,
  kind: SeatKind,
  reason: 'listening_elsewhere' | 'answer_timeout',
): void {
  conn.send(
    kind === 'mix'
      ? ({ type: 'media_stopped', space_id: spaceId, reason } satisfies MediaServerMessage)
      : ({
          type: 'feeds_stopped',
          space_id: spaceId,
          which: 'watch',
          reason,
        } satisfies FeedServerMessage),
  );
}
