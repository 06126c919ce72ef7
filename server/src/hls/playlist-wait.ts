import { lastSequence } from './playlist.js';

/**
 * LL-HLS blocking playlist reload for the live playlist: a request for
 * `index.m3u8?_HLS_msn=N` is answered once segment N is listed, so a player
 * learns of each segment within a poll of it being written, not up to half a
 * target duration later. No state per player: the waiters of one playlist
 * share one poll (every `pollMs`, of the origin's cached copy), and what a
 * waiter gets is the playlist everyone gets. A request for a segment more than
 * two ahead is answered at once (as the spec's 400 would make a player do), and
 * none waits longer than `maxWaitMs` (three target durations): it then gets
 * the playlist as it is.
 */
export class LivePlaylistWaits {
  private readonly polls = new Map<
    string,
    { timer: NodeJS.Timeout; waiters: Set<{ msn: number; done: () => void }> }
  >();

  constructor(
    /** The live playlist's current text, or null (not written yet). */
    private readonly read: (key: string) => Promise<string | null>,
    private readonly o: { pollMs?: number; maxWaitMs?: number } = {},
  ) {}

  /** Resolves once the playlist under `key` lists segment `msn`, or when it is time to answer anyway. */
  async until(key: string, msn: number): Promise<void> {
    const text = await this.read(key);
    const last = text === null ? -1 : lastSequence(text);
    if (last >= msn || msn > last + 2) return;
    await new Promise<void>((resolve) => {
      let poll = this.polls.get(key);
      if (!poll) {
        const created = {
          timer: setInterval(() => void this.check(key), this.o.pollMs ?? 20),
          waiters: new Set<{ msn: number; done: () => void }>(),
        };
        this.polls.set(key, created);
        poll = created;
      }
      const waiters = poll.waiters;
      const waiter = {
        msn,
        done: () => {
          clearTimeout(timeout);
          waiters.delete(waiter);
          resolve();
        },
      };
      const timeout = setTimeout(waiter.done, this.o.maxWaitMs ?? 3000);
      waiters.add(waiter);
    });
    this.release(key);
  }

  /** Waiters in flight, for tests. */
  get waiting(): number {
    let n = 0;
    for (const poll of this.polls.values()) n += poll.waiters.size;
    return n;
  }

  close(): void {
    for (const poll of this.polls.values()) {
      clearInterval(poll.timer);
      for (const waiter of [...poll.waiters]) waiter.done();
    }
    this.polls.clear();
  }

  private async check(key: string): Promise<void> {
    const poll = this.polls.get(key);
    if (!poll) return;
    const text = await this.read(key).catch(() => null);
    if (text === null) return;
    const last = lastSequence(text);
    for (const waiter of [...poll.waiters]) if (waiter.msn <= last) waiter.done();
    this.release(key);
  }

  private release(key: string): void {
    const poll = this.polls.get(key);
    if (poll && poll.waiters.size === 0) {
      clearInterval(poll.timer);
      this.polls.delete(key);
    }
  }
}
