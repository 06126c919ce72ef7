/**
 * One negotiated way of hearing a space (AudioController): what it holds, and
 * closing it releases all of it. A new link replaces it on every renegotiation.
 */
import type { StageFeed } from './feeds';
import type { HlsPlayback } from './hls';
import type { AudioRoute } from './state';

/** A listener hears the space; a stage member publishes to it and hears its return audio. */
export type LinkMode = 'listen' | 'stage';

/** One negotiated way of hearing a space; closing it releases everything it holds. */
export class Link {
  closed = false;
  route: AudioRoute | null = null;
  /** The mix's connection (a listener's) or the stage's. */
  pc: RTCPeerConnection | null = null;
  hls: HlsPlayback | null = null;
  played = false;
  connected = false;
  /** The mix (or the stage's return audio) as received. */
  mixStream: MediaStream | null = null;
  /** Kept silent from the start: per-speaker volumes were set, the feeds are coming. */
  mixQuiet = false;
  /** A listener's mix was stopped: the feeds carry the audio. */
  mixStopped = false;
  /** A listener going back from the feeds to the mix (the feeds play until it connects). */
  remixing = false;
  /** A stage member's own feed, published while wanted. */
  feed: StageFeed | null = null;
  private timers: ReturnType<typeof setTimeout>[] = [];

  constructor(
    readonly spaceId: string,
    readonly mode: LinkMode,
  ) {}

  later(ms: number, run: () => void): void {
    this.timers.push(
      setTimeout(() => {
        if (!this.closed) run();
      }, ms),
    );
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.pc?.close();
    this.hls?.close();
    this.feed?.close();
  }
}
