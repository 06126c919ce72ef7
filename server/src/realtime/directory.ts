import type { ListenerDto } from '@salon/protocol';
import { Redis } from 'ioredis';

/** Everyone in a space, on every node: person key → their listing (null: counted, not listed). */
export type PresenceView = Map<string, ListenerDto | null>;

/**
 * The presence of every Salon node, so that counts and listener lists are
 * the same on every node and a person with tabs on two nodes counts once.
 * Each node reports the people it holds (once per person, however many
 * tabs) and reads everyone's; what a node stopped reporting (it crashed)
 * expires.
 */
export interface PresenceDirectory {
  /** This node now holds this person in the space (again, or with another listing). */
  set(spaceId: string, key: string, listed: ListenerDto | null): void;
  /** This node no longer holds this person. */
  remove(spaceId: string, key: string): void;
  /** Everything this node holds in a space, rewritten whole (heals what Redis lost). */
  refresh(spaceId: string, people: Iterable<[string, ListenerDto | null]>): Promise<void>;
  /** Everyone in a space on every node. */
  everyone(spaceId: string): Promise<PresenceView>;
  close(): Promise<void>;
}

/** How long a node's report lives without a refresh: a crashed node's people leave after this. */
export const PRESENCE_TTL_SECONDS = 30;

/**
 * In Redis: one hash per space per node (`presence:<space>:<node>`, field =
 * person key, value = listing JSON or ""), expiring unless refreshed, and a
 * set of the nodes reporting for the space (`presence:<space>:nodes`).
 */
export class RedisPresence implements PresenceDirectory {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly nodeId: string,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 3 });
    // Errors are retried by ioredis; an unhandled 'error' event would crash the process.
    this.redis.on('error', () => {});
  }

  private hash(spaceId: string, node = this.nodeId): string {
    return `presence:${spaceId}:${node}`;
  }

  private nodes(spaceId: string): string {
    return `presence:${spaceId}:nodes`;
  }

  set(spaceId: string, key: string, listed: ListenerDto | null): void {
    this.redis
      .multi()
      .hset(this.hash(spaceId), key, listed ? JSON.stringify(listed) : '')
      .expire(this.hash(spaceId), PRESENCE_TTL_SECONDS)
      .sadd(this.nodes(spaceId), this.nodeId)
      .expire(this.nodes(spaceId), PRESENCE_TTL_SECONDS)
      .exec()
      .catch(this.onError);
  }

  remove(spaceId: string, key: string): void {
    this.redis.hdel(this.hash(spaceId), key).catch(this.onError);
  }

  async refresh(spaceId: string, people: Iterable<[string, ListenerDto | null]>): Promise<void> {
    const fields: string[] = [];
    for (const [key, listed] of people) fields.push(key, listed ? JSON.stringify(listed) : '');
    const tx = this.redis.multi().del(this.hash(spaceId));
    if (fields.length > 0) {
      tx.hset(this.hash(spaceId), ...fields)
        .expire(this.hash(spaceId), PRESENCE_TTL_SECONDS)
        .sadd(this.nodes(spaceId), this.nodeId)
        .expire(this.nodes(spaceId), PRESENCE_TTL_SECONDS);
    } else {
      tx.srem(this.nodes(spaceId), this.nodeId);
    }
    await tx.exec();
  }

  async everyone(spaceId: string): Promise<PresenceView> {
    const nodes = await this.redis.smembers(this.nodes(spaceId));
    const view: PresenceView = new Map();
    if (nodes.length === 0) return view;
    const pipeline = this.redis.pipeline();
    for (const node of nodes) pipeline.hgetall(this.hash(spaceId, node));
    const results = (await pipeline.exec()) ?? [];
    const gone: string[] = [];
    results.forEach(([error, value], i) => {
      const fields = (error ? {} : value) as Record<string, string>;
      const entries = Object.entries(fields);
      // A node whose report expired (it stopped, or crashed) no longer counts.
      if (entries.length === 0) gone.push(nodes[i]!);
      for (const [key, listing] of entries) {
        // Listed on any node means listed: someone signed in with one tab incognito.
        if (listing) view.set(key, JSON.parse(listing) as ListenerDto);
        else if (!view.has(key)) view.set(key, null);
      }
    });
    if (gone.length > 0) this.redis.srem(this.nodes(spaceId), ...gone).catch(this.onError);
    return view;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
