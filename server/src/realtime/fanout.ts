import { performance } from 'node:perf_hooks';

/** What the fan-out writes to: a WebSocket and, when known, the socket under it. */
export interface FanoutTarget {
  /** True while frames can be written. */
  readonly open: boolean;
  /** Bytes queued but not yet written to the network. */
  readonly buffered: number;
  /** Writes one text frame (the buffer holds UTF-8 JSON). */
  write(data: Buffer): void;
  /** Groups the writes of one delivery into one system call, when the target can. */
  cork?(): void;
  uncork?(): void;
}

/** One subscriber's place in a space's fan-out. */
export interface FanoutSlot {
  readonly target: FanoutTarget;
  /** Sequence number of the last message this subscriber was given (or skipped). */
  delivered: number;
  /** Position in the ring, -1 once removed. */
  index: number;
  /**
   * False for a subscriber who may see the space but not hear it (a ticketed
   * space without a ticket): messages published as audio (who is speaking)
   * are skipped for them.
   */
  hears: boolean;
}

interface Entry {
  readonly data: Buffer;
  /** Best-effort messages (counts, reactions) are skipped for a client that is far behind. */
  readonly essential: boolean;
  /** Derived from the audio (speaking indicators): only for subscribers who hear. */
  readonly audio: boolean;
}

export interface FanoutOptions {
  /** A client with more than this many bytes queued gets no best-effort messages. */
  slowClientBytes?: number;
  /** How long one turn of the pump may hold the event loop before it yields. */
  sliceMs?: number;
}

/**
 * Fan-out of one space's messages to its subscribers, as a pump that goes
 * round the subscribers in a fixed order, each holding the sequence number
 * of the last message it got. Whatever was published since a subscriber's
 * last turn goes out in one corked write (one system call, however many
 * messages). So a message published while a broadcast is under way joins it
 * instead of queueing behind it: every subscriber has it within one turn of
 * the ring, and the cost of a turn — one write per subscriber — does not grow
 * with the number of messages in it.
 *
 * The pump yields to the event loop every `sliceMs`, so HTTP requests and
 * incoming messages are served while a large audience is written to.
 * Subscribers leaving mid-turn leave a hole that is compacted when the pump
 * wraps around, so the order within a turn never changes and nobody is
 * skipped.
 */
export class Fanout {
  private ring: (FanoutSlot | null)[] = [];
  private holes = 0;
  /** Messages not yet given to everyone; `log[i]` has sequence number `base + i + 1`. */
  private log: Entry[] = [];
  private base = 0;
  private head = 0;
  /** The sequence number reached when the pump last wrapped around. */
  private headAtWrap = 0;
  private position = 0;
  /** Consecutive visits, since the last publish, that left a subscriber up to date. */
  private cleanRun = 0;
  /** True while published messages have not reached every subscriber. */
  private active = false;
  private turn: NodeJS.Immediate | null = null;
  private readonly slowClientBytes: number;
  private readonly sliceMs: number;

  constructor(o: FanoutOptions = {}) {
    this.slowClientBytes = o.slowClientBytes ?? 1 << 20;
    this.sliceMs = o.sliceMs ?? 10;
  }

  get size(): number {
    return this.ring.length - this.holes;
  }

  /** Messages kept because someone may not have them yet. */
  get backlog(): number {
    return this.log.length;
  }

  /** True while published messages have not reached every subscriber. */
  get busy(): boolean {
    return this.active;
  }

  /** A new subscriber gets what is published from now on. */
  add(target: FanoutTarget): FanoutSlot {
    const slot: FanoutSlot = {
      target,
      delivered: this.head,
      index: this.ring.length,
      hears: true,
    };
    this.ring.push(slot);
    return slot;
  }

  remove(slot: FanoutSlot): void {
    if (slot.index < 0) return;
    this.ring[slot.index] = null;
    this.holes += 1;
    slot.index = -1;
    if (this.size === 0) this.reset();
  }

  /**
   * Queues one serialized message for every subscriber (with `audio`, for
   * those who hear); it goes out on the next turn of the event loop.
   */
  publish(text: string, essential: boolean, audio = false): void {
    if (this.size === 0) return;
    this.log.push({ data: Buffer.from(text), essential, audio });
    this.head += 1;
    this.cleanRun = 0;
    if (!this.active) {
      this.active = true;
      this.schedule();
    }
  }

  /** Gives one subscriber everything pending now (before a message sent to it directly). */
  catchUp(slot: FanoutSlot): void {
    if (slot.index >= 0 && slot.delivered < this.head) this.deliver(slot);
  }

  /** Delivers everything pending now, without yielding (for shutdown). */
  drain(): void {
    this.cancelTurn();
    if (this.active) this.pump(Number.POSITIVE_INFINITY);
  }

  private schedule(): void {
    this.turn = setImmediate(() => {
      this.turn = null;
      this.pump(this.sliceMs);
    });
  }

  private cancelTurn(): void {
    if (this.turn) clearImmediate(this.turn);
    this.turn = null;
  }

  private pump(sliceMs: number): void {
    const deadline = performance.now() + sliceMs;
    let visits = 0;
    while (this.cleanRun < this.size) {
      if (this.position >= this.ring.length) this.wrap();
      const slot = this.ring[this.position++];
      if (!slot) continue;
      if (slot.delivered < this.head) this.deliver(slot);
      this.cleanRun += 1;
      if ((++visits & 63) === 0 && performance.now() > deadline) {
        this.schedule();
        return;
      }
    }
    // Everyone has everything.
    this.active = false;
    this.log = [];
    this.base = this.head;
  }

  private deliver(slot: FanoutSlot): void {
    const target = slot.target;
    const from = slot.delivered - this.base;
    slot.delivered = this.head;
    if (!target.open) return;
    const slow = target.buffered > this.slowClientBytes;
    target.cork?.();
    try {
      for (let i = from; i < this.log.length; i++) {
        const entry = this.log[i]!;
        if (slow && !entry.essential) continue;
        if (entry.audio && !slot.hears) continue;
        target.write(entry.data);
      }
    } finally {
      target.uncork?.();
    }
  }

  /**
   * Back at the start of the ring. Every subscriber present during the turn
   * that just ended was visited in it, and later ones started at the head,
   * so everything up to the head at the previous wrap has reached everyone.
   */
  private wrap(): void {
    this.position = 0;
    const done = this.headAtWrap - this.base;
    if (done > 0) {
      this.log.splice(0, done);
      this.base = this.headAtWrap;
    }
    this.headAtWrap = this.head;
    if (this.holes > 0) {
      const live = this.ring.filter((slot): slot is FanoutSlot => slot !== null);
      live.forEach((slot, i) => {
        slot.index = i;
      });
      this.ring = live;
      this.holes = 0;
    }
  }

  private reset(): void {
    this.ring = [];
    this.holes = 0;
    this.log = [];
    this.base = this.head;
    this.headAtWrap = this.head;
    this.position = 0;
    this.cleanRun = 0;
    this.active = false;
    this.cancelTurn();
  }
}
