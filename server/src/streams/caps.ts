/**
 * The WebRTC seat caps, shared by the two tiers: media/ applies them to every
 * new seat, hls/ reads them to choose a listener's tier. WebRTC costs the
 * media node CPU per listener, so it is capped per space and per node.
 */
export interface TierCaps {
  perSpace: number;
  perNode: number;
}

export interface SeatInput {
  /** WebRTC listeners of this space now, and of the whole node. */
  spaceListeners: number;
  nodeListeners: number;
  /** Whether this connection already holds a WebRTC seat (a renegotiation keeps it). */
  holdsSeat?: boolean;
  caps: TierCaps;
}

/** Why a new WebRTC listener cannot be seated, or null when one can. */
export function webrtcFull(input: SeatInput): 'space_full' | 'node_full' | null {
  if (input.holdsSeat) return null;
  if (input.spaceListeners >= input.caps.perSpace) return 'space_full';
  if (input.nodeListeners >= input.caps.perNode) return 'node_full';
  return null;
}
