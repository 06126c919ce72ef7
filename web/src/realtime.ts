/**
 * The one realtime WebSocket of the app. It owns the wire: connecting,
 * reconnecting with backoff after a drop, resubscribing to the spaces the
 * app follows, and noticing a dead connection with pings. It reports only
 * through typed listeners, so tests drive it with a fake socket.
 */
import {
  CLOSE_ACCOUNT_SUSPENDED,
  CLOSE_SIGNED_OUT,
  type ClientMessage,
  type ReactionEmoji,
  type ServerMessage,
} from '@salon/protocol';
import { API_BASE } from './api';

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting';

/** What the client needs of a WebSocket (the browser's, or a fake in tests). */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface RealtimeOptions {
  /** The URL to connect to, asked before every attempt (a guest token may change). */
  url: () => string;
  createSocket?: (url: string) => SocketLike;
  /** First retry delay; doubles up to `maxDelayMs`, with jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How often to ping, and how long to wait for any message before declaring the link dead. */
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
  random?: () => number;
}

const OPEN = 1;

interface Subscription {
  incognito: boolean;
}

export class RealtimeClient {
  private socket: SocketLike | null = null;
  private stateValue: ConnectionState = 'idle';
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private lastHeard = 0;
  private requestCounter = 0;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly messageListeners = new Set<(message: ServerMessage) => void>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly o: Required<Omit<RealtimeOptions, 'createSocket'>> & {
    createSocket: (url: string) => SocketLike;
  };

  constructor(options: RealtimeOptions) {
    this.o = {
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      baseDelayMs: 500,
      maxDelayMs: 8_000,
      pingIntervalMs: 20_000,
      pongTimeoutMs: 10_000,
      random: Math.random,
      ...options,
    };
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  get subscribed(): string[] {
    return [...this.subscriptions.keys()];
  }

  onMessage(listener: (message: ServerMessage) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Connects unless already connected or connecting. */
  start(): void {
    if (this.socket || this.retryTimer) return;
    this.connect('connecting');
  }

  /** Closes the connection and forgets every subscription. */
  stop(): void {
    this.subscriptions.clear();
    this.teardown();
    this.attempt = 0;
    this.setState('idle');
  }

  /** A new connection now (another account signed in): subscriptions are kept and renewed. */
  restart(): void {
    this.teardown();
    this.attempt = 0;
    this.connect('connecting');
  }

  /** The network is back (the browser says so): try now instead of waiting out the backoff. */
  retryNow(): void {
    if (!this.retryTimer) return;
    clearTimeout(this.retryTimer);
    this.connect('reconnecting');
  }

  /** Follow a space; (re)sent after every reconnect. */
  subscribe(spaceId: string, options: { incognito?: boolean } = {}): void {
    this.subscriptions.set(spaceId, { incognito: options.incognito === true });
    this.sendSubscribe(spaceId);
  }

  /** Ask again for a space's snapshot (after a gap in its versions). */
  resync(spaceId: string): void {
    if (this.subscriptions.has(spaceId)) this.sendSubscribe(spaceId);
  }

  unsubscribe(spaceId: string): void {
    if (!this.subscriptions.delete(spaceId)) return;
    this.send({ type: 'unsubscribe', space_id: spaceId });
  }

  react(spaceId: string, emoji: ReactionEmoji): boolean {
    return this.send({ type: 'react', space_id: spaceId, emoji });
  }

  /** Sends when open; returns whether it was sent. */
  send(message: ClientMessage): boolean {
    if (this.socket?.readyState !== OPEN || this.stateValue !== 'open') return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private sendSubscribe(spaceId: string): void {
    const sub = this.subscriptions.get(spaceId);
    if (!sub) return;
    this.requestCounter += 1;
    this.send({
      type: 'subscribe',
      space_id: spaceId,
      ...(sub.incognito ? { incognito: true } : {}),
      request_id: `subscribe:${spaceId}:${this.requestCounter}`,
    });
  }

  private connect(state: ConnectionState): void {
    this.retryTimer = null;
    this.setState(state);
    let socket: SocketLike;
    try {
      socket = this.o.createSocket(this.o.url());
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.lastHeard = Date.now();
      this.setState('open');
      for (const spaceId of this.subscriptions.keys()) this.sendSubscribe(spaceId);
      this.startPings();
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      this.lastHeard = Date.now();
      let message: ServerMessage;
      try {
        message = JSON.parse(String(event.data)) as ServerMessage;
      } catch {
        return;
      }
      for (const listener of [...this.messageListeners]) listener(message);
    };
    socket.onerror = () => {
      // A close event always follows; reconnecting happens there.
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.stopPings();
      // Suspended or signed out: the server said why (an `error` first); reconnecting cannot help.
      const code = (event as { code?: number } | null)?.code;
      if (code === CLOSE_ACCOUNT_SUSPENDED || code === CLOSE_SIGNED_OUT) {
        this.setState('idle');
        return;
      }
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    const delay = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** this.attempt);
    this.attempt += 1;
    // Jitter spreads out the reconnects of many clients after a server restart.
    const wait = Math.round(delay * (0.5 + this.o.random() * 0.5));
    this.setState('reconnecting');
    this.retryTimer = setTimeout(() => this.connect('reconnecting'), wait);
  }

  private startPings(): void {
    this.stopPings();
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastHeard > this.o.pingIntervalMs + this.o.pongTimeoutMs) {
        // Nothing heard, not even a pong: the link is dead even if the socket does not know it.
        const dead = this.socket;
        this.socket = null;
        this.stopPings();
        dead?.close(4000, 'no pong');
        this.scheduleRetry();
        return;
      }
      this.send({ type: 'ping' });
    }, this.o.pingIntervalMs);
  }

  private stopPings(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private teardown(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.stopPings();
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'closing');
  }

  private setState(state: ConnectionState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    for (const listener of [...this.stateListeners]) listener(state);
  }
}

/** The gateway's URL on this origin; guests add their token. */
export function realtimeUrl(guestToken: string | null, location: Location = window.location) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = guestToken ? `?token=${encodeURIComponent(guestToken)}` : '';
  return `${scheme}//${location.host}${API_BASE}/realtime${query}`;
}
