import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * Carries realtime messages between Salon nodes. Messages are strings,
 * usually an already-serialized server message, so a space event is encoded
 * once for the whole cluster. In-process for one node; Redis pub/sub for many.
 */
export interface Bus {
  publish(channel: string, message: string): void;
  subscribe(channel: string, handler: (message: string) => void): () => void;
  /** Whether messages reach the other nodes now (readiness reports it). */
  health(): 'ok' | 'unreachable';
  /**
   * The bus came back after losing its connection: messages from other nodes
   * in between were not delivered here, so whoever keeps state from them must
   * catch up. Handlers run in the order they were added.
   */
  onReconnected(handler: () => void): () => void;
  close(): Promise<void>;
}

/** This node's subscribers, by channel; every bus delivers to them the same way. */
class LocalHandlers {
  private readonly handlers = new Map<string, Set<(message: string) => void>>();

  /** Returns true when it is the channel's first handler. */
  add(channel: string, handler: (message: string) => void): { first: boolean; remove(): boolean } {
    let set = this.handlers.get(channel);
    const first = !set;
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
    }
    set.add(handler);
    return {
      first,
      // Returns true when it was the channel's last handler.
      remove: () => {
        if (!set.delete(handler)) return false;
        if (set.size > 0 || this.handlers.get(channel) !== set) return false;
        this.handlers.delete(channel);
        return true;
      },
    };
  }

  /** Delivered on the next tick, as a network bus would: publishers never re-enter handlers. */
  deliver(channel: string, message: string): void {
    const set = this.handlers.get(channel);
    if (!set) return;
    queueMicrotask(() => {
      for (const handler of set) handler(message);
    });
  }

  clear(): void {
    this.handlers.clear();
  }
}

export class MemoryBus implements Bus {
  private readonly local = new LocalHandlers();

  publish(channel: string, message: string): void {
    this.local.deliver(channel, message);
  }

  subscribe(channel: string, handler: (message: string) => void): () => void {
    const entry = this.local.add(channel, handler);
    return () => {
      entry.remove();
    };
  }

  health(): 'ok' {
    return 'ok';
  }

  onReconnected(): () => void {
    return () => {};
  }

  async close(): Promise<void> {
    this.local.clear();
  }
}

/**
 * Redis pub/sub between nodes. A message is delivered to this node's own
 * subscribers directly and published to Redis with this node's id in front,
 * which the node skips when it comes back: local clients get every event even
 * while Redis is down, and never twice when it is up. Publishing is not
 * queued while Redis is away (a late event would only make clients resync);
 * after a reconnection, `onReconnected` handlers catch up instead.
 */
export class RedisBus implements Bus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly local = new LocalHandlers();
  private readonly reconnected = new Set<() => void>();
  /** Prefix of this node's messages on Redis: `<id>|`. */
  private readonly origin = `${randomBytes(9).toString('base64url')}|`;
  /** Whether the subscriber lost its connection since it was last ready. */
  private lost = false;
  private closing = false;
  private closed: Promise<void> | null = null;

  constructor(url: string) {
    // Fails at once while Redis is away rather than queueing stale events.
    this.pub = new Redis(url, { lazyConnect: false, enableOfflineQueue: false });
    // Subscriptions made while Redis is away wait for it, however long it takes.
    this.sub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: null });
    // Errors are retried by ioredis; an unhandled 'error' event would crash the process.
    this.pub.on('error', () => {});
    this.sub.on('error', () => {});
    this.sub.on('close', () => {
      if (!this.closing) this.lost = true;
    });
    this.sub.on('ready', () => {
      if (!this.lost) return;
      this.lost = false;
      // ioredis emits 'ready' just before it resubscribes, in the same turn: a
      // PING sent on the next microtask is answered after those subscriptions,
      // so nothing published once the handlers run is missed.
      queueMicrotask(() => {
        this.sub
          .ping()
          .then(() => {
            for (const handler of this.reconnected) handler();
          })
          .catch(() => {});
      });
    });
    this.sub.on('message', (channel: string, message: string) => {
      if (message.startsWith(this.origin)) return;
      const bar = message.indexOf('|');
      this.local.deliver(channel, message.slice(bar + 1));
    });
  }

  /** Resolves once both connections are up, so a node does not miss its first messages. */
  async ready(timeoutMs = 5_000): Promise<void> {
    await Promise.all([connected(this.pub, timeoutMs), connected(this.sub, timeoutMs)]);
  }

  publish(channel: string, message: string): void {
    this.local.deliver(channel, message);
    if (this.pub.status !== 'ready') return;
    this.pub.publish(channel, this.origin + message).catch(() => {});
  }

  subscribe(channel: string, handler: (message: string) => void): () => void {
    const entry = this.local.add(channel, handler);
    if (entry.first) this.sub.subscribe(channel).catch(() => {});
    return () => {
      if (entry.remove()) this.sub.unsubscribe(channel).catch(() => {});
    };
  }

  health(): 'ok' | 'unreachable' {
    return this.pub.status === 'ready' && this.sub.status === 'ready' ? 'ok' : 'unreachable';
  }

  onReconnected(handler: () => void): () => void {
    this.reconnected.add(handler);
    return () => this.reconnected.delete(handler);
  }

  close(): Promise<void> {
    this.closing = true;
    this.closed ??= Promise.all([this.pub.quit(), this.sub.quit()]).then(
      () => undefined,
      () => undefined,
    );
    return this.closed;
  }
}

/** Resolves when the connection is ready; a Redis that does not answer at start fails the start. */
function connected(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
