import { Redis } from 'ioredis';

/**
 * Carries realtime messages between Salon nodes. Messages are strings,
 * usually an already-serialized server message, so a space event is encoded
 * once for the whole cluster. In-process for one node; Redis pub/sub for many.
 */
export interface Bus {
  publish(channel: string, message: string): void;
  subscribe(channel: string, handler: (message: string) => void): () => void;
  close(): Promise<void>;
}

export class MemoryBus implements Bus {
  private readonly handlers = new Map<string, Set<(message: string) => void>>();

  publish(channel: string, message: string): void {
    const set = this.handlers.get(channel);
    if (!set) return;
    // Delivered on the next tick, as a network bus would: publishers never re-enter handlers.
    queueMicrotask(() => {
      for (const handler of set) handler(message);
    });
  }

  subscribe(channel: string, handler: (message: string) => void): () => void {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
    }
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0) this.handlers.delete(channel);
    };
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}

export class RedisBus implements Bus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly handlers = new Map<string, Set<(message: string) => void>>();
  private closed: Promise<void> | null = null;

  constructor(url: string) {
    this.pub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.sub = new Redis(url, { lazyConnect: false });
    // Errors are retried by ioredis; an unhandled 'error' event would crash the process.
    this.pub.on('error', () => {});
    this.sub.on('error', () => {});
    this.sub.on('message', (channel: string, message: string) => {
      for (const handler of this.handlers.get(channel) ?? []) handler(message);
    });
  }

  /** Resolves once both connections are up, so a node does not miss its first messages. */
  async ready(): Promise<void> {
    await Promise.all([this.pub.ping(), this.sub.ping().catch(() => undefined)]);
  }

  publish(channel: string, message: string): void {
    this.pub.publish(channel, message).catch(() => {});
  }

  subscribe(channel: string, handler: (message: string) => void): () => void {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      this.sub.subscribe(channel).catch(() => {});
    }
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0) {
        this.handlers.delete(channel);
        this.sub.unsubscribe(channel).catch(() => {});
      }
    };
  }

  close(): Promise<void> {
    this.closed ??= Promise.all([this.pub.quit(), this.sub.quit()]).then(
      () => undefined,
      () => undefined,
    );
    return this.closed;
  }
}
