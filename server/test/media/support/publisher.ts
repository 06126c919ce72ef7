/**
 * The test publisher, one class for the mix and the feeds: a libwebrtc peer
 * whose "microphone" plays a tone, or speech it is given (`say`), published
 * through any signaling that takes an offer and gives the answer. Salon's
 * realtime socket, as a browser: `mix` (media_publish) and `feed`
 * (feed_publish). Our Janus client, straight into a room: `inBridge`
 * (AudioBridge) and `inVideoRoom` (VideoRoom). Or a signaling of the test's
 * own (`through`: FeedRooms.publish, say).
 */
import { performance } from 'node:perf_hooks';
import {
  AudioBridge,
  type ParticipantId,
  type RoomId,
} from '../../../src/media/janus/audiobridge.js';
import type { JanusSession } from '../../../src/media/janus/session.js';
import { type FeedId, VideoRoom, type VideoRoomId } from '../../../src/media/janus/videoroom.js';
import type { RealtimeClient } from '../../support/realtime.js';
import { ask } from './ask.js';
import { FRAME_SAMPLES, SAMPLE_RATE, ToneGenerator } from './tone.js';
import {
  type AudioSource,
  gatheringComplete,
  type MediaStreamTrack,
  type PeerConnection,
  packetsSent,
  RTCAudioSource,
  RTCPeerConnection,
} from './wrtc.js';

/** Takes the local offer's SDP and resolves with the answer's. */
export type Signaling = (offer: string) => Promise<string>;

export interface PublisherOptions {
  /** The tone it plays, in Hz; 0 (the default) is silence but for what it is told to `say`. */
  frequency?: number;
  /** Of full scale (the tone's default, 0.25, when unset). */
  amplitude?: number;
  /**
   * How the microphone goes into the offer: a feed is one sendonly m-line (as
   * the protocol asks); a mix publisher adds its track (sendrecv: AudioBridge
   * sends the mix back).
   */
  m: 'sendonly' | 'track';
  /** After the peer connection, on close (the Janus handle it published on). */
  closing?: () => Promise<void>;
}

/** A cap on catch-up after an event-loop stall, so the encoder never gets a flood. */
const MAX_FRAMES_PER_TICK = 10;

/** Interface of @roamhq/wrtc that wrtc.ts does not type. */
interface SendingPeer extends PeerConnection {
  addTransceiver(track: MediaStreamTrack, init: { direction: 'sendonly' }): unknown;
}

/** Publishers not closed yet: `Publisher.closeAll()` ends them after a failed test. */
const open = new Set<Publisher>();

export class Publisher<Handle = unknown> {
  /** A stage member's voice in the mix, through Salon; fails with Salon's error code when not allowed. */
  static mix(rt: RealtimeClient, spaceId: string, frequency: number): Promise<Publisher<null>> {
    const signaling: Signaling = async (sdp) =>
      (await ask(rt, { type: 'media_publish', space_id: spaceId, sdp }, 'media_answer')).sdp;
    return Publisher.through(signaling, { frequency, m: 'track' });
  }

  /** A stage member's own feed, through Salon (`feed_publish`). */
  static feed(rt: RealtimeClient, spaceId: string, frequency: number): Promise<Publisher<null>> {
    const signaling: Signaling = async (sdp) =>
      (await ask(rt, { type: 'feed_publish', space_id: spaceId, sdp }, 'feed_answer')).sdp;
    return Publisher.through(signaling, { frequency, m: 'sendonly' });
  }

  /** Joins an AudioBridge `room` as participant `id` through our Janus client, and publishes. */
  static async inBridge(options: {
    session: JanusSession;
    room: RoomId;
    id: ParticipantId;
    frequency: number;
    amplitude?: number;
  }): Promise<Publisher<AudioBridge>> {
    const bridge = await AudioBridge.attach(options.session);
    try {
      await bridge.join(options.room, { id: options.id, display: `tone ${options.frequency}` });
    } catch (error) {
      await bridge.close();
      throw error;
    }
    const signaling: Signaling = async (sdp) =>
      (await bridge.publish({ type: 'offer', sdp, trickle: false })).sdp ?? '';
    return Publisher.through(
      signaling,
      { ...options, m: 'track', closing: () => bridge.close() },
      bridge,
    );
  }

  /** Publishes feed `id` into a VideoRoom `room` through our Janus client; silent without a frequency. */
  static async inVideoRoom(options: {
    session: JanusSession;
    room: VideoRoomId;
    id: FeedId;
    frequency?: number;
  }): Promise<Publisher<VideoRoom>> {
    const handle = await VideoRoom.attach(options.session);
    try {
      await handle.joinAsPublisher(options.room, { id: options.id });
    } catch (error) {
      await handle.close();
      throw error;
    }
    const signaling: Signaling = async (sdp) =>
      (await handle.publish({ type: 'offer', sdp, trickle: false })).sdp;
    return Publisher.through(
      signaling,
      { ...options, m: 'sendonly', closing: () => handle.close() },
      handle,
    );
  }

  /** Publishes through `signaling`; closes what it opened if that fails. */
  static async through<H = null>(
    signaling: Signaling,
    options: PublisherOptions,
    handle: H = null as H,
  ): Promise<Publisher<H>> {
    const publisher = new Publisher(signaling, options, handle);
    try {
      await publisher.negotiate();
    } catch (error) {
      await publisher.close();
      throw error;
    }
    return publisher;
  }

  pc!: SendingPeer;
  /** What the microphone plays when it has no speech to say (benchmarks switch it on and off). */
  readonly tone: ToneGenerator;
  private readonly source: AudioSource = new RTCAudioSource();
  readonly track: MediaStreamTrack = this.source.createTrack();
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = performance.now();
  private framesSent = 0;
  /** Speech frames still to send, before the tone again. */
  private speech: Int16Array[] = [];
  /** Waiting for the speech queued so far to be sent. */
  private said: Array<(at: number) => void> = [];
  private closed = false;

  private constructor(
    private readonly signaling: Signaling,
    private readonly options: PublisherOptions,
    /** The Janus handle it published on (`inBridge`, `inVideoRoom`); null through Salon. */
    readonly handle: Handle,
  ) {
    this.tone = new ToneGenerator(options.frequency ?? 0, options.amplitude);
    this.timer = setInterval(() => this.sendDueFrames(), 10);
    open.add(this);
  }

  /**
   * Closes every publisher still open, for a file's `after`: a test that
   * failed before its own `close()` would otherwise keep the process running
   * (the frame timer, the peer) until the runner's timeout.
   */
  static async closeAll(): Promise<void> {
    await Promise.all([...open].map((p) => p.close().catch(() => undefined)));
  }

  /** (Re)negotiates on a fresh peer connection: after a media restart or `feeds_stopped`, as a browser. */
  async negotiate(): Promise<void> {
    this.pc?.close();
    this.pc = new RTCPeerConnection({ iceServers: [] }) as SendingPeer;
    if (this.options.m === 'sendonly')
      this.pc.addTransceiver(this.track, { direction: 'sendonly' });
    else this.pc.addTrack(this.track);
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await gatheringComplete(this.pc);
    const answer = await this.signaling(this.pc.localDescription?.sdp ?? '');
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
  }

  /** The mid of the published audio in the negotiated SDP (what `moderate` names). */
  get mid(): string {
    const mid = /a=mid:(\S+)/.exec(this.pc.localDescription?.sdp ?? '')?.[1];
    if (!mid) throw new Error('no mid in the local description');
    return mid;
  }

  /** Changes the tone from the next frame on. */
  play(frequency: number, amplitude = this.tone.amplitude): void {
    this.tone.frequency = frequency;
    this.tone.amplitude = amplitude;
  }

  /** Queues speech (48 kHz mono); resolves with the epoch ms at which its last frame was sent. */
  say(pcm: Int16Array): Promise<number> {
    for (let at = 0; at < pcm.length; at += FRAME_SAMPLES) {
      const frame = new Int16Array(FRAME_SAMPLES);
      frame.set(pcm.subarray(at, at + FRAME_SAMPLES));
      this.speech.push(frame);
    }
    return new Promise((resolve) => this.said.push(resolve));
  }

  /** RTP packets libwebrtc has sent so far (proves the client keeps sending). */
  packetsSent(): Promise<number> {
    return packetsSent(this.pc);
  }

  /** Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    open.delete(this);
    clearInterval(this.timer);
    this.track.stop();
    this.pc?.close();
    await this.options.closing?.();
  }

  /** 10 ms frames due by the wall clock: timers run late under load. */
  private sendDueFrames(): void {
    const due = Math.floor((performance.now() - this.startedAt) / 10) - this.framesSent;
    for (let i = 0; i < Math.min(due, MAX_FRAMES_PER_TICK); i++) {
      const spoken = this.speech.shift();
      this.source.onData({
        samples: spoken ?? this.tone.next(FRAME_SAMPLES),
        sampleRate: SAMPLE_RATE,
      });
      if (spoken && this.speech.length === 0) {
        const now = Date.now();
        for (const resolve of this.said.splice(0)) resolve(now);
      }
    }
    this.framesSent += due;
  }
}
