/**
 * Which tier a listener gets. WebRTC (the Streaming mountpoint) is the
 * low-latency tier and costs the media node CPU per listener, so it is capped
 * per space and per node; HLS goes through files, nginx or a CDN, and takes
 * anyone. A listener may always choose HLS. Pure: the caller passes counts.
 */
export type Tier = 'webrtc' | 'hls';

export interface TierCaps {
  perSpace: number;
  perNode: number;
}

export interface TierInput {
  /** What the client asked for; `auto` lets the server choose. */
  want: Tier | 'auto';
  /** WebRTC listeners of this space now, and of the whole node. */
  spaceListeners: number;
  nodeListeners: number;
  /** Whether this connection already holds a WebRTC seat (a renegotiation keeps it). */
  holdsSeat?: boolean;
  caps: TierCaps;
}

export type TierVerdict = { tier: Tier; reason: 'asked' | 'space_full' | 'node_full' | 'free' };

export function chooseTier(input: TierInput): TierVerdict {
  if (input.want === 'hls') return { tier: 'hls', reason: 'asked' };
  const full = webrtcFull(input);
  return full ? { tier: 'hls', reason: full } : { tier: 'webrtc', reason: 'free' };
}

/** Why a new WebRTC listener cannot be seated, or null when one can. */
export function webrtcFull(input: Omit<TierInput, 'want'>): 'space_full' | 'node_full' | null {
  if (input.holdsSeat) return null;
  if (input.spaceListeners >= input.caps.perSpace) return 'space_full';
  if (input.nodeListeners >= input.caps.perNode) return 'node_full';
  return null;
}
