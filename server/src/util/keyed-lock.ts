/**
 * In-process locks by key: `run(key, fn)` runs `fn` after every earlier `fn`
 * of the same key has settled, and at most `limit` of them (all keys
 * together) at once. The media's seat lock uses it in front of a database
 * lock, so that one Salon node holds at most `limit` database connections
 * waiting for seats, whatever the join storm.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit = Number.POSITIVE_INFINITY) {}

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.catch(() => undefined).then(() => this.bounded(fn));
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  private async bounded<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running += 1;
    try {
      return await fn();
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }
}
