/**
 * A listener that reaches the stage the way a browser does: through Salon's
 * realtime WebSocket (media_listen), never the Janus API. Publishers are
 * `Publisher.mix` (publisher.ts).
 */
import type { RealtimeClient } from '../../support/realtime.js';
import { ask } from './ask.js';
import { AudioLog, type ReceivedFrame } from './audio-log.js';
import { Publisher } from './publisher.js';
import {
  type AudioSink,
  gatheringComplete,
  type MediaStreamTrack,
  type PeerConnection,
  RTCAudioSink,
  RTCPeerConnection,
} from './wrtc.js';

export { ask } from './ask.js';

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

/** The mix publisher's old name, for bench/captions (being changed elsewhere) until it takes Publisher.mix. */
export type SalonSpeaker = Publisher<null>;
export const SalonSpeaker = { publish: Publisher.mix };

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
