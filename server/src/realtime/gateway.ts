import type { IncomingMessage, Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import {
  CLIENT_MESSAGE_TYPES,
  CLOSE_ACCOUNT_SUSPENDED,
  CLOSE_SIGNED_OUT,
  type ClientMessage,
  type ListenerDto,
  type ServerMessage,
  type SpaceEventPayload,
  userChannel,
} from '@salon/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { WebSocket, WebSocketServer } from 'ws';
import type { AccountService } from '../accounts/service.js';
import { type AccountStanding, readAccountEvent } from '../accounts/standing.js';
import { AppError, isAppError } from '../errors.js';
import { readCookie } from '../http/cookies.js';
import { DEVICE_COOKIE, isDeviceId } from '../http/device.js';
import { checkRequestSource, type OriginPolicy, sourceOf } from '../http/origin.js';
import { SESSION_COOKIE, type Viewer } from '../http/viewer.js';
import type { Metrics } from '../observability/metrics.js';
import type { SpaceState } from '../spaces/model.js';
import type { Participant } from '../spaces/policy.js';
import { type SpaceService, spaceChannel } from '../spaces/service.js';
import type { Clock } from '../util/clock.js';
import { AddressLimit, clientAddress } from './address-limit.js';
import { AccountRefusal, type Holder, MESSAGE_RULES, MessageAuthority } from './authority.js';
import type { Bus } from './bus.js';
import type { PresenceDirectory } from './directory.js';
import type { FanoutTarget } from './fanout.js';
import { LocalSpace } from './local-space.js';
import { checkFields, readEnvelope } from './messages.js';
import { readRemovedNotice } from './notices.js';
import {
  type PresenceMember,
  presenceIntervalMs,
  presenceMember,
  type SpacePresence,
} from './presence.js';
import { canonicalEmoji, ReactionLimiter } from './reactions.js';

export const REALTIME_PATH = '/api/v1/realtime';
const SNAPSHOT_LISTENERS = 50;
/** A client this far behind gets no more best-effort messages until it drains. */
const SLOW_CLIENT_BYTES = 1 << 20;
/** The message types the gateway itself answers; extensions answer the rest. */
const CORE_TYPES: ReadonlySet<string> = new Set(CLIENT_MESSAGE_TYPES);

/** What an extension sees of a connection. */
export interface RealtimeConnection {
  readonly id: number;
  readonly viewer: Viewer;
  /** The browser (`salon_device` cookie), when it sent one. */
  readonly device: string | null;
  /** Serializes and sends if the socket is open. */
  send(message: object): void;
}

/**
 * Other planes (media signaling) answer their own client messages on the
 * same WebSocket without the gateway knowing them: each extension names the
 * message types it handles and hears about disconnections.
 */
export interface GatewayExtension {
  readonly messageTypes: readonly string[];
  handle(
    conn: RealtimeConnection,
    message: { type: string; space_id: string } & Record<string, unknown>,
    requestId: string | undefined,
  ): Promise<void>;
  disconnected?(conn: RealtimeConnection): void;
  /** The connection lost a space (its person was removed): end what it holds there. */
  revoked?(conn: RealtimeConnection, spaceId: string): void;
  /** What to tell the client of a failure that is not an `AppError` (a media server's), if anything. */
  explain?(error: unknown): AppError | null;
}

interface Connection extends RealtimeConnection {
  ws: WebSocket;
  /** How the space fan-out writes to this connection. */
  target: FanoutTarget;
  viewer: Viewer;
  device: string | null;
  spaces: Map<string, PresenceMember>;
  /** What the per-message checks read from storage, per space (see MessageAuthority). */
  facts: Holder['facts'];
  alive: boolean;
}

export interface GatewayOptions {
  accounts: AccountService;
  spaces: SpaceService;
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
}

/** How often a node rewrites its whole presence in the directory (it expires without it). */
const PRESENCE_REFRESH_MS = 10_000;

/**
 * The realtime WebSocket: one connection per client, subscriptions to
 * spaces, presence, and fan-out. Space events arrive already serialized from
 * the bus and are forwarded as they are; reactions, counts and listener
 * changes are aggregated per space per window, so the cost of fan-out does
 * not grow with the number of people reacting or joining.
 */
export class RealtimeGateway {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  private readonly spacesById = new Map<string, LocalSpace<Connection>>();
  private readonly connections = new Set<Connection>();
  private readonly limiter = new ReactionLimiter();
  private readonly addresses: AddressLimit;
  private readonly windowMs: number;
  private readonly flushTimer: NodeJS.Timeout;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly presenceRefresh: NodeJS.Timeout | null;
  private readonly stopResync: () => void;
  private closed = false;
  private nextConnectionId = 1;
  private readonly extensions = new Map<string, GatewayExtension>();
  /** Writes started by a flush; close() waits for them. */
  private readonly pending = new Set<Promise<unknown>>();
  private readonly authority: MessageAuthority;
  private readonly presenceListeners: PresenceListener[] = [];
  private readonly eventListeners: SpaceEventsListener[] = [];

  constructor(private readonly o: GatewayOptions) {
    this.windowMs = o.windowMs ?? 250;
    this.addresses = new AddressLimit(o.connectionsPerAddress ?? Number.POSITIVE_INFINITY);
    this.authority = new MessageAuthority({
      spaces: o.spaces,
      standing: o.standing,
      now: () => o.clock.now(),
    });
    this.flushTimer = setInterval(() => this.flush(), this.windowMs);
    this.heartbeat = setInterval(() => this.ping(), 30_000);
    this.presenceRefresh = o.directory
      ? setInterval(() => this.refreshDirectory(), PRESENCE_REFRESH_MS)
      : null;
    this.stopResync = o.bus.onReconnected(() => {
      this.resyncAll().catch((error: unknown) =>
        this.o.logger.error({ err: error }, 'resync after a bus outage failed'),
      );
    });
  }

  /** Told when a person arrives in a space on this node or leaves it (their last connection here). */
  onPresence(listener: PresenceListener): void {
    this.presenceListeners.push(listener);
  }

  /** Told of every space event this node receives from the bus (its own commits and other nodes'). */
  onSpaceEvents(listener: SpaceEventsListener): void {
    this.eventListeners.push(listener);
  }

  /** Whether a person (`u:<id>`, `g:<id>`) is in a space on any node (the directory), or here. */
  async isPresent(spaceId: string, key: string): Promise<boolean> {
    if (this.spacesById.get(spaceId)?.presence.has(key)) return true;
    if (!this.o.directory) return false;
    return (await this.o.directory.everyone(spaceId)).has(key);
  }

  /** The spaces this node has subscribers in. */
  followedSpaceIds(): string[] {
    return [...this.spacesById.keys()];
  }

  private presenceChanged(spaceId: string, space: LocalSpace<Connection>, key: string): void {
    const present = space.presence.has(key);
    for (const listener of this.presenceListeners) listener(spaceId, key, present);
  }

  extend(extension: GatewayExtension): void {
    for (const type of extension.messageTypes) this.extensions.set(type, extension);
  }

  attach(server: Server): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      // Nothing a client sends in a handshake may throw out of this listener:
      // an exception here is uncaught, and would end the process.
      socket.on('error', () => socket.destroy());
      this.upgrade(request, socket, head).catch((error: unknown) => {
        this.o.logger.warn({ err: error }, 'realtime handshake failed');
        refuse(socket, '400 Bad Request');
      });
    });
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = parseUrl(request.url);
    if (!url || url.pathname !== REALTIME_PATH || this.closed) {
      return refuse(socket, url ? '404 Not Found' : '400 Bad Request');
    }
    // Counted from the first byte, so handshakes in flight count too; given back when the socket goes.
    const address = clientAddress(request, this.o.trustProxy === true);
    if (!this.addresses.take(address)) return refuse(socket, '429 Too Many Requests');
    socket.once('close', () => this.addresses.release(address));
    // A page elsewhere must not open a socket that rides the visitor's cookies (their
    // notifications, their seat). Browsers always send Origin on a WebSocket handshake.
    if (request.headers.cookie && this.o.origins) {
      const source = sourceOf(request.headers, request.headers.host);
      if (!checkRequestSource(source, this.o.origins()).ok) return refuse(socket, '403 Forbidden');
    }
    let viewer: Viewer | null;
    try {
      viewer = await this.authenticate(request, url);
    } catch {
      return refuse(socket, '403 Forbidden');
    }
    if (!viewer) return refuse(socket, '401 Unauthorized');
    const device = readCookie(request.headers.cookie, DEVICE_COOKIE);
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      this.accept(ws, socket, viewer, isDeviceId(device) ? device : null);
    });
  }

  /** Cookie (browsers), `?token=` (guest or session token) or a bearer header; none means anonymous. */
  private async authenticate(request: IncomingMessage, url: URL): Promise<Viewer | null> {
    const header = request.headers.authorization;
    const token =
      url.searchParams.get('token') ??
      (header?.startsWith('Bearer ') ? header.slice(7) : null) ??
      readCookie(request.headers.cookie, SESSION_COOKIE);
    if (!token) return { kind: 'anonymous' };
    const viewer = await this.o.accounts.authenticate(token);
    if (viewer) return viewer;
    // A stale cookie means signed out; an explicit token that fails is refused.
    return url.searchParams.has('token') || header ? null : { kind: 'anonymous' };
  }

  private accept(ws: WebSocket, socket: Duplex, viewer: Viewer, device: string | null): void {
    const conn: Connection = {
      id: this.nextConnectionId++,
      ws,
      // The socket under the WebSocket: corking it makes one delivery of
      // several messages one write.
      target: {
        get open() {
          return ws.readyState === WebSocket.OPEN;
        },
        get buffered() {
          return ws.bufferedAmount;
        },
        write: (data) => ws.send(data, { binary: false }),
        cork: () => socket.cork(),
        uncork: () => socket.uncork(),
      },
      viewer,
      device,
      spaces: new Map(),
      facts: new Map(),
      alive: true,
      send: (message: object) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
      },
    };
    // Personal messages (notifications) reach every connection of a signed-in user, on any node;
    // account events (a suspension) come the same way and are applied here, not forwarded.
    const personal =
      viewer.kind === 'user'
        ? this.o.bus.subscribe(userChannel(viewer.user.id), (text) => {
            const account = readAccountEvent(text);
            if (account) return this.onAccountEvent(conn, account.userId, account.suspended);
            const removed = readRemovedNotice(text);
            if (removed) return this.onRemovedNotice(conn, removed.spaceId);
            if (ws.readyState === WebSocket.OPEN) ws.send(text);
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
        return this.send(conn, {
          type: 'error',
          code: 'binary_not_supported',
          message: 'Send JSON text.',
        });
      this.onMessage(conn, data.toString()).catch((error: unknown) =>
        this.o.logger.error({ err: error }, 'realtime message failed'),
      );
    });
    ws.on('close', () => {
      personal?.();
      this.connections.delete(conn);
      this.o.metrics.websocketConnections.dec();
      for (const spaceId of [...conn.spaces.keys()]) this.leave(conn, spaceId);
      for (const extension of new Set(this.extensions.values())) extension.disconnected?.(conn);
    });
    ws.on('error', () => ws.terminate());
  }

  private async onMessage(conn: Connection, text: string): Promise<void> {
    const envelope = readEnvelope(text);
    const requestId = envelope.requestId;
    const reply = (error: AppError, spaceId?: string) =>
      this.send(conn, {
        type: 'error',
        code: error.code,
        message: error.message,
        ...(spaceId ? { space_id: spaceId } : {}),
        ...(requestId ? { request_id: requestId } : {}),
      });
    if (!envelope.ok) return reply(envelope.error);
    const { type, message } = envelope;
    const extension = this.extensions.get(type);
    if (!CORE_TYPES.has(type) && !extension && !Object.hasOwn(MESSAGE_RULES, type)) {
      return reply(
        AppError.invalid('unknown_message', `Unknown message type "${type.slice(0, 40)}".`),
      );
    }
    const spaceId = typeof message['space_id'] === 'string' ? message['space_id'] : undefined;
    // Every request is answered: with its reply, an ack, or an error carrying its request_id.
    let answered = false;
    const ack = () => {
      if (requestId && !answered)
        this.send(conn, {
          type: 'ack',
          request_id: requestId,
          ...(spaceId ? { space_id: spaceId } : {}),
        });
    };
    try {
      checkFields(type, message);
      // Authority is checked per message, not per connection: a suspension or a removal
      // holds against sockets opened before it.
      const checked = await this.authority.check(conn, type, spaceId);
      const m = message as unknown as ClientMessage;
      switch (m.type) {
        case 'ping':
          return this.send(conn, {
            type: 'pong',
            at: new Date(this.o.clock.now()).toISOString(),
            ...(requestId ? { request_id: requestId } : {}),
          });
        case 'subscribe':
          return await this.subscribe(conn, m.space_id, m.incognito === true, requestId, checked);
        case 'unsubscribe':
          this.leave(conn, m.space_id);
          return ack();
        case 'react':
          await this.react(conn, m.space_id, m.emoji);
          return ack();
        default: {
          if (!extension)
            throw new AppError('unavailable', 'media_unavailable', 'Audio is off on this server.');
          // An extension answers through this view, which notes whether it did.
          const view: RealtimeConnection = {
            id: conn.id,
            device: conn.device,
            get viewer() {
              return conn.viewer;
            },
            send: (out: object) => {
              if (requestId && (out as { request_id?: unknown }).request_id === requestId)
                answered = true;
              conn.send(out);
            },
          };
          await extension.handle(
            view,
            message as { type: string; space_id: string } & Record<string, unknown>,
            requestId,
          );
          return ack();
        }
      }
    } catch (error) {
      if (isAppError(error)) return reply(error, spaceId);
      if (error instanceof AccountRefusal) {
        reply(error.error, spaceId);
        return this.dismiss(conn, error.error);
      }
      const explained = extension?.explain?.(error);
      if (explained) return reply(explained, spaceId);
      // A bug, not the client's fault: logged, and still answered.
      this.o.logger.error({ err: error, type }, 'realtime message failed');
      return reply(
        new AppError('internal', 'internal_error', 'Something went wrong on our side; try again.'),
        spaceId,
      );
    }
  }

  private async subscribe(
    conn: Connection,
    spaceId: string,
    incognito: boolean,
    requestId: string | undefined,
    /** The space as the per-message check admitted it. */
    admitted: SpaceState | null,
  ): Promise<void> {
    if (incognito && conn.viewer.kind !== 'user') {
      throw AppError.invalid(
        'incognito_needs_account',
        'Only signed-in listeners can be incognito; guests are never listed.',
      );
    }
    const state =
      admitted ?? (await this.o.spaces.admit(spaceId, conn.viewer, conn.device, incognito)).state;
    const space = this.local(spaceId);
    if (!conn.spaces.has(spaceId)) {
      const member = presenceMember(conn.viewer, incognito, this.o.clock.now());
      if (member) {
        conn.spaces.set(spaceId, member);
        space.subscribers.set(conn, space.fanout.add(conn.target));
        const change = space.presence.add(member);
        if (change.kind === 'joined') {
          if (change.first) space.newIdentities.push(member.key);
          if (change.listed) space.joined.push(change.listed);
          space.countsDirty = true;
          this.report(spaceId, space, member.key);
          if (change.first) this.presenceChanged(spaceId, space, member.key);
        }
      } else {
        // Anonymous viewers may watch a space that is not live; they are not present in it.
        conn.spaces.set(spaceId, { key: '', listed: null });
        space.subscribers.set(conn, space.fanout.add(conn.target));
      }
    }
    await this.sendSnapshot(conn, spaceId, space, state, requestId);
  }

  /** The space as it is now, with this node's presence; then who is speaking. */
  private async sendSnapshot(
    conn: Connection,
    spaceId: string,
    space: LocalSpace<Connection>,
    state: SpaceState,
    requestId?: string,
  ): Promise<void> {
    space.totalUnique ??= await this.o.spaces.totalListeners(spaceId);
    const base = await this.o.spaces.snapshotBase(state);
    this.send(conn, {
      type: 'snapshot',
      space_id: spaceId,
      snapshot: {
        ...base,
        listeners: { data: space.listed(SNAPSHOT_LISTENERS), next_cursor: null },
        counts: space.counts(
          space.totalUnique + space.newIdentities.length,
          conn.spaces.get(spaceId),
        ),
      },
      ...(requestId ? { request_id: requestId } : {}),
    });
    // Speaking indicators are events of the media plane, not state of the
    // snapshot: a late joiner sees who is talking now, not at the next change.
    for (const userId of space.speaking) {
      this.send(conn, { type: 'speaking', space_id: spaceId, user_id: userId, speaking: true });
    }
  }

  private async react(conn: Connection, spaceId: string, raw: string): Promise<void> {
    const member = conn.spaces.get(spaceId);
    if (!member?.key) throw AppError.forbidden('not_in_space', 'Join the space before reacting.');
    const emoji = canonicalEmoji(raw);
    if (!emoji)
      throw AppError.invalid('unknown_reaction', 'That reaction is not one of the offered emoji.');
    const state = await this.o.spaces.get(spaceId);
    if (state.state !== 'live')
      throw AppError.conflict('space_not_live', 'Reactions are for live spaces.');
    if (!this.limiter.allow(member.key, this.o.clock.now())) {
      throw new AppError(
        'rate_limited',
        'reaction_rate_limited',
        'Slow down: too many reactions at once.',
      );
    }
    this.local(spaceId).reactions.add(emoji);
  }

  /** For the HTTP reaction endpoint: the same limiter and window. */
  async reactAs(
    viewer: Viewer,
    spaceId: string,
    raw: string,
    device: string | null,
  ): Promise<void> {
    const key =
      viewer.kind === 'user'
        ? `u:${viewer.user.id}`
        : viewer.kind === 'guest'
          ? `g:${viewer.guestId}`
          : null;
    if (!key) throw AppError.unauthenticated();
    const emoji = canonicalEmoji(raw);
    if (!emoji)
      throw AppError.invalid('unknown_reaction', 'That reaction is not one of the offered emoji.');
    // The policy's `react`, with the browser's ban: a removed person back as a guest is refused.
    await this.o.spaces.authorizeViewer(await this.o.spaces.get(spaceId), viewer, device, 'react');
    if (!this.limiter.allow(key, this.o.clock.now())) {
      throw new AppError(
        'rate_limited',
        'reaction_rate_limited',
        'Slow down: too many reactions at once.',
      );
    }
    this.local(spaceId).reactions.add(emoji);
  }

  private local(spaceId: string): LocalSpace<Connection> {
    let space = this.spacesById.get(spaceId);
    if (!space) {
      const unsubscribe = this.o.bus.subscribe(spaceChannel(spaceId), (message) =>
        this.onBus(spaceId, message),
      );
      space = new LocalSpace<Connection>(unsubscribe, SLOW_CLIENT_BYTES);
      this.spacesById.set(spaceId, space);
      this.o.spaces.follow(spaceId);
    }
    return space;
  }

  private leave(conn: Connection, spaceId: string): void {
    const member = conn.spaces.get(spaceId);
    if (!member) return;
    conn.spaces.delete(spaceId);
    const space = this.spacesById.get(spaceId);
    if (!space) return;
    const slot = space.subscribers.get(conn);
    if (slot) space.fanout.remove(slot);
    space.subscribers.delete(conn);
    if (member.key) {
      const change = space.presence.remove(member);
      if (change.kind === 'left') {
        if (change.listed) space.left.push(change.listed.user_id);
        space.countsDirty = true;
        this.report(spaceId, space, member.key);
        if (!space.presence.has(member.key)) this.presenceChanged(spaceId, space, member.key);
      }
    }
  }

  /** Messages for one space from any node: forwarded as they are, after the side effects this node owns. */
  private onBus(spaceId: string, text: string): void {
    const space = this.spacesById.get(spaceId);
    if (!space) return;
    if (text.startsWith('{"type":"event"')) {
      const message = JSON.parse(text) as Extract<ServerMessage, { type: 'event' }>;
      this.o.spaces.invalidate(spaceId, message.version);
      this.broadcast(space, text, true);
      for (const event of message.events) {
        if (event.type === 'participant_removed') {
          space.speaking.delete(event.participant.id);
          this.expel(spaceId, space, event.participant);
        }
        if (event.type === 'stage_changed' && event.change.kind === 'left')
          space.speaking.delete(event.change.user_id);
        // Nobody speaks in an ended space: a late joiner gets no ring.
        if (event.type === 'state_changed' && event.state !== 'live') space.speaking.clear();
        if (event.type === 'settings_changed' && !event.allow_guests)
          this.expelGuests(spaceId, space);
      }
      for (const listener of this.eventListeners) listener(spaceId, message.events);
      return;
    }
    if (text.startsWith('{"type":"speaking"')) {
      const message = JSON.parse(text) as Extract<ServerMessage, { type: 'speaking' }>;
      if (message.speaking) space.speaking.add(message.user_id);
      else space.speaking.delete(message.user_id);
    }
    this.broadcast(space, text, false);
  }

  /**
   * A removed person's connections leave the space and lose what they hold
   * in it (their media), and so do connections from any browser they were
   * seen with: a guest tab of the same browser, here or opened earlier.
   * The browsers are banned from the space.
   */
  private expel(spaceId: string, space: LocalSpace<Connection>, who: Participant): void {
    const identity = `${who.kind}:${who.id}`;
    const devices = new Set<string>();
    const text = JSON.stringify({
      type: 'removed_from_space',
      space_id: spaceId,
      message: 'You were removed from this space.',
    } satisfies ServerMessage);
    const out = (conn: Connection) => {
      const slot = space.subscribers.get(conn);
      if (slot) {
        // They see the event that removed them, then the notice.
        space.fanout.catchUp(slot);
        this.leave(conn, spaceId);
        if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(text);
      }
      conn.facts.delete(spaceId);
      for (const extension of new Set(this.extensions.values())) extension.revoked?.(conn, spaceId);
    };
    for (const conn of [...this.connections]) {
      if (identityOf(conn.viewer) !== identity) continue;
      if (conn.device) devices.add(conn.device);
      out(conn);
    }
    this.track(this.o.spaces.banDevices(spaceId, [...devices]), 'device ban failed');
    this.track(
      this.o.spaces.devicesOf(identity).then((known) => {
        const banned = new Set([...devices, ...known]);
        for (const conn of [...this.connections]) {
          if (conn.device && banned.has(conn.device) && identityOf(conn.viewer) !== identity)
            out(conn);
        }
      }),
      'expelling the browsers of a removed person failed',
    );
  }

  /**
   * The host stopped letting people without an account listen: the guests
   * here leave the space and lose their audio, as a removal would, with a
   * notice that says why (an account lets them back in).
   */
  private expelGuests(spaceId: string, space: LocalSpace<Connection>): void {
    const text = JSON.stringify({
      type: 'removed_from_space',
      space_id: spaceId,
      code: 'guests_not_allowed',
      message: 'The host allows only listeners with an account in this space.',
    } satisfies ServerMessage);
    for (const conn of [...space.subscribers.keys()]) {
      if (conn.viewer.kind !== 'guest') continue;
      const slot = space.subscribers.get(conn);
      if (slot) space.fanout.catchUp(slot);
      this.leave(conn, spaceId);
      if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(text);
      conn.facts.delete(spaceId);
      for (const extension of new Set(this.extensions.values())) extension.revoked?.(conn, spaceId);
    }
  }

  /**
   * Removed from a space, said on the person's own channel: a socket that is
   * not subscribed there (so not expelled through the space's channel) still
   * loses what it holds in the space, its media.
   */
  private onRemovedNotice(conn: Connection, spaceId: string): void {
    if (conn.spaces.has(spaceId)) return;
    conn.facts.delete(spaceId);
    for (const extension of new Set(this.extensions.values())) extension.revoked?.(conn, spaceId);
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
    this.send(conn, { type: 'error', code: error.code, message: error.message });
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

  private broadcast(space: LocalSpace<Connection>, text: string, essential: boolean): void {
    space.fanout.publish(text, essential);
  }

  private send(conn: Connection, message: ServerMessage): void {
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(JSON.stringify(message));
  }

  /** Once per window: presence and reaction aggregates for every space that changed. */
  private flush(): void {
    for (const [spaceId, space] of this.spacesById) {
      this.recordNewListeners(spaceId, space);
      this.sendPresence(spaceId, space);
      if (!space.reactions.empty) {
        const message: ServerMessage = {
          type: 'reactions',
          space_id: spaceId,
          window_ms: this.windowMs,
          counts: space.reactions.drain(),
        };
        // Through the bus: every node's listeners get every node's reactions.
        this.o.bus.publish(spaceChannel(spaceId), JSON.stringify(message));
      }
      if (
        space.subscribers.size === 0 &&
        space.presence.size === 0 &&
        space.newIdentities.length === 0
      ) {
        space.unsubscribe();
        this.spacesById.delete(spaceId);
        this.o.spaces.unfollow(spaceId);
      }
    }
    this.limiter.sweep(this.o.clock.now());
  }

  /** Stores the people who joined for the first time this window (total unique listeners). */
  private recordNewListeners(spaceId: string, space: LocalSpace<Connection>): void {
    if (space.newIdentities.length === 0) return;
    const batch = space.newIdentities;
    space.newIdentities = [];
    space.totalUnique = (space.totalUnique ?? 0) + batch.length;
    this.track(
      this.o.spaces.recordListeners(spaceId, batch).then((inserted) => {
        // People who listened before (a restart, another node) were already
        // counted: correct the optimistic total and send the counts again.
        if (inserted < batch.length) {
          space.totalUnique = (space.totalUnique ?? 0) - (batch.length - inserted);
          space.countsDirty = true;
        }
      }),
      'recording listeners failed',
    );
  }

  /**
   * Counts and listener lists change with every join; in a big audience,
   * sending them every window would cost more than the joins themselves. They
   * go out at most once a second, and less often the larger the audience
   * (capped at 5 s). Wall time, not the injectable clock: this is pacing, not
   * a domain date.
   */
  private sendPresence(spaceId: string, space: LocalSpace<Connection>): void {
    const now = performance.now();
    if (now - space.presenceSentAt < presenceIntervalMs(space.subscribers.size)) return;
    if (this.o.directory) {
      // Several nodes: what everyone sees is read from the directory, and sent when it changed.
      if (space.refreshing || space.subscribers.size === 0) return;
      space.presenceSentAt = now;
      space.refreshing = true;
      this.track(
        this.readCluster(spaceId, space).finally(() => {
          space.refreshing = false;
        }),
        'reading presence failed',
      );
      return;
    }
    if (space.joined.length === 0 && space.left.length === 0 && !space.countsDirty) return;
    space.presenceSentAt = now;
    if (space.joined.length > 0 || space.left.length > 0) {
      const message: ServerMessage = {
        type: 'listeners',
        space_id: spaceId,
        joined: space.joined,
        left: space.left,
      };
      space.joined = [];
      space.left = [];
      this.broadcast(space, JSON.stringify(message), false);
    }
    if (space.countsDirty) {
      space.countsDirty = false;
      const message: ServerMessage = {
        type: 'counts',
        space_id: spaceId,
        counts: space.presence.counts(space.totalUnique ?? 0),
      };
      this.broadcast(space, JSON.stringify(message), false);
    }
  }

  /** Tells the directory how this node now holds one person (joined, left, listing changed). */
  private report(spaceId: string, space: LocalSpace<Connection>, key: string): void {
    const directory = this.o.directory;
    if (!directory) return;
    if (space.presence.has(key)) directory.set(spaceId, key, space.presence.listingOf(key));
    else directory.remove(spaceId, key);
  }

  /** Rewrites this node's whole presence (it expires otherwise; it heals a Redis restart). */
  private refreshDirectory(): void {
    const directory = this.o.directory!;
    for (const [spaceId, space] of this.spacesById) {
      this.track(
        directory.refresh(spaceId, space.presence.entries()),
        'refreshing presence failed',
      );
    }
  }

  /** Reads everyone's presence and sends listeners and counts to this node's subscribers if they changed. */
  private async readCluster(spaceId: string, space: LocalSpace<Connection>): Promise<void> {
    const { joined, left, countsChanged } = space.adoptCluster(
      await this.o.directory!.everyone(spaceId),
    );
    if (joined.length > 0 || left.length > 0) {
      const message: ServerMessage = { type: 'listeners', space_id: spaceId, joined, left };
      this.broadcast(space, JSON.stringify(message), false);
    }
    if (countsChanged) {
      const message: ServerMessage = {
        type: 'counts',
        space_id: spaceId,
        counts: space.counts(space.totalUnique ?? 0),
      };
      this.broadcast(space, JSON.stringify(message), false);
    }
  }

  /** Listed listeners of a space (for the HTTP listeners page), as last known here. */
  listeners(spaceId: string, limit: number): ListenerDto[] {
    const space = this.spacesById.get(spaceId);
    return space ? space.listed(limit) : [];
  }

  counts(spaceId: string) {
    const space = this.spacesById.get(spaceId);
    return space ? space.counts(space.totalUnique ?? 0) : null;
  }

  /**
   * Counts and listed listeners for HTTP: what this node knows, or, with
   * several nodes and no subscriber of the space here, read from the directory.
   */
  async presenceNow(
    spaceId: string,
    limit: number,
  ): Promise<{ counts: ReturnType<SpacePresence['counts']> | null; listed: ListenerDto[] }> {
    const space = this.spacesById.get(spaceId);
    if (space || !this.o.directory) {
      return { counts: this.counts(spaceId), listed: this.listeners(spaceId, limit) };
    }
    const people = await this.o.directory.everyone(spaceId);
    if (people.size === 0) return { counts: null, listed: [] };
    const listed = [...people.values()].filter((l): l is ListenerDto => l !== null);
    const total = people.size;
    const unique = await this.o.spaces.totalListeners(spaceId);
    return {
      counts: {
        now_total: total,
        now_listed: listed.length,
        now_anonymous: total - listed.length,
        total_unique: Math.max(unique, total),
      },
      listed: listed.slice(0, limit),
    };
  }

  /**
   * The bus was down: events committed on other nodes meanwhile never reached
   * this node, and a client only notices a gap at the next event, which may
   * never come. So every subscriber here gets a fresh snapshot of the stored
   * state, and this node's presence is written to the directory again.
   */
  private async resyncAll(): Promise<void> {
    if (this.closed) return;
    if (this.o.directory) this.refreshDirectory();
    for (const [spaceId, space] of [...this.spacesById]) {
      // Our cached copy missed the other nodes' invalidations.
      this.o.spaces.invalidate(spaceId, Number.POSITIVE_INFINITY);
      const state = await this.o.spaces.get(spaceId).catch(() => null);
      if (!state) continue;
      for (const conn of [...space.subscribers.keys()]) {
        if (this.spacesById.get(spaceId) === space && conn.spaces.has(spaceId))
          await this.sendSnapshot(conn, spaceId, space, state);
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
    this.flush();
    for (const space of this.spacesById.values()) space.fanout.drain();
    for (const ws of this.wss.clients) ws.close(1001, 'server shutting down');
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
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

/** A person arrived in a space on this node (`present`) or their last connection here left it. */
export type PresenceListener = (spaceId: string, key: string, present: boolean) => void;
export type SpaceEventsListener = (spaceId: string, events: SpaceEventPayload[]) => void;

function refuse(socket: Duplex, status: string): void {
  if (!socket.destroyed) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\n\r\n`);
}

/** The request's URL, or null when it is not one (`//`, a bare `http:`). */
function parseUrl(raw: string | undefined): URL | null {
  try {
    return new URL(raw ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

/** How presence, device records and bans name a person. */
function identityOf(viewer: Viewer): string | null {
  if (viewer.kind === 'user') return `user:${viewer.user.id}`;
  if (viewer.kind === 'guest') return `guest:${viewer.guestId}`;
  return null;
}
