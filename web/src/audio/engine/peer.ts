/**
 * The WebRTC negotiations with the media server, all half-trickle (the offer
 * or answer is sent once ICE gathering is complete):
 * - listening: the server sends the media server's offer for the space's mix;
 * - the stage: a stage member offers their microphone and receives, on the
 *   same connection, the mix of everyone else (so they never hear themselves);
 * - a feed: a stage member also offers the same microphone track alone
 *   (sendonly), for listeners who set per-speaker volumes (watching the feeds
 *   is in `feeds.ts`, as the server renegotiates it).
 */
import type { MediaSignal } from './signaling';

/** How long to wait for ICE gathering; without STUN/TURN it takes milliseconds. */
const GATHERING_TIMEOUT_MS = 5_000;

export function gatheringComplete(pc: RTCPeerConnection, timeoutMs = GATHERING_TIMEOUT_MS) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    // Past the timeout, send what was gathered: host candidates come first.
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

function remoteStream(pc: RTCPeerConnection): Promise<MediaStream> {
  return new Promise((resolve) => {
    pc.addEventListener(
      'track',
      (event) => resolve(event.streams[0] ?? new MediaStream([event.track])),
      { once: true },
    );
  });
}

export interface PeerOptions {
  spaceId: string;
  signal: MediaSignal;
  iceServers: RTCIceServer[];
  /** Receives the connection as soon as it exists, so a caller can close it mid-way. */
  onPeer: (pc: RTCPeerConnection) => void;
}

/** Listens to the space's mix; resolves with the remote stream. */
export async function listenOverWebRtc(o: PeerOptions): Promise<MediaStream> {
  const pc = new RTCPeerConnection({ iceServers: o.iceServers });
  o.onPeer(pc);
  const stream = remoteStream(pc);
  const offer = await o.signal.request(
    { type: 'media_listen', space_id: o.spaceId },
    'media_offer',
  );
  await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
  await pc.setLocalDescription(await pc.createAnswer());
  await gatheringComplete(pc);
  await o.signal.request(
    { type: 'media_listen_answer', space_id: o.spaceId, sdp: pc.localDescription?.sdp ?? '' },
    'media_listening',
  );
  return stream;
}

/** Publishes a microphone track to the stage; resolves with the mix of the others. */
export async function publishToStage(
  o: PeerOptions & { track: MediaStreamTrack },
): Promise<MediaStream> {
  const pc = new RTCPeerConnection({ iceServers: o.iceServers });
  o.onPeer(pc);
  const stream = remoteStream(pc);
  pc.addTransceiver(o.track, { direction: 'sendrecv' });
  await pc.setLocalDescription(await pc.createOffer());
  await gatheringComplete(pc);
  const answer = await o.signal.request(
    { type: 'media_publish', space_id: o.spaceId, sdp: pc.localDescription?.sdp ?? '' },
    'media_answer',
  );
  await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
  return stream;
}

/** Publishes a stage member's own feed (the same microphone track, sendonly); resolves once answered. */
export async function publishFeed(o: PeerOptions & { track: MediaStreamTrack }): Promise<void> {
  const pc = new RTCPeerConnection({ iceServers: o.iceServers });
  o.onPeer(pc);
  pc.addTransceiver(o.track, { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  await gatheringComplete(pc);
  const answer = await o.signal.request(
    { type: 'feed_publish', space_id: o.spaceId, sdp: pc.localDescription?.sdp ?? '' },
    'feed_answer',
  );
  await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
}
