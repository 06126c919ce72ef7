/**
 * Plays the speakers' feeds, each through its own gain: every received track
 * → MediaStreamSource → GainNode → one MediaStreamDestination, whose stream
 * an <audio> element plays (so the master volume, autoplay and "Tap to
 * listen" work as they do for the mix) and the test probe analyses: what the
 * probe hears is what the gains let through.
 *
 * Chromium feeds a remote WebRTC track into WebAudio only while a media
 * element plays that track, so each feed also plays in a muted element.
 */
import type { RoutedFeed } from './feeds';

/** What the audio controller needs of a mixer (a fake one in unit tests). */
export interface Mixer {
  /** Plays the mixed output. */
  readonly element: HTMLAudioElement;
  /** The mixed output, after every gain. */
  output(): MediaStream;
  /** The feeds to play now: new ones are added, gone ones removed, moved ones re-gained. */
  setFeeds(feeds: readonly RoutedFeed[], gainOf: (userId: string) => number): void;
  setGain(userId: string, gain: number): void;
  /** The speakers' gains now, by user id (what is applied, for tests and state). */
  gains(): ReadonlyMap<string, number>;
  /** Drops every feed and stops playing. */
  clear(): void;
  /** Starts (or resumes) the AudioContext; resolves whether it runs. Call it from a tap. */
  resume(): Promise<boolean>;
  close(): void;
}

// Alike in shape only to Reactions.tsx's Floater and constants: a speaker's audio nodes and gain timing here, a floating emoji's place and timing there.
interface Channel {
  userId: string;
  track: MediaStreamTrack;
  sink: HTMLAudioElement;
  source: AudioNode;
  gain: GainNode;
  /** The gain set last (the node glides towards it). */
  target: number;
}

/** Gain changes glide over this time constant (seconds), so a slider does not click. */
const GLIDE_S = 0.02;
/** How long `resume` waits for an AudioContext the autoplay rules may keep suspended. */
const RESUME_WAIT_MS = 1_000;

export class SpeakerMixer implements Mixer {
  readonly element: HTMLAudioElement;
  private ctx: AudioContext | null = null;
  private out: MediaStreamAudioDestinationNode | null = null;
  private readonly channels = new Map<string, Channel>();

  constructor(
    private readonly o: {
      createElement: () => HTMLAudioElement;
      createContext?: () => AudioContext;
    },
  ) {
    this.element = o.createElement();
    this.element.autoplay = false;
  }

  output(): MediaStream {
    return this.graph().out.stream;
  }

  setFeeds(feeds: readonly RoutedFeed[], gainOf: (userId: string) => number): void {
    const { ctx, out } = this.graph();
    const wanted = new Map(feeds.map((feed) => [feed.mid, feed]));
    for (const [mid, channel] of this.channels) {
      if (wanted.get(mid)?.track !== channel.track) this.drop(mid);
    }
    for (const feed of feeds) {
      let channel = this.channels.get(feed.mid);
      if (!channel) {
        const sink = this.o.createElement();
        sink.muted = true;
        sink.srcObject = new MediaStream([feed.track]);
        void sink.play().catch(() => undefined);
        const source = ctx.createMediaStreamSource(new MediaStream([feed.track]));
        const gain = ctx.createGain();
        const target = gainOf(feed.userId);
        gain.gain.value = target;
        source.connect(gain);
        gain.connect(out);
        channel = { userId: feed.userId, track: feed.track, sink, source, gain, target };
        this.channels.set(feed.mid, channel);
      }
      // The server may reuse a mid for another speaker.
      channel.userId = feed.userId;
      this.glide(channel, gainOf(feed.userId));
    }
  }

  setGain(userId: string, gain: number): void {
    for (const channel of this.channels.values()) {
      if (channel.userId === userId) this.glide(channel, gain);
    }
  }

  gains(): ReadonlyMap<string, number> {
    const gains = new Map<string, number>();
    for (const channel of this.channels.values()) gains.set(channel.userId, channel.target);
    return gains;
  }

  clear(): void {
    for (const mid of [...this.channels.keys()]) this.drop(mid);
    this.element.pause();
  }

  async resume(): Promise<boolean> {
    const { ctx } = this.graph();
    if (ctx.state === 'running') return true;
    await Promise.race([
      ctx.resume().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, RESUME_WAIT_MS)),
    ]);
    // Read again: it changed while waiting.
    return (ctx.state as AudioContextState) === 'running';
  }

  close(): void {
    this.clear();
    this.element.srcObject = null;
    void this.ctx?.close().catch(() => undefined);
    this.ctx = null;
    this.out = null;
  }

  private graph(): { ctx: AudioContext; out: MediaStreamAudioDestinationNode } {
    if (!this.ctx || !this.out) {
      this.ctx = this.o.createContext?.() ?? new AudioContext();
      this.out = this.ctx.createMediaStreamDestination();
      this.element.srcObject = this.out.stream;
    }
    return { ctx: this.ctx, out: this.out };
  }

  private glide(channel: Channel, gain: number): void {
    if (channel.target === gain) return;
    channel.target = gain;
    const param = channel.gain.gain;
    const now = this.ctx?.currentTime ?? 0;
    param.cancelScheduledValues(now);
    param.setTargetAtTime(gain, now, GLIDE_S);
  }

  private drop(mid: string): void {
    const channel = this.channels.get(mid);
    if (!channel) return;
    this.channels.delete(mid);
    channel.source.disconnect();
    channel.gain.disconnect();
    channel.sink.pause();
    channel.sink.srcObject = null;
  }
}
