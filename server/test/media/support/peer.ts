/**
 * Test peers with a real libwebrtc: a speaker that publishes a tone into an
 * AudioBridge room, and a listener that plays a Streaming mountpoint and
 * keeps what it decodes. Both negotiate through our typed Janus client, the
 * way the Salon server will for browsers.
 */
import {
  AudioBridge,
  type ParticipantId,
  type RoomId,
} from '../../../src/media/janus/audiobridge.js';
import type { JanusSession } from '../../../src/media/janus/session.js';
import { type MountpointId, Streaming } from '../../../src/media/janus/streaming.js';
import { AudioLog, type ReceivedFrame, TonePump } from './audio-log.js';
import { ToneGenerator } from './tone.js';
import {
  type AudioSink,
  type AudioSource,
  gatheringComplete,
  localJsep,
  type MediaStreamTrack,
  type PeerConnection,
  packetsSent,
  RTCAudioSink,
  RTCAudioSource,
  RTCPeerConnection,
} from './wrtc.js';

export class Speaker {
  /** Joins `room` as participant `id` and publishes a tone of `frequency` Hz. */
  static async join(options: {
    session: JanusSession;
    room: RoomId;
    id: ParticipantId;
    frequency: number;
    amplitude?: number;
  }): Promise<Speaker> {
    const bridge = await AudioBridge.attach(options.session);
    const tone = new ToneGenerator(options.frequency, options.amplitude);
    const speaker = new Speaker(bridge, options.id, tone);
    try {
      await bridge.join(options.room, { id: options.id, display: `tone ${options.frequency}` });
      const { pc } = speaker;
      pc.addTrack(speaker.track);
      await pc.setLocalDescription(await pc.createOffer());
      await gatheringComplete(pc);
      const answer = await bridge.publish(localJsep(pc, 'offer'));
      await pc.setRemoteDescription(answer);
    } catch (error) {
      await speaker.close();
      throw error;
    }
    return speaker;
  }

  readonly pc: PeerConnection = new RTCPeerConnection({ iceServers: [] });
  private readonly source: AudioSource = new RTCAudioSource();
  private readonly track: MediaStreamTrack = this.source.createTrack();
  private readonly pump: TonePump;
  private closed = false;

  private constructor(
    readonly bridge: AudioBridge,
    readonly id: ParticipantId,
    readonly tone: ToneGenerator,
  ) {
    this.pump = new TonePump(this.source, tone);
  }

  /** Changes what the speaker's "microphone" plays from the next frame on. */
  play(frequency: number, amplitude = this.tone.amplitude): void {
    this.tone.frequency = frequency;
    this.tone.amplitude = amplitude;
  }

  /** RTP packets libwebrtc has sent so far (proves the client keeps sending). */
  packetsSent(): Promise<number> {
    return packetsSent(this.pc);
  }

  /** Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pump.stop();
    this.track.stop();
    this.pc.close();
    await this.bridge.close();
  }
}

export class Listener {
  /** Watches a Streaming mountpoint and starts collecting decoded audio. */
  static async watch(options: {
    session: JanusSession;
    mountpoint: MountpointId;
  }): Promise<Listener> {
    const streaming = await Streaming.attach(options.session);
    const listener = new Listener(streaming);
    try {
      const { pc } = listener;
      const track = new Promise<MediaStreamTrack>((resolve) =>
        pc.addEventListener('track', (event) => resolve(event.track)),
      );
      const offer = await streaming.watch(options.mountpoint);
      await pc.setRemoteDescription(offer);
      await pc.setLocalDescription(await pc.createAnswer());
      await gatheringComplete(pc);
      await streaming.start(localJsep(pc, 'answer'));
      listener.listen(await track);
    } catch (error) {
      await listener.close();
      throw error;
    }
    return listener;
  }

  readonly pc: PeerConnection = new RTCPeerConnection({ iceServers: [] });
  readonly log = new AudioLog();
  private sink: AudioSink | undefined;
  private closed = false;

  private constructor(readonly streaming: Streaming) {}

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
    this.pc.close();
    await this.streaming.close();
  }

  private listen(track: MediaStreamTrack): void {
    const sink = new RTCAudioSink(track);
    sink.ondata = (data) => this.log.record(data);
    this.sink = sink;
  }
}
