import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ServerMessage } from '@salon/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { WebSocket, WebSocketServer } from 'ws';
import {
  type Credential,
  credentialOf,
  readCookie,
  SESSION_COOKIE,
} from '../accounts/credentials.js';
import { DEVICE_COOKIE, isDeviceId } from '../accounts/device.js';
import type { AccountService } from '../accounts/service.js';
import type { Viewer } from '../accounts/viewer.js';
import { checkRequestSource, type OriginPolicy, sourceOf } from '../http/origin.js';
import { AddressLimit, clientAddress } from './address-limit.js';
import type { Holder } from './authority.js';
import type { FanoutTarget } from './fanout.js';
import type { PresenceMember } from './presence.js';

export const REALTIME_PATH = '/api/v1/realtime';

/** What an extension sees of a connection. */
export interface RealtimeConnection {
  readonly id: number;
  readonly viewer: Viewer;
  /** The browser (`salon_device` cookie), when it sent one. */
  readonly device: string | null;
  /** Serializes and sends if the socket is open. */
  send(message: object): void;
}

export interface Connection extends RealtimeConnection {
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

export interface HandshakeOptions {
  accounts: AccountService;
  logger: FastifyBaseLogger;
  /** WebSocket connections one client address may hold; unlimited without it. */
  connectionsPerAddress?: number;
  /** Behind a trusted proxy, the client address is X-Forwarded-For's. */
  trustProxy?: boolean;
  /** Whose pages may open a socket on a visitor's cookies (CSRF); unchecked without it. */
  origins?: () => OriginPolicy;
  /** Whether the gateway has closed: it accepts no more sockets. */
  closed(): boolean;
  /** A socket passed every check and is now a WebSocket. */
  accept(ws: WebSocket, socket: Duplex, viewer: Viewer, device: string | null): void;
}

/**
 * The WebSocket handshake: the path, the per-address limit, the page's origin
 * and the viewer (cookie, token or bearer header), then the upgrade.
 */
export class Handshake {
  readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  private readonly addresses: AddressLimit;

  constructor(private readonly o: HandshakeOptions) {
    this.addresses = new AddressLimit(o.connectionsPerAddress ?? Number.POSITIVE_INFINITY);
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
    if (!url || url.pathname !== REALTIME_PATH || this.o.closed()) {
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
      this.o.accept(ws, socket, viewer, isDeviceId(device) ? device : null);
    });
  }

  /**
   * `?token=` (guest or session token), else the bearer header or the session
   * cookie, parsed as HTTP parses them (accounts/credentials.ts); none means
   * anonymous, and a header that is not `Bearer <token>` is refused.
   */
  private async authenticate(request: IncomingMessage, url: URL): Promise<Viewer | null> {
    const query = url.searchParams.get('token');
    let credential: Credential | null;
    try {
      credential =
        query !== null
          ? { token: query, from: 'bearer' }
          : credentialOf(
              request.headers.authorization,
              readCookie(request.headers.cookie, SESSION_COOKIE),
            );
    } catch {
      return null;
    }
    if (!credential?.token) return { kind: 'anonymous' };
    const viewer = await this.o.accounts.authenticate(credential.token);
    if (viewer) return viewer;
    // A stale cookie means signed out; an explicit token that fails is refused.
    return credential.from === 'bearer' ? null : { kind: 'anonymous' };
  }

  /** Closes the WebSocket server (its clients are closed by the gateway first). */
  close(): Promise<void> {
    return new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

/** A connection over an accepted WebSocket, in no space yet. */
export function newConnection(
  id: number,
  ws: WebSocket,
  socket: Duplex,
  viewer: Viewer,
  device: string | null,
): Connection {
  return {
    id,
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
}

/** Sends a server message if the socket is open. */
export function sendTo(conn: Connection, message: ServerMessage): void {
  if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(JSON.stringify(message));
}

/** Sends text already serialized if the socket is open. */
export function sendText(conn: Connection, text: string): void {
  if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(text);
}

/** How presence, device records and bans name a person. */
export function identityOf(viewer: Viewer): string | null {
  if (viewer.kind === 'user') return `user:${viewer.user.id}`;
  if (viewer.kind === 'guest') return `guest:${viewer.guestId}`;
  return null;
}

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
