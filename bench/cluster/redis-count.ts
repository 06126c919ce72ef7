/**
 * Counts the Redis pub/sub messages that concern one space, by listening to
 * every channel (PSUBSCRIBE *) and keeping those whose channel or payload
 * names the space: what one event costs the bus, whatever else shares Redis.
 */
import { Redis } from 'ioredis';

export interface RedisCounter {
  /** Messages about the space since the last reset. */
  count(): number;
  reset(): void;
  close(): Promise<void>;
}

export async function countSpaceMessages(url: string, spaceId: string): Promise<RedisCounter> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  await redis.connect();
  let seen = 0;
  redis.on('pmessage', (_pattern: string, channel: string, message: string) => {
    if (channel.includes(spaceId) || message.includes(spaceId)) seen += 1;
  });
  await redis.psubscribe('*');
  return {
    count: () => seen,
    reset: () => {
      seen = 0;
    },
    close: async () => {
      redis.disconnect();
    },
  };
}
