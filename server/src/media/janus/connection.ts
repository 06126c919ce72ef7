import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { JanusError } from './errors.js';
import {
  JANUS_SUBPROTOCOL,
  type JanusIncoming,
  type JanusOutgoing,
  JanusReply,
} from './protocol.js';

export interface JanusConnectionOptions {
  /** e.g. ws://127.0.0.1:8188 */
  url: string;
  /** Janus `api_secret`, added to every request when set. */
  apiSecret?: string;
  /** Per-request deadline unless a request says otherwise. */
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/**
 * What settles a transaction: `reply` is the first answer (success, ack,
 * server_info); `event` skips the ack and waits for the plugin's event,
 * which is how Janus answers async plugin requests (join, configure, watch).
 */
export type Settle = 'reply' | 'event';

/** A session's share of the socket: its pushes, and the end of the socket. */
export interface SessionSubscriber {
  message(message: JanusIncoming): void;
  closed(error: JanusError): void;
}

export interface JanusConnectionEvents {
  /** Once, when the socket is gone for good; open a new connection to go on. */
  closed: [error: JanusError];
}

interface Pending {
  request: string;
  settle: Settle;
  resolve(message: JanusIncoming): void;
  reject(error: JanusError): void;
  timer: NodeJS.Timeout;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/**
 * One WebSocket to the Janus API. Owns the transaction map: every request gets
 * a deadline, and everything still pending is rejected when the socket closes.
 * It does not reconnect by itself: a restarted Janus has forgotten every
 * session, so the owner must rebuild state anyway and opens a new connection.
 */
export class JanusConnection extends EventEmitter<JanusConnectionEvents> {
  static open(options: JanusConnectionOptions): Promise<JanusConnection> {
    const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(options.url, JANUS_SUBPROTOCOL, {
        handshakeTimeout: connectTimeoutMs,
        perMessageDeflate: false,
      });
      const fail = (cause: unknown): void => {
        ws.removeAllListeners();
        ws.on('error', () => {});
        ws.terminate();
        reject(JanusError.closed(`Janus connection to ${options.url}`, cause));
      };
      ws.once('error', fail);
      ws.once('close', (code) => fail(new Error(`socket closed (${code})`)));
      ws.once('open', () => {
        ws.removeAllListeners();
        resolve(new JanusConnection(ws, options));
      });
    });
  }

  readonly url: string;
  private readonly pending = new Map<string, Pending>();
  private readonly subscribers = new Map<number, SessionSubscriber>();
  private readonly requestTimeoutMs: number;
  private readonly apiSecret: string | undefined;
  private closeError: JanusError | undefined;
  private nextTransaction = 0;
  private readonly transactionPrefix = randomBytes(4).toString('hex');

  private constructor(
    private readonly ws: WebSocket,
    options: JanusConnectionOptions,
  ) {
    super();
    this.url = options.url;
    this.apiSecret = options.apiSecret;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    ws.on('message', (data) => this.handleMessage(data.toString()));
    ws.on('close', (code, reason) =>
      this.shutdown(new Error(`socket closed (${code} ${reason.toString()})`)),
    );
    ws.on('error', (error) => this.shutdown(error));
  }

  get closed(): boolean {
    return this.closeError !== undefined;
  }

  /** Sends one request and resolves with the message that settles it. */
  send(
    body: JanusOutgoing,
    options: { settle?: Settle; timeoutMs?: number } = {},
  ): Promise<JanusIncoming> {
    const request = describe(body);
    if (this.closeError) return Promise.reject(this.closeError);
    const transaction = `${this.transactionPrefix}-${(this.nextTransaction++).toString(36)}`;
    const message = {
      ...body,
      transaction,
      ...(this.apiSecret ? { apisecret: this.apiSecret } : {}),
    };
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(JanusError.timeout(request, timeoutMs));
      }, timeoutMs);
      this.pending.set(transaction, {
        request,
        settle: options.settle ?? 'reply',
        resolve,
        reject,
        timer,
      });
      this.ws.send(JSON.stringify(message), (error) => {
        if (error) this.settle(transaction)?.reject(JanusError.closed('Janus connection', error));
      });
    });
  }

  /** Routes pushes for one session (those without a pending transaction). */
  subscribe(sessionId: number, subscriber: SessionSubscriber): () => void {
    this.subscribers.set(sessionId, subscriber);
    return () => {
      if (this.subscribers.get(sessionId) === subscriber) this.subscribers.delete(sessionId);
    };
  }

  /** Idempotent. Rejects every pending request and tells every session. */
  close(): void {
    this.shutdown(undefined);
  }

  private handleMessage(text: string): void {
    let message: JanusIncoming;
    try {
      message = JSON.parse(text) as JanusIncoming;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null || typeof message.janus !== 'string') {
      return;
    }
    const pending = message.transaction ? this.pending.get(message.transaction) : undefined;
    if (pending && message.transaction) {
      if (message.janus === JanusReply.ack && pending.settle === 'event') return;
      this.settle(message.transaction);
      if (message.janus === JanusReply.error) {
        const { code = 0, reason = 'unknown error' } = message.error ?? {};
        pending.reject(JanusError.fromJanus(code, reason, pending.request));
      } else {
        pending.resolve(message);
      }
      return;
    }
    if (message.session_id !== undefined)
      this.subscribers.get(message.session_id)?.message(message);
  }

  private settle(transaction: string): Pending | undefined {
    const pending = this.pending.get(transaction);
    if (!pending) return undefined;
    clearTimeout(pending.timer);
    this.pending.delete(transaction);
    return pending;
  }

  private shutdown(cause: unknown): void {
    if (this.closeError) return;
    const error = JanusError.closed('Janus connection', cause);
    this.closeError = error;
    this.ws.removeAllListeners('message');
    this.ws.on('error', () => {});
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
    else this.ws.terminate();
    for (const transaction of [...this.pending.keys()]) this.settle(transaction)?.reject(error);
    const subscribers = [...this.subscribers.values()];
    this.subscribers.clear();
    for (const subscriber of subscribers) subscriber.closed(error);
    this.emit('closed', error);
  }
}

/** "message audiobridge.mute_room" reads better in errors than a bare verb. */
function describe(body: JanusOutgoing): string {
  const inner = body['body'];
  if (inner && typeof inner === 'object' && 'request' in inner) {
    return `${body.janus} ${String((inner as { request: unknown }).request)}`;
  }
  return body.janus;
}
