/**
 * The audio controller as the per-speaker volume tests drive it: injected
 * media doubles (`media`, reset before each test by `withAudioFakes`), fake
 * elements, mixer, probe and microphone, and a listener or stage member.
 */
import type { ListenTierDto } from '@salon/protocol';
import { afterEach, beforeEach, vi } from 'vitest';
import { AudioController } from '../audio/engine/AudioController';
import type { RoutedFeed } from '../audio/engine/feeds';
import { DEFAULT_FLAGS } from '../audio/engine/flags';
import type { AudioTarget } from '../audio/engine/state';
import {
  type FakeElement,
  FakeFeedPublication,
  FakeFeedWatch,
  FakePeer,
  fakeElement,
  fakeMedia,
  fakeMic,
  fakeMixer,
  fakeProbe,
  memoryStorage,
  TIER,
  tick,
} from './audio';

/** The browser's media edges (WebRTC, HLS, the feeds), injected: the controller's decisions are what is tested. */
export const media = fakeMedia();

/** Before each test: no negotiation a failed test left queued answers the next one's. */
export function resetAudioFakes(): void {
  vi.clearAllMocks();
  media.listenOverWebRtc.mockReset();
  media.publishToStage.mockReset();
  media.playHls.mockResolvedValue({ engine: 'hls.js', setUrl: vi.fn(), close: vi.fn() });
  FakeFeedWatch.made = [];
  FakeFeedPublication.made = [];
}

/** Called once at the top of a test file: fresh fakes before each test, real timers again after it. */
export function withAudioFakes(): void {
  beforeEach(resetAudioFakes);
  afterEach(() => {
    vi.useRealTimers();
  });
}

export const listener: AudioTarget = {
  spaceId: 's1',
  live: true,
  onStage: false,
  muted: true,
  selfId: 'dan',
  stage: ['ada', 'bob'],
};
export const onStage: AudioTarget = { ...listener, onStage: true, muted: false, selfId: 'ada' };

export function setup(
  options: { storage?: ReturnType<typeof memoryStorage>; tier?: Partial<ListenTierDto> } = {},
) {
  const elements: FakeElement[] = [];
  const sent: { type: string }[] = [];
  const mixer = fakeMixer();
  const probe = fakeProbe();
  const mic = fakeMic();
  const controller = new AudioController({
    transport: {
      send: (m) => {
        sent.push(m);
        return true;
      },
    },
    listenTier: async () => ({ ...TIER, ...options.tier }),
    flags: DEFAULT_FLAGS,
    media,
    openMicrophone: async () => mic.stream,
    storage: options.storage ?? memoryStorage(),
    probe: probe as never,
    createMixer: () => mixer,
    createElement: () => {
      const element = fakeElement();
      elements.push(element);
      return element as unknown as HTMLAudioElement;
    },
  });
  controller.handleConnection('open');
  // The first element plays WebRTC (the mix, or the stage's return audio).
  const rtc = () => elements[0]!;
  const types = () => sent.map((m) => m.type);
  return { controller, sent, types, mixer, probe, mic, rtc };
}

/** The next WebRTC negotiation (mix or stage) succeeds with a peer the test drives. */
export function webrtcWorks(kind: 'listenOverWebRtc' | 'publishToStage' = 'listenOverWebRtc') {
  const pc = new FakePeer();
  const stream = { id: `${kind} ${media[kind].mock.calls.length}` } as unknown as MediaStream;
  media[kind].mockImplementationOnce(async (o: { onPeer: (pc: unknown) => void }) => {
    o.onPeer(pc);
    return stream;
  });
  return { pc, stream };
}

const track = (id: string) => ({ id, muted: false }) as unknown as MediaStreamTrack;
export const feedsOf = (...users: string[]): RoutedFeed[] =>
  users.map((userId, i) => ({ mid: String(i), userId, track: track(userId) }));

/** A listener hearing the mix, connected. */
export async function listening(options?: Parameters<typeof setup>[0]) {
  const s = setup(options);
  const mix = webrtcWorks();
  s.controller.setTarget(listener);
  await tick();
  mix.pc.set('connected');
  return { ...s, mix };
}
