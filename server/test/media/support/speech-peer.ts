/**
 * A libwebrtc peer that speaks: it publishes one Opus m-line into a
 * VideoRoom room through our Janus client and sends whatever PCM it is
 * given (48 kHz mono, espeak-ng's speech in the captions tests), in 10 ms
 * frames at the real-time pace, and silence in between, as a microphone.
 */
import type { JanusSession } from '../../../src/media/janus/session.js';
import { type FeedId, VideoRoom, type VideoRoomId } from '../../../src/media/janus/videoroom.js';
import { FRAME_SAMPLES, SAMPLE_RATE } from './tone.js';
import {
  type AudioSource,
  gatheringComplete,
  type MediaStreamTrack,
  type PeerConnection,
  RTCAudioSource,
  RTCPeerConnection,
} from './wrtc.js';

interface SendingPeer extends PeerConnection {
  addTransceiver(track: MediaStreamTrack, init: { direction: 'sendonly' }): unknown;
}

export class SpeechPublisher {
  /** Straight into a VideoRoom room through our Janus client. */
  static async publish(options: {
    session: JanusSession;
    room: VideoRoomId;
    id: FeedId;
  }): Promise<SpeechPublisher> {
    const handle = await VideoRoom.attach(options.session);
    try {
      await handle.joinAsPublisher(options.room, { id: options.id });
    } catch (error) {
      await handle.close();
      throw error;
    }
    return SpeechPublisher.negotiate(
      async (sdp) => (await handle.publish({ type: 'offer', sdp, trickle: false })).sdp,
      () => handle.close(),
    );
  }

  /** Through any signaling that takes an offer and gives the answer (FeedRooms.publish, Salon's feed_publish). */
  static async negotiate(
    publish: (offer: string) => Promise<string>,
    closing: () => Promise<void> = async () => undefined,
  ): Promise<SpeechPublisher> {
    const publisher = new SpeechPublisher(closing);
    try {
      publisher.pc.addTransceiver(publisher.track, { direction: 'sendonly' });
      await publisher.pc.setLocalDescription(await publisher.pc.createOffer());
      await gatheringComplete(publisher.pc);
      const answer = await publish(publisher.pc.localDescription?.sdp ?? '');
      await publisher.pc.setRemoteDescription({ type: 'answer', sdp: answer });
    } catch (error) {
      await publisher.close();
      throw error;
    }
    return publisher;
  }

  readonly pc = new RTCPeerConnection({ iceServers: [] }) as SendingPeer;
  private readonly source: AudioSource = new RTCAudioSource();
  readonly track: MediaStreamTrack = this.source.createTrack();
  private queue: Int16Array[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = performance.now();
  private framesSent = 0;
  private closed = false;
  /** Waiting for the queue to be sent. */
  private done: Array<(at: number) => void> = [];

  private constructor(private readonly closing: () => Promise<void>) {
    this.timer = setInterval(() => this.pump(), 10);
  }

  get mid(): string {
    const mid = /a=mid:(\S+)/.exec(this.pc.localDescription?.sdp ?? '')?.[1];
    if (!mid) throw new Error('no mid in the local description');
    return mid;
  }

  /** Queues speech; resolves with the epoch ms at which the queue's last frame was sent. */
  say(pcm: Int16Array): Promise<number> {
    for (let at = 0; at < pcm.length; at += FRAME_SAMPLES) {
      const frame = new Int16Array(FRAME_SAMPLES);
      frame.set(pcm.subarray(at, at + FRAME_SAMPLES));
      this.queue.push(frame);
    }
    return new Promise((resolve) => this.done.push(resolve));
  }

  private pump(): void {
    const due = Math.floor((performance.now() - this.startedAt) / 10) - this.framesSent;
    for (let i = 0; i < Math.min(due, 10); i++) {
      const frame = this.queue.shift();
      this.source.onData({
        samples: frame ?? new Int16Array(FRAME_SAMPLES),
        sampleRate: SAMPLE_RATE,
      });
      if (frame && this.queue.length === 0) {
        const now = Date.now();
        for (const resolve of this.done.splice(0)) resolve(now);
      }
    }
    this.framesSent += due;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.track.stop();
    this.pc.close();
    await this.closing();
  }
}
