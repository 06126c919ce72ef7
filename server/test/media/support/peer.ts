/**
 * Test peers with a real libwebrtc: a speaker that publishes a tone into an
 * AudioBridge room, and a listener that plays a Streaming mountpoint and
 * keeps what it decodes. Both negotiate through our typed Janus client, the
 * way the Salon server will for browsers.
 */
import { performance } from 'node:perf_hooks';
import {
  AudioBridge,
  type ParticipantId,
  type RoomId,
} from '../../../src/media/janus/audiobridge.js';
import type { JanusSession } from '../../../src/media/janus/session.js';
import { type MountpointId, Streaming } from '../../../src/media/janus/streaming.js';
import { FRAME_SAMPLES, SAMPLE_RATE, ToneGenerator } from './tone.js';
import {
  type AudioSink,
  type AudioSource,
  gatheringComplete,
  localJsep,
  type MediaStreamTrack,
  type PeerConnection,
  RTCAudioSink,
  RTCAudioSource,
  RTCPeerConnection,
} from './wrtc.js';

/** A cap on catch-up after an event-loop stall, so the encoder never gets a flood. */
const MAX_FRAMES_PER_TICK = 10;

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
  private readonly pump: NodeJS.Timeout;
  private readonly startedAt = performance.now();
  private framesSent = 0;
  private closed = false;

  private constructor(
    readonly bridge: AudioBridge,
    readonly id: ParticipantId,
    readonly tone: ToneGenerator,
  ) {
    // Frames are due by the wall clock, not by tick count: timers run late under load.
    this.pump = setInterval(() => this.sendDueFrames(), 10);
  }

  /** Changes what the speaker's "microphone" plays from the next frame on. */
  play(frequency: number, amplitude = this.tone.amplitude): void {
    this.tone.frequency = frequency;
    this.tone.amplitude = amplitude;
  }

  /** RTP packets libwebrtc has sent so far (proves the client keeps sending). */
  async packetsSent(): Promise<number> {
    const report = await this.pc.getStats();
    let packets = 0;
    for (const stats of report.values()) {
      if (stats['type'] === 'outbound-rtp' && typeof stats['packetsSent'] === 'number') {
        packets += stats['packetsSent'];
      }
    }
    return packets;
  }

  /** Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pump);
    this.track.stop();
    this.pc.close();
    await this.bridge.close();
  }

  private sendDueFrames(): void {
    const due = Math.floor((performance.now() - this.startedAt) / 10) - this.framesSent;
    const frames = Math.min(due, MAX_FRAMES_PER_TICK);
    for (let i = 0; i < frames; i++) {
      this.source.onData({ samples: this.tone.next(FRAME_SAMPLES), sampleRate: SAMPLE_RATE });
    }
    this.framesSent += due;
  }
}

interface ReceivedFrame {
  /** performance.now() when the sink delivered it. */
  at: number;
  samples: Int16Array;
}

/** About 10 s of 10 ms frames. */
const KEPT_FRAMES = 1_000;

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
  sampleRate = SAMPLE_RATE;
  private readonly frames: ReceivedFrame[] = [];
  private sink: AudioSink | undefined;
  private closed = false;

  private constructor(readonly streaming: Streaming) {}

  /** Mono samples of frames delivered after `since` (performance.now() time). */
  samplesSince(since: number): Int16Array {
    const chosen = this.frames.filter((frame) => frame.at >= since);
    const out = new Int16Array(chosen.reduce((sum, frame) => sum + frame.samples.length, 0));
    let offset = 0;
    for (const frame of chosen) {
      out.set(frame.samples, offset);
      offset += frame.samples.length;
    }
    return out;
  }

  /** Frames delivered after `since`, each with its arrival time. */
  framesSince(since: number): ReceivedFrame[] {
    return this.frames.filter((frame) => frame.at >= since);
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
    sink.ondata = (data) => {
      const channels = data.channelCount ?? 1;
      const frames = data.samples.length / channels;
      // The buffer belongs to libwebrtc and is reused: copy channel 0 out.
      const mono = new Int16Array(frames);
      for (let i = 0; i < frames; i++) mono[i] = data.samples[i * channels] ?? 0;
      this.sampleRate = data.sampleRate;
      this.frames.push({ at: performance.now(), samples: mono });
      if (this.frames.length > KEPT_FRAMES) this.frames.shift();
    };
    this.sink = sink;
  }
}
