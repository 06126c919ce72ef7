/**
 * libwebrtc peers for the bench, negotiated through our typed Janus client
 * (half-trickle: every candidate in the SDP, as the test peers do):
 * - StagePeer: an AudioBridge participant that publishes a track and, when
 *   asked, decodes what the bridge sends back (the mix minus itself);
 * - StreamListener: a Streaming viewer that decodes only when asked (a
 *   listener without a sink costs the load generator almost nothing);
 * - DirectCall: two PeerConnections in this process, no server: the baseline.
 */
import {
  AudioBridge,
  audioBridgeBody,
  type ParticipantId,
  type RoomId,
} from '../../server/src/media/janus/audiobridge.js';
import type { Jsep } from '../../server/src/media/janus/protocol.js';
import { AudioBridgeReply, StreamingStatus } from '../../server/src/media/janus/protocol.js';
import type { JanusSession } from '../../server/src/media/janus/session.js';
import {
  type MountpointId,
  Streaming,
  streamingBody,
} from '../../server/src/media/janus/streaming.js';
import {
  gatheringComplete,
  localJsep,
  type MediaStreamTrack,
  type PeerConnection,
  RTCPeerConnection,
} from '../../server/test/media/support/wrtc.js';
import { Ear } from './audio.js';

/** Resolves with the first remote track the connection reports. */
function remoteTrack(pc: PeerConnection): Promise<MediaStreamTrack> {
  return new Promise((resolve) => pc.addEventListener('track', (event) => resolve(event.track)));
}

/** Rejects after `ms` unless `promise` settles first. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface Received {
  /** Packets of the ICE transport (SRTP, SRTCP, STUN, DTLS): counts for every listener mode. */
  transportPackets: number;
  /** RTP packets handed to the decoder's jitter buffer (0 for a `wire` listener). */
  rtpPackets: number;
  packetsLost: number;
  concealedSamples: number;
  totalSamplesReceived: number;
  /** When the stats were taken, ms (libwebrtc's timestamp; the clock of Date.now()). */
  at: number;
}

/** What a connection has received so far. */
export async function received(pc: PeerConnection): Promise<Received> {
  const out: Received = {
    transportPackets: 0,
    rtpPackets: 0,
    packetsLost: 0,
    concealedSamples: 0,
    totalSamplesReceived: 0,
    at: 0,
  };
  const report = await pc.getStats();
  for (const stats of report.values()) {
    const num = (key: string) => (typeof stats[key] === 'number' ? (stats[key] as number) : 0);
    if (stats['type'] === 'transport') {
      out.transportPackets += num('packetsReceived');
      // When libwebrtc took the stats, not when a busy event loop got them.
      out.at = num('timestamp') || out.at;
    }
    if (stats['type'] !== 'inbound-rtp') continue;
    out.rtpPackets += num('packetsReceived');
    out.packetsLost += num('packetsLost');
    out.concealedSamples += num('concealedSamples');
    out.totalSamplesReceived += num('totalSamplesReceived');
  }
  out.at ||= Date.now();
  return out;
}

export class StagePeer {
  /** Joins `room` as `id`, publishes `track`; with `hear`, decodes the mix Janus sends back. */
  static async join(options: {
    session: JanusSession;
    room: RoomId;
    id: ParticipantId;
    track: MediaStreamTrack;
    hear: boolean;
    /** Experiment: this participant's own prebuffer (packets), instead of the room's. */
    prebuffer?: number;
    timeoutMs?: number;
  }): Promise<StagePeer> {
    const bridge = await AudioBridge.attach(options.session);
    const peer = new StagePeer(bridge);
    try {
      await within(
        (async () => {
          const join = { id: options.id, display: `bench ${options.id}` };
          if (options.prebuffer === undefined) await bridge.join(options.room, join);
          else {
            // AudioBridge.join() has no prebuffer option; the plugin's join takes one.
            const { data } = await bridge.handle.message({
              ...audioBridgeBody.join(options.room, join),
              prebuffer: options.prebuffer,
            });
            if (data['audiobridge'] !== AudioBridgeReply.joined) {
              throw new Error(`AudioBridge answered join with ${JSON.stringify(data)}`);
            }
          }
          const { pc } = peer;
          const track = remoteTrack(pc);
          pc.addTrack(options.track);
          await pc.setLocalDescription(await pc.createOffer());
          await gatheringComplete(pc);
          const answer = await bridge.publish(localJsep(pc, 'offer'));
          await pc.setRemoteDescription(answer);
          if (options.hear) peer.ear = new Ear(await within(track, 10_000, 'mix track'));
        })(),
        options.timeoutMs ?? 20_000,
        `AudioBridge participant ${options.id}`,
      );
    } catch (error) {
      await peer.close();
      throw error;
    }
    return peer;
  }

  readonly pc: PeerConnection = new RTCPeerConnection({ iceServers: [] });
  ear: Ear | undefined;
  private closed = false;

  private constructor(readonly bridge: AudioBridge) {}

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ear?.stop();
    this.pc.close();
    await this.bridge.close().catch(() => undefined);
  }
}

/**
 * How a Streaming listener treats what it receives:
 * - `ear`: decodes and keeps the audio (an Ear), for checks;
 * - `decode`: a plain libwebrtc viewer: its audio device pulls and decodes
 *   every received stream whether or not anything listens (measured: ~48,000
 *   samples/s per listener without a sink, and about 1 % of a core each);
 * - `wire`: Janus gets the same recvonly answer, but libwebrtc is given the
 *   answer as `inactive`: ICE, DTLS and SRTP run and every packet arrives at
 *   the transport, but nothing is decoded and no RTCP receiver reports go
 *   back. What Janus does per listener is the same; the generator's cost
 *   drops (measured: ~0.3 % of a core per listener instead of ~0.8 %).
 */
export type ListenerMode = 'ear' | 'decode' | 'wire';

export class StreamListener {
  /** Watches a mountpoint (watch → answer → start). */
  static async watch(options: {
    session: JanusSession;
    mountpoint: MountpointId;
    mode: ListenerMode;
    timeoutMs?: number;
  }): Promise<StreamListener> {
    const streaming = await Streaming.attach(options.session);
    const listener = new StreamListener(streaming, options.mode);
    try {
      await within(
        (async () => {
          const { pc } = listener;
          const track = remoteTrack(pc);
          const offer = await streaming.watch(options.mountpoint);
          await pc.setRemoteDescription(offer);
          const answer = await pc.createAnswer();
          const wire = options.mode === 'wire';
          await pc.setLocalDescription(
            wire ? { type: 'answer', sdp: inactive(answer.sdp) } : answer,
          );
          await gatheringComplete(pc);
          const jsep = localJsep(pc, 'answer');
          listener.raced = await start(
            streaming,
            wire ? { ...jsep, sdp: recvonly(jsep.sdp) } : jsep,
          );
          listener.track = await within(track, 10_000, 'mountpoint track');
          if (options.mode === 'ear') listener.ear = new Ear(listener.track);
        })(),
        options.timeoutMs ?? 20_000,
        'Streaming listener',
      );
    } catch (error) {
      await listener.close();
      throw error;
    }
    return listener;
  }

  readonly pc: PeerConnection = new RTCPeerConnection({ iceServers: [] });
  track: MediaStreamTrack | undefined;
  ear: Ear | undefined;
  /** Janus answered `start` with "started": WebRTC was up before it handled the request. */
  raced = false;
  private closed = false;

  private constructor(
    readonly streaming: Streaming,
    readonly mode: ListenerMode,
  ) {}

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ear?.stop();
    this.pc.close();
    await this.streaming.close().catch(() => undefined);
  }
}

/**
 * Streaming `start`, accepting both answers Janus 1.1.2 gives: "starting",
 * or "started" when ICE and DTLS completed before the plugin handled the
 * request (janus_streaming.c answers `session->started ? "started" :
 * "starting"`), which happens under load. Streaming.start() accepts only
 * "starting", so this calls the handle directly. Resolves true for "started".
 */
async function start(streaming: Streaming, answer: Jsep): Promise<boolean> {
  const { data } = await streaming.handle.message(streamingBody.start(), answer);
  const result = data['result'];
  const status =
    result && typeof result === 'object' ? (result as { status?: unknown }).status : undefined;
  if (status === StreamingStatus.started) return true;
  if (status === StreamingStatus.starting) return false;
  throw new Error(`Streaming answered start with ${JSON.stringify(data)}`);
}

function inactive(sdp: string): string {
  if (!/^a=recvonly\r?$/m.test(sdp)) throw new Error('the answer has no a=recvonly line');
  return sdp.replace(/^a=recvonly(\r?)$/m, 'a=inactive$1');
}

function recvonly(sdp: string): string {
  return sdp.replace(/^a=inactive(\r?)$/m, 'a=recvonly$1');
}

/** A call between two libwebrtc peers of this process, over the namespace's veth; no server. */
export class DirectCall {
  static async open(track: MediaStreamTrack, timeoutMs = 20_000): Promise<DirectCall> {
    const call = new DirectCall();
    try {
      await within(
        (async () => {
          const { caller, callee } = call;
          const received = remoteTrack(callee);
          caller.addTrack(track);
          await caller.setLocalDescription(await caller.createOffer());
          await gatheringComplete(caller);
          await callee.setRemoteDescription(localJsep(caller, 'offer'));
          await callee.setLocalDescription(await callee.createAnswer());
          await gatheringComplete(callee);
          await caller.setRemoteDescription(localJsep(callee, 'answer'));
          call.ear = new Ear(await within(received, 10_000, 'direct track'));
        })(),
        timeoutMs,
        'direct call',
      );
    } catch (error) {
      call.close();
      throw error;
    }
    return call;
  }

  readonly caller: PeerConnection = new RTCPeerConnection({ iceServers: [] });
  readonly callee: PeerConnection = new RTCPeerConnection({ iceServers: [] });
  ear: Ear | undefined;

  close(): void {
    this.ear?.stop();
    this.caller.close();
    this.callee.close();
  }
}
