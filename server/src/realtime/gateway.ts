import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CLOSE_ACCOUNT_SUSPENDED, CLOSE_SIGNED_OUT, type ListenerDto } from '@salon/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { WebSocket } from 'ws';
import type { AccountService } from '../accounts/service.js';
import type { AccountStanding } from '../accounts/standing.js';
import type { Viewer } from '../accounts/viewer.js';
import type { Bus } from '../bus/bus.js';
import { onUser } from '../bus/user-channel.js';
import { AppError } from '../errors.js';
import type { OriginPolicy } from '../http/origin.js';
import type { Metrics } from '../observability/metrics.js';
import { Reactions } from '../spaces/reactions.js';
import type { SpaceService } from '../spaces/service.js';
import type { TicketAccess } from '../tickets/access.js';
import type { Clock } from '../util/clock.js';
import { MessageAuthority } from './authority.js';
import type { PresenceDirectory } from './directory.js';
import type { LocalSpace } from './local-space.js';
import type { SpacePresence } from './presence.js';
import { PresenceSync } from './presence-sync.js';
import {
  type CaptionsSnapshot,
  type PresenceListener,
  Rooms,
  type SpaceEventsListener,
} from './rooms.js';
import { type GatewayExtension, MessageRouter } from './router.js';
import { type Connection, Handshake, identityOf, newConnection, sendTo } from './socket.js';

export type { PresenceListener, SpaceEventsListener } from './rooms.js';
export type {
  ExtensionHandler,
  ExtensionHandlers,
  ExtensionMessageType,
  GatewayExtension,
  HandlersOf,
} from './router.js';
export { REALTIME_PATH, type RealtimeConnection } from './socket.js';

export interface GatewayOptions {
  accounts: AccountService;
  spaces: SpaceService;
  /** Who may hear a ticketed space; its grants and refunds on any node reach this one. */
  access: TicketAccess;
  bus: Bus;
  metrics: Metrics;
  clock: Clock;
  logger: FastifyBaseLogger;
  /** Aggregation window for reactions, counts and listener lists. */
  windowMs?: number;
  /** WebSocket connections one client address may hold (WS_CONNECTIONS_PER_ADDRESS); unlimited without it. */
  connectionsPerAddress?: number;
  /** Behind a trusted proxy, the client address is X-Forwarded-For's (TRUST_PROXY). */
  trustProxy?: boolean;
  /** Presence shared by several nodes (Redis); without it, this node's presence is the whole. Closed with the gateway. */
  directory?: PresenceDirectory;
  /** Whether a connection's session still stands (suspension, sign-out), checked per message. */
  standing: AccountStanding;
  /** Whose pages may open a socket on a visitor's cookies (CSRF); unchecked without it. */
  origins?: () => OriginPolicy;
  /** The captions part of a snapshot, for those who may hear (captions/service.ts). */
  captions?: CaptionsSnapshot;
}

/** How often a node rewrites its whole presence in the directory (it expires without it). */
const PRESENCE_REFRESH_MS = 10_000;

/**
 * The realtime WebSocket: one connection per client, subscriptions to
 * spaces, presence, and fan-out. Space events arrive already serialized from
 * the bus and are forwarded as they are; reactions, counts and listener
 * changes are aggregated per space per window, so the cost of fan-out does
 * not grow with the number of people reacting or joining.
 *
 * This class composes the parts and owns the connections' lifetime: the
 * handshake (`socket.ts`), each message (`router.ts`), the spaces and their
 * fan-out (`rooms.ts`), and the window's presence (`presence-sync.ts`).
 */
export class RealtimeGateway {
  private readonly handshake: Handshake;
  private readonly router: MessageRouter;
  private readonly rooms: Rooms;
  private readonly reactions: Reactions;
  private readonly sync: PresenceSync;
  private readonly spacesById = new Map<string, LocalSpace<Connection>>();
  private readonly connections = new Set<Connection>();
  private readonly extensions = new Map<string, GatewayExtension>();
  /** Writes started by a flush; close() waits for them. */
  private readonly pending = new Set<Promise<unknown>>();
  private readonly flushTimer: NodeJS.Timeout;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly presenceRefresh: NodeJS.Timeout | null;
  private readonly stopResync: () => void;
  private closed = false;
  private nextConnectionId = 1;

  constructor(private readonly o: GatewayOptions) {
    const windowMs = o.windowMs ?? 250;
    const track = (work: Promise<unknown>, failure: string) => this.track(work, failure);
    this.handshake = new Handshake({
      accounts: o.accounts,
      logger: o.logger,
      connectionsPerAddress: o.connectionsPerAddress,
      trustProxy: o.trustProxy,
      origins: o.origins,
      closed: () => this.closed,
      accept: (ws, socket, viewer, device) => this.accept(ws, socket, viewer, device),
    });
    this.reactions = new Reactions({
      spaces: o.spaces,
      access: o.access,
      clock: o.clock,
      deliver: (spaceId, emoji) => this.rooms.addReaction(spaceId, emoji),
    });
    this.sync = new PresenceSync({
      spaces: o.spaces,
      bus: o.bus,
      directory: o.directory,
      windowMs,
      spacesById: this.spacesById,
      track,
      afterFlush: () => this.rooms.sweep(),
    });
    this.rooms = new Rooms({
      spaces: o.spaces,
      access: o.access,
      bus: o.bus,
      clock: o.clock,
      spacesById: this.spacesById,
      connections: this.connections,
      extensions: this.extensions,
      track,
      report: (spaceId, space, key) => this.sync.report(spaceId, space, key),
      reactions: this.reactions,
      ...(o.captions ? { captions: o.captions } : {}),
    });
    this.router = new MessageRouter({
      clock: o.clock,
      logger: o.logger,
      authority: new MessageAuthority({
        spaces: o.spaces,
        access: o.access,
        standing: o.standing,
        now: () => o.clock.now(),
      }),
      extensions: this.extensions,
      subscribe: (conn, spaceId, incognito, requestId, admitted) =>
        this.rooms.subscribe(conn, spaceId, incognito, requestId, admitted),
      leave: (conn, spaceId) => this.rooms.leave(conn, spaceId),
      react: (conn, spaceId, emoji, admitted) => this.rooms.react(conn, spaceId, emoji, admitted),
      dismiss: (conn, error) => this.dismiss(conn, error),
    });
    this.flushTimer = setInterval(() => this.sync.flush(), windowMs);
    this.heartbeat = setInterval(() => this.ping(), 30_000);
    this.presenceRefresh = o.directory
      ? setInterval(() => this.sync.refreshDirectory(), PRESENCE_REFRESH_MS)
      : null;
    // A ticket granted or refunded on any node: that person's connections here follow.
    o.access.onHolderChanged((spaceId, userId) => {
      if (!this.closed)
        this.track(this.rooms.reassess(spaceId, userId), 'reassessing access to a space failed');
    });
    this.stopResync = o.bus.onReconnected(() => {
      this.resyncAll().catch((error: unknown) =>
        this.o.logger.error({ err: error }, 'resync after a bus outage failed'),
      );
    });
  }

  /** Told when a person arrives in a space on this node or leaves it (their last connection here). */
  onPresence(listener: PresenceListener): void {
    this.rooms.presenceListeners.push(listener);
  }

  /** Told of every space event this node receives from the bus (its own commits and other nodes'). */
  onSpaceEvents(listener: SpaceEventsListener): void {
    this.rooms.eventListeners.push(listener);
  }

  /** Whether a person (`u:<id>`, `g:<id>`) is in a space on any node (the directory), or here. */
  isPresent(spaceId: string, key: string): Promise<boolean> {
    return this.sync.isPresent(spaceId, key);
  }

  /** The spaces this node has subscribers in. */
  followedSpaceIds(): string[] {
    return [...this.spacesById.keys()];
  }

  extend(extension: GatewayExtension): void {
    for (const type of Object.keys(extension.handlers)) this.extensions.set(type, extension);
  }

  attach(server: Server): void {
    this.handshake.attach(server);
  }

  private accept(ws: WebSocket, socket: Duplex, viewer: Viewer, device: string | null): void {
    const conn = newConnection(this.nextConnectionId++, ws, socket, viewer, device);
    // Personal messages (notifications) reach every connection of a signed-in user, on any node;
    // account events (a suspension) come the same way and are applied here, not forwarded.
    const personal =
      viewer.kind === 'user'
        ? onUser(this.o.bus, viewer.user.id, {
            account: (userId, suspended) => this.onAccountEvent(conn, userId, suspended),
            removed: (spaceId) => this.rooms.onRemovedNotice(conn, spaceId),
            personal: (json) => {
              if (ws.readyState === WebSocket.OPEN) ws.send(json);
            },
          })
        : null;
    // The browsers a person uses are remembered, so a removal keeps them all out (see isDeviceBanned).
    const identity = identityOf(viewer);
    if (device && identity)
      this.track(this.o.spaces.recordDevice(device, identity), 'recording a device failed');
    this.connections.add(conn);
    this.o.metrics.websocketConnections.inc();
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary)
        return sendTo(conn, {
          type: 'error',
          code: 'binary_not_supported',
          message: 'Send JSON text.',
        });
      this.router
        .onMessage(conn, data.toString())
        .catch((error: unknown) => this.o.logger.error({ err: error }, 'realtime message failed'));
    });
    ws.on('close', () => {
      personal?.();
      this.connections.delete(conn);
      this.o.metrics.websocketConnections.dec();
      for (const spaceId of [...conn.spaces.keys()]) this.rooms.leave(conn, spaceId);
      for (const extension of new Set(this.extensions.values())) extension.disconnected?.(conn);
    });
    ws.on('error', () => ws.terminate());
  }

  /** An account event from the bus: a suspension closes this connection; any change is re-read. */
  private onAccountEvent(conn: Connection, userId: string, suspended: boolean): void {
    this.o.standing.invalidate(userId);
    if (suspended)
      this.dismiss(conn, AppError.forbidden('account_suspended', 'This account is suspended.'));
  }

  /** Closes a connection whose account no longer stands, saying why (leaving its spaces and media). */
  private dismiss(conn: Connection, error: AppError): void {
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    sendTo(conn, { type: 'error', code: error.code, message: error.message });
    conn.ws.close(
      error.code === 'account_suspended' ? CLOSE_ACCOUNT_SUSPENDED : CLOSE_SIGNED_OUT,
      error.code,
    );
  }

  private track(work: Promise<unknown>, failure: string): void {
    const tracked = work.catch((error: unknown) => this.o.logger.error({ err: error }, failure));
    this.pending.add(tracked);
    tracked.finally(() => this.pending.delete(tracked));
  }

  /** For the HTTP reaction endpoint: the same checks, rate and window as the `react` message. */
  react(viewer: Viewer, spaceId: string, raw: string, device: string | null): Promise<void> {
    return this.reactions.react(viewer, spaceId, raw, device);
  }

  /** Listed listeners of a space (for the HTTP listeners page), as last known here. */
  listeners(spaceId: string, limit: number): ListenerDto[] {
    return this.sync.listeners(spaceId, limit);
  }

  counts(spaceId: string) {
    return this.sync.counts(spaceId);
  }

  /**
   * Counts and listed listeners for HTTP: what this node knows, or, with
   * several nodes and no subscriber of the space here, read from the directory.
   */
  presenceNow(
    spaceId: string,
    limit: number,
  ): Promise<{ counts: ReturnType<SpacePresence['counts']> | null; listed: ListenerDto[] }> {
    return this.sync.presenceNow(spaceId, limit);
  }

  /**
   * The bus was down: events committed on other nodes meanwhile never reached
   * this node, and a client only notices a gap at the next event, which may
   * never come. So every subscriber here gets a fresh snapshot of the stored
   * state, and this node's presence is written to the directory again.
   */
  private async resyncAll(): Promise<void> {
    if (this.closed) return;
    if (this.o.directory) this.sync.refreshDirectory();
    for (const [spaceId, space] of [...this.spacesById]) {
      // Our cached copy missed the other nodes' invalidations.
      this.o.spaces.invalidate(spaceId, Number.POSITIVE_INFINITY);
      const state = await this.o.spaces.get(spaceId).catch(() => null);
      if (!state) continue;
      for (const conn of [...space.subscribers.keys()]) {
        if (this.spacesById.get(spaceId) === space && conn.spaces.has(spaceId))
          await this.rooms.sendSnapshot(conn, spaceId, space, state);
      }
    }
  }

  /** Connections that did not answer the previous ping are dead (a network blip, a closed laptop). */
  private ping(): void {
    for (const conn of this.connections) {
      if (!conn.alive) {
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }

  /** Stops accepting, flushes pending listener marks, closes every connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopResync();
    clearInterval(this.flushTimer);
    clearInterval(this.heartbeat);
    if (this.presenceRefresh) clearInterval(this.presenceRefresh);
    this.sync.flush();
    for (const space of this.spacesById.values()) space.fanout.drain();
    for (const ws of this.handshake.wss.clients) ws.close(1001, 'server shutting down');
    for (const space of this.spacesById.values()) space.unsubscribe();
    // This node's people leave the other nodes' counts now, not when the report expires.
    const directory = this.o.directory;
    const spaceIds = [...this.spacesById.keys()];
    this.spacesById.clear();
    await Promise.all(this.pending);
    if (directory) {
      await Promise.all(spaceIds.map((id) => directory.refresh(id, []).catch(() => undefined)));
      await directory.close();
    }
    await this.handshake.close();
  }
}
