import { type SeatInput, webrtcFull } from '../streams/caps.js';

/**
 * Which tier a listener gets. WebRTC (the Streaming mountpoint) is the
 * low-latency tier and costs the media node CPU per listener, so it is capped
 * per space and per node (streams/caps.ts); HLS goes through files, nginx or
 * a CDN, and takes anyone. A listener may always choose HLS. Pure: the caller
 * passes counts.
 */
export type Tier = 'webrtc' | 'hls';

export interface TierInput extends SeatInput {
  /** What the client asked for; `auto` lets the server choose. */
  want: Tier | 'auto';
}

export type TierVerdict = { tier: Tier; reason: 'asked' | 'space_full' | 'node_full' | 'free' };

export function chooseTier(input: TierInput): TierVerdict {
  if (input.want === 'hls') return { tier: 'hls', reason: 'asked' };
  const full = webrtcFull(input);
  return full ? { tier: 'hls', reason: full } : { tier: 'webrtc', reason: 'free' };
}
