import { performance } from 'node:perf_hooks';
import { SAMPLE_RATE } from './tone.js';
import type { AudioData } from './wrtc.js';

export interface ReceivedFrame {
  /** performance.now() when the sink delivered it. */
  at: number;
  samples: Int16Array;
}

/** About 10 s of 10 ms frames. */
const KEPT_FRAMES = 1_000;

/** What a listener decoded: the last ~10 s of mono frames, with their arrival times. */
export class AudioLog {
  sampleRate = SAMPLE_RATE;
  private readonly frames: ReceivedFrame[] = [];

  /** For an RTCAudioSink's ondata: the buffer belongs to libwebrtc and is reused, so channel 0 is copied out. */
  record(data: AudioData): void {
    const channels = data.channelCount ?? 1;
    const mono = new Int16Array(data.samples.length / channels);
    for (let i = 0; i < mono.length; i++) mono[i] = data.samples[i * channels] ?? 0;
    this.sampleRate = data.sampleRate;
    this.frames.push({ at: performance.now(), samples: mono });
    if (this.frames.length > KEPT_FRAMES) this.frames.shift();
  }

  /** Mono samples of frames delivered after `since` (performance.now() time). */
  samplesSince(since: number): Int16Array {
    const chosen = this.framesSince(since);
    const out = new Int16Array(chosen.reduce((sum, frame) => sum + frame.samples.length, 0));
    let offset = 0;
    for (const frame of chosen) {
      out.set(frame.samples, offset);
      offset += frame.samples.length;
    }
    return out;
  }

  framesSince(since: number): ReceivedFrame[] {
    return this.frames.filter((frame) => frame.at >= since);
  }
}
