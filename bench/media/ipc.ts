/** Messages between the CPU phase (parent) and the load generator (child), over Node IPC. */
import type { AudioCheck } from './audio.js';

export type ToGenerator =
  | {
      type: 'init';
      url: string;
      apiSecret: string;
      mountpoint: number;
      concurrency: number;
      /** `decode`: plain libwebrtc viewers; `wire`: viewers that do not decode (peers.ts). */
      mode: 'decode' | 'wire';
    }
  /** Connect listeners until the generator holds `count`. */
  | { type: 'grow'; count: number }
  | { type: 'windowStart' }
  | { type: 'windowEnd' }
  | { type: 'close' };

export interface GrowResult {
  type: 'grown';
  count: number;
  failed: number;
  /** Last failure, for the log. */
  error?: string;
  seconds: number;
  /** Listeners whose packet counter rose over a second after connecting. */
  receiving: number;
  /** Starts Janus answered "started" (WebRTC already up), which Streaming.start() refuses. */
  raced: number;
}

/** One listener whose audio is decoded and judged. */
export interface ProbeResult {
  /** 1-based position in connection order among all listeners of the room. */
  index: number;
  check: AudioCheck | undefined;
  concealedShare: number;
  packetsLost: number;
}

export interface WindowResult {
  type: 'window';
  listeners: number;
  seconds: number;
  /** Per-listener packets per second over the window, counted at the ICE transport. */
  pps: number[];
  /** Largest event-loop delay of the generator during the window, ms. */
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  /** Decoded samples per second per listener (0 = not decoding). */
  decodedPerSecond: number;
}

export type FromGenerator =
  | { type: 'ready' }
  | GrowResult
  | WindowResult
  | { type: 'error'; message: string };
