/**
 * The slice of @roamhq/wrtc the test peers use, typed here: its own .d.ts
 * re-exports DOM globals that a Node project without lib.dom does not have,
 * so everything but the nonstandard audio classes would be `any`.
 */
import wrtc from '@roamhq/wrtc';
import type { Jsep } from '../../../src/media/janus/protocol.js';

export interface SessionDescription {
  type: 'offer' | 'answer' | 'pranswer' | 'rollback';
  sdp: string;
}

export interface MediaStreamTrack {
  readonly kind: string;
  stop(): void;
}

export interface TrackEvent {
  track: MediaStreamTrack;
}

export interface PeerConnection {
  readonly localDescription: SessionDescription | null;
  readonly iceGatheringState: 'new' | 'gathering' | 'complete';
  readonly connectionState: string;
  addTrack(track: MediaStreamTrack): unknown;
  createOffer(): Promise<SessionDescription>;
  createAnswer(): Promise<SessionDescription>;
  setLocalDescription(description: SessionDescription): Promise<void>;
  setRemoteDescription(description: SessionDescription): Promise<void>;
  getStats(): Promise<Map<string, Record<string, unknown>>>;
  addEventListener(type: 'track', listener: (event: TrackEvent) => void): void;
  addEventListener(
    type: 'icegatheringstatechange' | 'connectionstatechange',
    listener: () => void,
  ): void;
  removeEventListener(type: string, listener: (...args: never[]) => void): void;
  close(): void;
}

export interface AudioData {
  samples: Int16Array;
  sampleRate: number;
  channelCount?: number;
}

export interface AudioSink {
  ondata: ((data: AudioData) => void) | null;
  stop(): void;
}

export interface AudioSource {
  createTrack(): MediaStreamTrack;
  onData(data: AudioData & { bitsPerSample?: number; numberOfFrames?: number }): void;
}

type PeerConnectionClass = new (config?: { iceServers?: unknown[] }) => PeerConnection;

export const RTCPeerConnection = wrtc.RTCPeerConnection as PeerConnectionClass;
export const RTCAudioSource = wrtc.nonstandard.RTCAudioSource as unknown as new () => AudioSource;
export const RTCAudioSink = wrtc.nonstandard.RTCAudioSink as unknown as new (
  track: MediaStreamTrack,
) => AudioSink;

/**
 * Resolves once the peer has gathered all its candidates, so its local
 * description can go to Janus complete (half-trickle: no trickle messages).
 */
export async function gatheringComplete(pc: PeerConnection, timeoutMs = 10_000): Promise<void> {
  if (pc.iceGatheringState === 'complete') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      pc.removeEventListener('icegatheringstatechange', check);
      reject(new Error(`ICE gathering not complete after ${timeoutMs} ms`));
    }, timeoutMs);
    function check(): void {
      if (pc.iceGatheringState !== 'complete') return;
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    }
    pc.addEventListener('icegatheringstatechange', check);
  });
}

/** The local description as a JSEP for Janus, with every candidate in it. */
export function localJsep(pc: PeerConnection, type: 'offer' | 'answer'): Jsep {
  const sdp = pc.localDescription?.sdp;
  if (!sdp) throw new Error('no local description');
  return { type, sdp, trickle: false };
}

// libwebrtc objects crash Node in its environment teardown after a clean exit
// (SIGSEGV in the N-API finalizers; node-webrtc issues #636, #651, and
// WonderInventions/node-webrtc #35). The 'exit' event comes after all output
// is flushed; exiting again from it skips that teardown and keeps the code.
process.once('exit', (code) => process.exit(code));

/** RTP packets libwebrtc has sent so far on a connection (proves a client keeps sending). */
export async function packetsSent(pc: PeerConnection): Promise<number> {
  let packets = 0;
  for (const stats of (await pc.getStats()).values()) {
    if (stats['type'] === 'outbound-rtp' && typeof stats['packetsSent'] === 'number')
      packets += stats['packetsSent'];
  }
  return packets;
}
