import type { ListenTierDto } from '@salon/protocol';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type FakeMedia,
  FakePeer,
  fakeElement,
  fakeMedia,
  fakeMic,
  fakeMixer,
  TIER,
  tick,
} from '../../test/audio';
import { AudioController } from './AudioController';
import { DEFAULT_FLAGS } from './flags';
import { MicrophoneError, micProblem } from './microphone';
import { MediaRequestError } from './signaling';
import type { AudioTarget } from './state';

// The browser's media edges (WebRTC, HLS, the feeds) are injected doubles the test drives;
// the controller's decisions are what is tested.
let media: FakeMedia;

function setup(options: { autoplay?: 'allowed' | 'blocked'; tier?: Partial<ListenTierDto> } = {}) {
  const elements: ReturnType<typeof fakeElement>[] = [];
  const sent: unknown[] = [];
  const mic = fakeMic();
  const openMicrophone = vi.fn(async () => mic.stream);
  const listenTier = vi.fn(async () => ({ ...TIER, ...options.tier }));
  const controller = new AudioController({
    transport: {
      send: (m) => {
        sent.push(m);
        return true;
      },
    },
    listenTier,
    flags: DEFAULT_FLAGS,
    media,
    openMicrophone,
    createMixer: fakeMixer,
    createElement: () => {
      const element = fakeElement(options.autoplay ?? 'allowed');
      elements.push(element);
      return element as unknown as HTMLAudioElement;
    },
  });
  controller.handleConnection('open');
  return { controller, elements, sent, mic, openMicrophone, listenTier };
}

const listener: AudioTarget = {
  spaceId: 's1',
  live: true,
  onStage: false,
  muted: true,
  selfId: null,
  stage: ['ada', 'bob'],
};

/** Makes the next WebRTC negotiation succeed with a peer the test can drive. */
function webrtcWorks(kind: 'listenOverWebRtc' | 'publishToStage' = 'listenOverWebRtc') {
  const pc = new FakePeer();
  media[kind].mockImplementationOnce(async (o: { onPeer: (pc: unknown) => void }) => {
    o.onPeer(pc);
    return {} as MediaStream;
  });
  return pc;
}

beforeEach(() => {
  vi.clearAllMocks();
  media = fakeMedia();
});

describe('AudioController', () => {
  it('listens over WebRTC when the server offers a seat, and says so once connected', async () => {
    const { controller } = setup();
    const pc = webrtcWorks();
    controller.setTarget(listener);
    expect(controller.getState().phase).toBe('connecting');
    await tick();
    expect(controller.getState()).toMatchObject({ route: 'webrtc', phase: 'connecting' });
    pc.set('connected');
    expect(controller.getState()).toMatchObject({ route: 'webrtc', phase: 'playing' });
  });

  it('shows "tap to listen" when autoplay is blocked, and plays after the tap', async () => {
    const { controller, elements } = setup({ autoplay: 'blocked' });
    const pc = webrtcWorks();
    controller.setTarget(listener);
    await tick();
    pc.set('connected');
    await tick();
    expect(controller.getState().phase).toBe('blocked');
    for (const element of elements) element.allow();
    controller.unlock();
    await tick();
    expect(controller.getState().phase).toBe('playing');
  });

  it('uses HLS when the server assigns it, with the reason, and stays on it', async () => {
    const { controller, listenTier } = setup({ tier: { tier: 'hls', reason: 'space_full' } });
    controller.setTarget(listener);
    await tick();
    expect(media.playHls).toHaveBeenCalledWith(expect.anything(), TIER.hls_url, expect.anything());
    expect(media.listenOverWebRtc).not.toHaveBeenCalled();
    expect(controller.getState()).toMatchObject({ route: 'hls', hlsReason: 'space_full' });

    // After a stall it asks for HLS again, even if a WebRTC seat came free meanwhile.
    controller.handleMessage({ type: 'media_stopped', space_id: 's1', reason: 'not_on_stage' });
    await tick();
    expect(listenTier).toHaveBeenLastCalledWith('s1', 'hls');
    expect(controller.getState()).toMatchObject({ route: 'hls', hlsReason: 'space_full' });
  });

  it('asks for a fresh playlist URL before the one it plays expires, and plays on with it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.UTC(2030, 0, 1));
    const soon = new Date(Date.UTC(2030, 0, 1) + 10_000).toISOString();
    const { controller, listenTier } = setup({
      tier: { tier: 'hls', reason: 'asked', hls_expires_at: soon },
    });
    const playback = { engine: 'hls.js', setUrl: vi.fn(), close: vi.fn() };
    media.playHls.mockResolvedValue(playback);
    controller.setTarget(listener);
    await tick();
    expect(media.playHls).toHaveBeenCalledTimes(1);
    listenTier.mockResolvedValueOnce({
      ...TIER,
      tier: 'hls',
      hls_url: 'http://salon.test/new.m3u8',
    });
    vi.useRealTimers();
    // Halfway to expiry (5 s here): the new URL goes to the same playback, with no restart.
    await vi.waitFor(
      () => expect(playback.setUrl).toHaveBeenCalledWith('http://salon.test/new.m3u8'),
      {
        timeout: 15_000,
      },
    );
    expect(media.playHls).toHaveBeenCalledTimes(1);
    expect(listenTier).toHaveBeenLastCalledWith('s1', 'hls');
  }, 20_000);

  it('falls back to HLS when the WebRTC seats went while negotiating', async () => {
    const { controller } = setup();
    media.listenOverWebRtc.mockRejectedValueOnce(
      new MediaRequestError('webrtc_full_use_hls', 'The seats are taken.'),
    );
    controller.setTarget(listener);
    await tick();
    await tick();
    expect(media.playHls).toHaveBeenCalledWith(expect.anything(), TIER.hls_url, expect.anything());
    expect(controller.getState()).toMatchObject({ route: 'hls', hlsReason: 'space_full' });
  });

  it('goes on over HLS when another tab of the same person takes the WebRTC seat, and leaves it there', async () => {
    const { controller, listenTier } = setup();
    const pc = webrtcWorks();
    controller.setTarget(listener);
    await tick();
    pc.set('connected');
    controller.handleMessage({
      type: 'media_stopped',
      space_id: 's1',
      reason: 'listening_elsewhere',
    });
    await tick();
    expect(listenTier).toHaveBeenLastCalledWith('s1', 'hls');
    expect(media.listenOverWebRtc).toHaveBeenCalledTimes(1);
    expect(controller.getState()).toMatchObject({
      route: 'hls',
      hlsReason: 'listening_elsewhere',
    });
  });

  it('negotiates again when the server asks, and after the realtime link comes back', async () => {
    const { controller } = setup();
    const first = webrtcWorks();
    controller.setTarget(listener);
    await tick();
    first.set('connected');
    webrtcWorks().set('connected');
    controller.handleMessage({ type: 'media_restart', space_id: 's1' });
    await tick();
    expect(media.listenOverWebRtc).toHaveBeenCalledTimes(2);

    controller.handleConnection('reconnecting');
    expect(controller.getState().phase).toBe('reconnecting');
    webrtcWorks();
    controller.handleConnection('open');
    await tick();
    expect(media.listenOverWebRtc).toHaveBeenCalledTimes(3);
  });

  it('publishes a stage member and follows the server mute on the local track', async () => {
    const { controller, mic, sent } = setup();
    webrtcWorks('publishToStage');
    controller.setTarget({ ...listener, onStage: true, muted: true });
    await tick();
    await tick();
    expect(media.publishToStage).toHaveBeenCalledWith(
      expect.objectContaining({ spaceId: 's1', track: mic.track }),
    );
    expect(mic.track.enabled).toBe(false);
    expect(controller.getState()).toMatchObject({ route: 'stage', mic: { status: 'muted' } });

    controller.setTarget({ ...listener, onStage: true, muted: false });
    expect(mic.track.enabled).toBe(true);
    expect(controller.getState().mic.status).toBe('on');

    // Back to the audience: the microphone is released and the space is heard as a listener.
    webrtcWorks();
    controller.setTarget(listener);
    await tick();
    expect(mic.track.stop).toHaveBeenCalled();
    expect(sent).toContainEqual({ type: 'media_unpublish', space_id: 's1' });
    expect(media.listenOverWebRtc).toHaveBeenCalled();
  });

  it('when the microphone is denied, explains it and keeps the space playing; trying again publishes', async () => {
    const { controller, openMicrophone } = setup();
    openMicrophone.mockRejectedValueOnce(new MicrophoneError(micProblem('denied')));
    webrtcWorks();
    controller.setTarget({ ...listener, onStage: true });
    await tick();
    await tick();
    expect(controller.getState().mic).toMatchObject({
      status: 'problem',
      problem: { kind: 'denied' },
    });
    expect(media.listenOverWebRtc).toHaveBeenCalledTimes(1);

    webrtcWorks('publishToStage');
    controller.retryMicrophone();
    await tick();
    await tick();
    expect(media.publishToStage).toHaveBeenCalledTimes(1);
    expect(controller.getState().mic.problem).toBeNull();
  });

  it('connects with the STUN/TURN servers the server hands out, and asks again once they expire', async () => {
    const turn = {
      urls: ['turn:turn.example.org:3478?transport=udp'],
      username: 'u',
      credential: 'c',
    };
    let expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const fetchIceServers = vi.fn(async () => ({ ice_servers: [turn], expires_at: expiresAt }));
    const controller = new AudioController({
      transport: { send: () => true },
      listenTier: async () => TIER,
      flags: DEFAULT_FLAGS,
      media,
      createMixer: fakeMixer,
      createElement: () => fakeElement() as unknown as HTMLAudioElement,
      fetchIceServers,
    });
    controller.handleConnection('open');
    webrtcWorks();
    controller.setTarget(listener);
    await tick();
    expect(fetchIceServers).toHaveBeenCalledTimes(1);
    expect(media.listenOverWebRtc.mock.calls[0]![0].iceServers).toEqual([turn]);

    // A renegotiation within the credentials' lifetime reuses them.
    webrtcWorks();
    controller.handleMessage({ type: 'media_restart', space_id: 's1' });
    await tick();
    expect(media.listenOverWebRtc).toHaveBeenCalledTimes(2);
    expect(fetchIceServers).toHaveBeenCalledTimes(1);

    // An hour later they have expired: fetched again before connecting. These
    // expire within the minute of margin, so the next negotiation asks again.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 3600_000);
      expiresAt = new Date(Date.now() + 30_000).toISOString();
      webrtcWorks();
      controller.handleMessage({ type: 'media_restart', space_id: 's1' });
      await tick();
      expect(fetchIceServers).toHaveBeenCalledTimes(2);
      webrtcWorks();
      controller.handleMessage({ type: 'media_restart', space_id: 's1' });
      await tick();
      expect(fetchIceServers).toHaveBeenCalledTimes(3);
    } finally {
      vi.useRealTimers();
      controller.close();
    }
  });

  it('keeps who is speaking, for the current space only', () => {
    const { controller } = setup();
    controller.setTarget(listener);
    controller.handleMessage({ type: 'speaking', space_id: 's1', user_id: 'ada', speaking: true });
    controller.handleMessage({
      type: 'speaking',
      space_id: 'other',
      user_id: 'bob',
      speaking: true,
    });
    expect([...controller.getState().speaking]).toEqual(['ada']);
    controller.handleMessage({ type: 'speaking', space_id: 's1', user_id: 'ada', speaking: false });
    expect(controller.getState().speaking.size).toBe(0);
  });

  it('stops everything when the space ends', async () => {
    const { controller } = setup();
    const pc = webrtcWorks();
    controller.setTarget(listener);
    await tick();
    controller.setTarget({ ...listener, live: false });
    expect(pc.close).toHaveBeenCalled();
    expect(controller.getState()).toMatchObject({ phase: 'off', route: null });
  });
});
