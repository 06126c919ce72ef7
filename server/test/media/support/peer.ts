/**
 * A listener with a real libwebrtc that plays a Streaming mountpoint through
 * our typed Janus client, the way the Salon server does for browsers, and
 * keeps what it decodes. Publishers are `Publisher.inBridge` (publisher.ts).
 */

import type { JanusSession } from '../../../src/media/janus/session.js';
import { type MountpointId, Streaming } from '../../../src/media/janus/streaming.js';
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
