/**
 * At most `size` tasks at once; the rest wait in order. Engines use it so
 * that many speakers cannot start many decoders (or requests) at once.
 */
export class Limit {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {}

  get busy(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Whether a task would start at once. */
  get free(): boolean {
    return this.running < this.size;
  }

  /** `first`: ahead of those waiting (a final line before anyone's partial). */
  async run<T>(task: () => Promise<T>, first = false): Promise<T> {
    if (this.running >= this.size)
      await new Promise<void>((go) => (first ? this.waiting.unshift(go) : this.waiting.push(go)));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
