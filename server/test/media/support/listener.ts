/**
 * The test listener of the mix, one class as the publisher is: a libwebrtc
 * peer that receives the mix and keeps what it decodes. Through Salon's
 * realtime socket, as a browser (`mix`: media_listen → media_offer →
 * media_listen_answer), or straight from a Streaming mountpoint through our
 * typed Janus client (`mountpoint`). Per-speaker feeds have their own
 * watchers (feed-peers.ts), as they receive one track per speaker.
 */
import type { JanusSession } from '../../../src/media/janus/session.js';
import { type MountpointId, Streaming } from '../../../src/media/janus/streaming.js';
import type { RealtimeClient } from '../../support/realtime.js';
import { ask } from './ask.js';
import { AudioLog, type ReceivedFrame } from './audio-log.js';
import {
  type AudioSink,
  gatheringComplete,
  localJsep,
  type MediaStreamTrack,
  type PeerConnection,
  RTCAudioSink,
  RTCPeerConnection,
} from './wrtc.js';

/** Takes a fresh PeerConnection through the server's offer to a sent answer. */
type Negotiation = (pc: PeerConnection) => Promise<void>;

export class Listener<Handle = unknown> {
  /** Listens to a space's mix through Salon; fails with Salon's error code when not allowed. */
  static mix(rt: RealtimeClient, spaceId: string): Promise<Listener<null>> {
    return Listener.through(async (pc) => {
      const offer = await ask(rt, { type: 'media_listen', space_id: spaceId }, 'media_offer');
      await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
      await pc.setLocalDescription(await pc.createAnswer());
      await gatheringComplete(pc);
      await ask(
        rt,
        { type: 'media_listen_answer', space_id: spaceId, sdp: pc.localDescription!.sdp },
        'media_listening',
      );
    }, null);
  }

  /** Watches a Streaming mountpoint through our Janus client. */
  static async mountpoint(options: {
    session: JanusSession;
    mountpoint: MountpointId;
  }): Promise<Listener<Streaming>> {
    const streaming = await Streaming.attach(options.session);
    return Listener.through(
      async (pc) => {
        const offer = await streaming.watch(options.mountpoint);
        await pc.setRemoteDescription(offer);
        await pc.setLocalDescription(await pc.createAnswer());
        await gatheringComplete(pc);
        await streaming.start(localJsep(pc, 'answer'));
      },
      streaming,
      () => streaming.close(),
    );
  }

  /** The mountpoint listener's former name. */
  static watch = Listener.mountpoint;

  /** Negotiates once; closes what it opened if that fails. */
  private static async through<H>(
    negotiation: Negotiation,
    handle: H,
    closing?: () => Promise<void>,
  ): Promise<Listener<H>> {
    const listener = new Listener(negotiation, handle, closing);
    try {
      await listener.negotiate();
    } catch (error) {
      await listener.close();
      throw error;
    }
    return listener;
  }

  pc!: PeerConnection;
  readonly log = new AudioLog();
  private sink: AudioSink | undefined;
  private closed = false;

  private constructor(
    private readonly negotiation: Negotiation,
    /** The Janus handle it watches on (`mountpoint`); null through Salon. */
    readonly handle: Handle,
    private readonly closing?: () => Promise<void>,
  ) {}

  /** (Again) on a new PeerConnection: after a media restart, as the web app does. */
  async negotiate(): Promise<void> {
    this.sink?.stop();
    this.pc?.close();
    const pc = new RTCPeerConnection({ iceServers: [] });
    this.pc = pc;
    const track = new Promise<MediaStreamTrack>((resolve) =>
      pc.addEventListener('track', (event) => resolve(event.track)),
    );
    await this.negotiation(pc);
    const sink = new RTCAudioSink(await track);
    sink.ondata = (data) => this.log.record(data);
    this.sink = sink;
  }

  get sampleRate(): number {
    return this.log.sampleRate;
  }

  /** Mono samples of frames delivered after `since` (performance.now() time). */
  samplesSince(since: number): Int16Array {
    return this.log.samplesSince(since);
  }

  /** Frames delivered after `since`, each with its arrival time. */
  framesSince(since: number): ReceivedFrame[] {
    return this.log.framesSince(since);
  }

  /** Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sink?.stop();
    this.pc?.close();
    await this.closing?.();
  }
}
