import { createSocket } from 'node:dgram';
import type { PortRange } from '../janus/config.js';

/**
 * Even UDP ports (with the odd one above, for RTCP) for packagers. A port is
 * handed out only if no packager of ours holds it and both ports bind right
 * now (another program may use the range); ffmpeg binds them a moment later.
 */
export class PortPool {
  private readonly held = new Set<number>();
  private next: number;

  constructor(private readonly range: PortRange) {
    this.next = evenAtLeast(range.min);
  }

  async take(): Promise<number> {
    const first = evenAtLeast(this.range.min);
    const slots = Math.floor((this.range.max - first) / 2);
    for (let i = 0; i < slots; i++) {
      const port = this.next;
      this.next = port + 2 + 1 > this.range.max ? first : port + 2;
      if (this.held.has(port)) continue;
      if ((await bindable(port)) && (await bindable(port + 1))) {
        this.held.add(port);
        return port;
      }
    }
    throw new Error(`no free UDP port pair in ${this.range.min}-${this.range.max}`);
  }

  /** Whether a port we hold is still free to bind again (its ffmpeg exited). */
  async stillFree(port: number): Promise<boolean> {
    return (await bindable(port)) && (await bindable(port + 1));
  }

  release(port: number): void {
    this.held.delete(port);
  }
}

function evenAtLeast(n: number): number {
  return n % 2 === 0 ? n : n + 1;
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      try {
        socket.close();
      } catch {
        // never bound: nothing to close
      }
      resolve(false);
    });
    // ffmpeg binds HLS_FORWARD_HOST only; the wildcard probe is stricter (any holder of the port).
    socket.bind(port, () => socket.close(() => resolve(true)));
  });
}
