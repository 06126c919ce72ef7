/**
 * Stalls of this process's event loop: a 10 ms timer that fires 100 ms or
 * more late means every timer of the process (a publisher's 10 ms frames, a
 * listener's reads) waited that long. Counted per check window, so that a
 * glitch can be put down to the process that stalled.
 */
import { performance } from 'node:perf_hooks';

const TICK_MS = 10;
const STALL_MS = 100;

export interface StallCount {
  stalls: number;
  stalledMs: number;
}

export class Stalls {
  private last = performance.now();
  private count: StallCount = { stalls: 0, stalledMs: 0 };
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => {
      const now = performance.now();
      const late = now - this.last - TICK_MS;
      if (late >= STALL_MS) {
        this.count.stalls += 1;
        this.count.stalledMs += late;
      }
      this.last = now;
    }, TICK_MS);
    this.timer.unref();
  }

  /** What was counted since the last take, and starts again. */
  take(): StallCount {
    const out = { ...this.count, stalledMs: Math.round(this.count.stalledMs) };
    this.count = { stalls: 0, stalledMs: 0 };
    return out;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
