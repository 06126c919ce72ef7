/**
 * Fakes for the audio controller's tests: the browser's media edges (peer
 * connections, HLS, the feeds), audio elements, a microphone, a mixer.
 */
import type { ListenTierDto } from '@salon/protocol';
import { vi } from 'vitest';
import type { FeedPublicationOptions, FeedWatchOptions, RoutedFeed } from '../audio/engine/feeds';
import type { AudioMedia } from '../audio/engine/media';
import type { Mixer } from '../audio/engine/mixer';
import type { AudioState } from '../audio/engine/state';

/** An RTCPeerConnection as far as the controller looks at it. */
export class FakePeer extends EventTarget {
  connectionState: RTCPeerConnectionState = 'new';
  close = vi.fn();
  set(state: RTCPeerConnectionState) {
    this.connectionState = state;
    this.dispatchEvent(new Event('connectionstatechange'));
  }
}

export function fakeElement(autoplay: 'allowed' | 'blocked' = 'allowed') {
  let allowed = autoplay === 'allowed';
  return Object.assign(new EventTarget(), {
    autoplay: false,
    volume: 1,
    srcObject: null as MediaStream | null,
    play: vi.fn(() =>
      allowed
        ? Promise.resolve()
        : Promise.reject(Object.assign(new Error('blocked'), { name: 'NotAllowedError' })),
    ),
    pause: vi.fn(),
    allow: () => {
      allowed = true;
    },
  });
}

export type FakeElement = ReturnType<typeof fakeElement>;

export function fakeMic() {
  const track = Object.assign(new EventTarget(), { enabled: true, stop: vi.fn() });
  const stream = {
    getAudioTracks: () => [track],
    getTracks: () => [track],
  } as unknown as MediaStream;
  return { stream, track };
}

/** A mixer that records what it is asked to play, at which gains. */
export function fakeMixer() {
  const gains = new Map<string, number>();
  const mixer = {
    element: fakeElement() as unknown as HTMLAudioElement,
    stream: { id: 'speakers' } as unknown as MediaStream,
    feeds: [] as RoutedFeed[],
    output() {
      return mixer.stream;
    },
    setFeeds: vi.fn((feeds: readonly RoutedFeed[], gainOf: (userId: string) => number) => {
      mixer.feeds = [...feeds];
      gains.clear();
      for (const feed of feeds) gains.set(feed.userId, gainOf(feed.userId));
    }),
    setGain: vi.fn((userId: string, gain: number) => {
      if (gains.has(userId)) gains.set(userId, gain);
    }),
    gains: () => gains,
    clear: vi.fn(() => {
      mixer.feeds = [];
      gains.clear();
    }),
    running: true,
    resume: vi.fn(async () => mixer.running),
    close: vi.fn(),
  };
  return mixer satisfies Mixer;
}

export type FakeMixer = ReturnType<typeof fakeMixer>;

/** The probe as the controller drives it: what it listens to last. */
export function fakeProbe() {
  const probe = {
    heard: null as MediaStream | HTMLMediaElement | null,
    listenToStream: vi.fn((stream: MediaStream) => {
      probe.heard = stream;
    }),
    listenToElement: vi.fn((element: HTMLMediaElement) => {
      probe.heard = element;
    }),
    detach: vi.fn(() => {
      probe.heard = null;
    }),
    resume: vi.fn(),
    close: vi.fn(),
  };
  return probe;
}

export function memoryStorage() {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
  };
}

export const TIER: ListenTierDto = {
  tier: 'webrtc',
  reason: 'free',
  hls_url: 'http://salon.test/hls/s1/live/token/index.m3u8',
  hls_expires_at: '2030-01-01T00:00:00.000Z',
};

export const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A feeds watch the test drives: `o` holds the controller's callbacks. */
export class FakeFeedWatch {
  static made: FakeFeedWatch[] = [];
  start = vi.fn();
  handleOffer = vi.fn();
  recheck = vi.fn();
  close = vi.fn();
  constructor(readonly o: FeedWatchOptions) {
    FakeFeedWatch.made.push(this);
  }
}

/** A stage member's feed publication, recorded. */
export class FakeFeedPublication {
  static made: FakeFeedPublication[] = [];
  start = vi.fn();
  restart = vi.fn();
  close = vi.fn();
  constructor(readonly o: FeedPublicationOptions) {
    FakeFeedPublication.made.push(this);
  }
}

/**
 * The media edges as doubles the test drives (`AudioControllerOptions.media`):
 * WebRTC negotiations and HLS playbacks resolve as the test says, feeds watches
 * and publications are recorded in `FakeFeedWatch.made` and `FakeFeedPublication.made`.
 */
export function fakeMedia() {
  const media = {
    listenOverWebRtc: vi.fn(),
    publishToStage: vi.fn(),
    playHls: vi.fn(),
    watchFeeds: (o: FeedWatchOptions) => new FakeFeedWatch(o),
    publishFeed: (o: FeedPublicationOptions) => new FakeFeedPublication(o),
  };
  media.playHls.mockResolvedValue({ engine: 'hls.js', setUrl: vi.fn(), close: vi.fn() });
  return media satisfies AudioMedia;
}

export type FakeMedia = ReturnType<typeof fakeMedia>;

/** A space's audio state, playing over WebRTC with the mic off, and `patch` on top (the panel's tests). */
export function audioState(patch: Partial<AudioState> = {}): AudioState {
  return {
    spaceId: 's1',
    phase: 'playing',
    route: 'webrtc',
    hlsReason: null,
    mic: { status: 'off', problem: null },
    volume: 1,
    speakerVolumes: {},
    perSpeaker: 'mix',
    speaking: new Set(),
    error: null,
    ...patch,
  };
}
