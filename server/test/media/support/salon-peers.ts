/**
 * Test peers that reach the stage the way a browser does: through Salon's
 * realtime WebSocket (media_publish / media_listen), never the Janus API.
 */
import type { ServerMessage } from '@salon/protocol';
import type { RealtimeClient } from '../../support/realtime.js';
import { AudioLog, type ReceivedFrame, TonePump } from './audio-log.js';
import { ToneGenerator } from './tone.js';
import {
  type AudioSink,
  type AudioSource,
  gatheringComplete,
  type MediaStreamTrack,
  type PeerConnection,
  packetsSent,
  RTCAudioSink,
  RTCAudioSource,
  RTCPeerConnection,
} from './wrtc.js';

let requests = 0;

/**
 * Sends one signaling request and resolves with its answer (the first
 * message of one of the `answers` types carrying its request id), or rejects
 * with the error's code.
 */
export async function ask<T extends ServerMessage['type']>(
  rt: RealtimeClient,
  message: Record<string, unknown> & { type: string },
  answers: T | readonly T[],
): Promise<Extract<ServerMessage, { type: T }>> {
  const types: readonly string[] = typeof answers === 'string' ? [answers] : answers;
  const requestId = `m${++requests}`;
  const reply = rt.waitFor(
    (m) =>
      (types.includes(m.type) || m.type === 'error') &&
      'request_id' in m &&
      m.request_id === requestId,
    15_000,
  );
  rt.ws.send(JSON.stringify({ ...message, request_id: requestId }));
  const m = await reply;
  if (m.type === 'error')
    throw Object.assign(new Error(`${m.code}: ${m.message}`), { code: m.code });
  return m as Extract<ServerMessage, { type: T }>;
}

/**
 * Renegotiates `peer` whenever Salon says `media_restart` on `rt`, as the web
 * app does; `onRestart` hears of each.
 */
export function renegotiateOnRestart(
  rt: RealtimeClient,
  peer: { negotiate(): Promise<void> },
  onRestart: () => void = () => {},
): void {
  rt.ws.on('message', (data) => {
    if (JSON.parse(data.toString()).type !== 'media_restart') return;
    onRestart();
    peer.negotiate().catch(() => {});
  });
}

export class SalonSpeaker {
  pc!: PeerConnection;
  private source: AudioSource = new RTCAudioSource();
  private track: MediaStreamTrack = this.source.createTrack();
  private readonly pump: TonePump;
  private closed = false;

  /** Publishes a tone to the space's stage; fails with Salon's error code when not allowed. */
  static async publish(
    rt: RealtimeClient,
    spaceId: string,
    frequency: number,
  ): Promise<SalonSpeaker> {
    const speaker = new SalonSpeaker(rt, spaceId, frequency);
    try {
      await speaker.negotiate();
    } catch (error) {
      await speaker.close();
      throw error;
    }
    return speaker;
  }

  private constructor(
    readonly rt: RealtimeClient,
    readonly spaceId: string,
    frequency: number,
  ) {
    this.pump = new TonePump(this.source, new ToneGenerator(frequency));
  }

  /** The generator of what this speaker says (benchmarks switch it on and off). */
  get tone(): ToneGenerator {
    return this.pump.tone;
  }

  /** (Re)negotiates with a fresh peer connection: after a media restart, as a browser would. */
  async negotiate(): Promise<void> {
    this.pc?.close();
    this.pc = new RTCPeerConnection({ iceServers: [] });
    this.pc.addTrack(this.track);
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await gatheringComplete(this.pc);
    const answer = await ask(
      this.rt,
      { type: 'media_publish', space_id: this.spaceId, sdp: this.pc.localDescription!.sdp },
      'media_answer',
    );
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
  }

  packetsSent(): Promise<number> {
    return packetsSent(this.pc);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pump.stop();
    this.track.stop();
    this.pc?.close();
  }
}

export class SalonListener {
  pc!: PeerConnection;
  readonly log = new AudioLog();
  private sink: AudioSink | undefined;
  private closed = false;

  static async listen(rt: RealtimeClient, spaceId: string): Promise<SalonListener> {
    const listener = new SalonListener(rt, spaceId);
    try {
      await listener.negotiate();
    } catch (error) {
      await listener.close();
      throw error;
    }
    return listener;
  }

  private constructor(
    readonly rt: RealtimeClient,
    readonly spaceId: string,
  ) {}

  async negotiate(): Promise<void> {
    this.sink?.stop();
    this.pc?.close();
    this.pc = new RTCPeerConnection({ iceServers: [] });
    const track = new Promise<MediaStreamTrack>((resolve) =>
      this.pc.addEventListener('track', (e) => resolve(e.track)),
    );
    const offer = await ask(
      this.rt,
      { type: 'media_listen', space_id: this.spaceId },
      'media_offer',
    );
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    await gatheringComplete(this.pc);
    await ask(
      this.rt,
      { type: 'media_listen_answer', space_id: this.spaceId, sdp: this.pc.localDescription!.sdp },
      'media_listening',
    );
    const sink = new RTCAudioSink(await track);
    sink.ondata = (data) => this.log.record(data);
    this.sink = sink;
  }

  get sampleRate(): number {
    return this.log.sampleRate;
  }

  samplesSince(since: number): Int16Array {
    return this.log.samplesSince(since);
  }

  framesSince(since: number): ReceivedFrame[] {
    return this.log.framesSince(since);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sink?.stop();
    this.pc?.close();
  }
}
