import type { ListenTierDto } from '@salon/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type FakeElement,
  FakeFeedPublication,
  FakeFeedWatch,
  type FakeMedia,
  FakePeer,
  fakeElement,
  fakeMedia,
  fakeMic,
  fakeMixer,
  fakeProbe,
  memoryStorage,
  TIER,
  tick,
} from '../../test/audio';
import { AudioController } from './AudioController';
import type { RoutedFeed } from './feeds';
import { DEFAULT_FLAGS } from './flags';
import { MediaRequestError } from './signaling';
import type { AudioTarget } from './state';

// The browser's media edges (WebRTC, HLS, the feeds) are injected doubles the test drives;
// the controller's decisions are what is tested.
let media: FakeMedia;

const listener: AudioTarget = {
  spaceId: 's1',
  live: true,
  onStage: false,
  muted: true,
  selfId: 'dan',
  stage: ['ada', 'bob'],
};
const onStage: AudioTarget = { ...listener, onStage: true, muted: false, selfId: 'ada' };

function setup(
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
function webrtcWorks(kind: 'listenOverWebRtc' | 'publishToStage' = 'listenOverWebRtc') {
  const pc = new FakePeer();
  const stream = { id: `${kind} ${media[kind].mock.calls.length}` } as unknown as MediaStream;
  media[kind].mockImplementationOnce(async (o: { onPeer: (pc: unknown) => void }) => {
    o.onPeer(pc);
    return stream;
  });
  return { pc, stream };
}

const track = (id: string) => ({ id, muted: false }) as unknown as MediaStreamTrack;
const feedsOf = (...users: string[]): RoutedFeed[] =>
  users.map((userId, i) => ({ mid: String(i), userId, track: track(userId) }));

/** A listener hearing the mix, connected. */
async function listening(options?: Parameters<typeof setup>[0]) {
  const s = setup(options);
  const mix = webrtcWorks();
  s.controller.setTarget(listener);
  await tick();
  mix.pc.set('connected');
  return { ...s, mix };
}

beforeEach(() => {
  vi.clearAllMocks();
  media = fakeMedia();
  FakeFeedWatch.made = [];
  FakeFeedPublication.made = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe('per-speaker volume', () => {
  it('keeps the mix while every speaker is at the default', async () => {
    const { controller, probe, mix, rtc } = await listening();
    expect(controller.getState()).toMatchObject({ phase: 'playing', perSpeaker: 'mix' });
    expect(FakeFeedWatch.made).toHaveLength(0);
    expect(probe.heard).toBe(mix.stream);
    expect(rtc().volume).toBe(1);
  });

  it('turning a speaker down watches the feeds, and stops the mix only once they play', async () => {
    const { controller, types, mixer, probe, mix, rtc } = await listening();
    controller.setSpeakerVolume('ada', 0);
    expect(FakeFeedWatch.made).toHaveLength(1);
    const watch = FakeFeedWatch.made[0]!;
    expect(watch.start).toHaveBeenCalled();
    expect(watch.o.selfId).toBe('dan');
    expect(controller.getState()).toMatchObject({
      perSpeaker: 'switching',
      speakerVolumes: { ada: 0 },
    });

    // The feeds are negotiated: each track gets its speaker's gain; the mix still plays.
    watch.o.onFeeds(feedsOf('ada', 'bob'));
    expect(Object.fromEntries(mixer.gains())).toEqual({ ada: 0, bob: 1 });
    expect(types()).not.toContain('media_stop_listening');
    expect(mix.pc.close).not.toHaveBeenCalled();
    expect(probe.heard).toBe(mix.stream);

    // They play: the mix goes, and what is heard (and analysed) is the speakers through their gains.
    watch.o.onPlaying();
    await tick();
    expect(types()).toContain('media_stop_listening');
    expect(mix.pc.close).toHaveBeenCalled();
    expect(mixer.element.play).toHaveBeenCalled();
    expect(probe.heard).toBe(mixer.stream);
    expect(rtc().srcObject).toBeNull();
    expect(controller.getState()).toMatchObject({ phase: 'playing', perSpeaker: 'feeds' });

    // Moving the slider again only changes a gain.
    controller.setSpeakerVolume('bob', 1.5);
    expect(Object.fromEntries(mixer.gains())).toEqual({ ada: 0, bob: 1.5 });
    expect(FakeFeedWatch.made).toHaveLength(1);
  });

  it('everyone back at the default takes the mix again (after a moment), and drops the feeds once it is connected', async () => {
    const { controller, types, mixer, probe } = await listening();
    vi.useFakeTimers();
    controller.setSpeakerVolume('ada', 0.5);
    const watch = FakeFeedWatch.made[0]!;
    watch.o.onFeeds(feedsOf('ada', 'bob'));
    watch.o.onPlaying();
    await vi.advanceTimersByTimeAsync(0);

    // Passing 100 % on the way from 50 % to 150 % is no reason to switch.
    controller.setSpeakerVolume('ada', 1);
    await vi.advanceTimersByTimeAsync(500);
    controller.setSpeakerVolume('ada', 1.5);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(media.listenOverWebRtc).toHaveBeenCalledTimes(1);
    expect(controller.getState().perSpeaker).toBe('feeds');

    const again = webrtcWorks();
    controller.setSpeakerVolume('ada', 1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(media.listenOverWebRtc).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(media.listenOverWebRtc).toHaveBeenCalledTimes(2);
    // Not connected yet: the feeds still play.
    expect(watch.close).not.toHaveBeenCalled();
    expect(probe.heard).toBe(mixer.stream);

    again.pc.set('connected');
    expect(watch.close).toHaveBeenCalled();
    expect(types().at(-1)).toBe('feeds_stop');
    expect(mixer.clear).toHaveBeenCalled();
    expect(probe.heard).toBe(again.stream);
    expect(controller.getState()).toMatchObject({ perSpeaker: 'mix', speakerVolumes: {} });
  });

  it('back at the default before the feeds play, they are dropped and the mix never stopped', async () => {
    const { controller, types, mix } = await listening();
    controller.setSpeakerVolume('bob', 2);
    controller.resetSpeakerVolumes(['bob']);
    expect(FakeFeedWatch.made[0]!.close).toHaveBeenCalled();
    expect(types()).toContain('feeds_stop');
    expect(types()).not.toContain('media_stop_listening');
    expect(mix.pc.close).not.toHaveBeenCalled();
    expect(media.listenOverWebRtc).toHaveBeenCalledTimes(1);
  });

  it('feeds that fail before playing leave the mix playing, and are tried again later', async () => {
    const { controller, mix, probe } = await listening();
    vi.useFakeTimers();
    controller.setSpeakerVolume('ada', 0);
    FakeFeedWatch.made[0]!.o.onFailed(new Error('ICE failed'));
    expect(controller.getState().perSpeaker).toBe('failed');
    expect(mix.pc.close).not.toHaveBeenCalled();
    expect(probe.heard).toBe(mix.stream);
    // Not at once, even when the slider moves again.
    controller.setSpeakerVolume('ada', 0.1);
    expect(FakeFeedWatch.made).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(FakeFeedWatch.made).toHaveLength(2);
    expect(controller.getState().perSpeaker).toBe('switching');
  });

  it('feeds that fail after the mix stopped bring the mix back', async () => {
    const { controller, types } = await listening();
    vi.useFakeTimers();
    controller.setSpeakerVolume('ada', 0);
    const watch = FakeFeedWatch.made[0]!;
    watch.o.onFeeds(feedsOf('ada', 'bob'));
    watch.o.onPlaying();
    await vi.advanceTimersByTimeAsync(0);
    expect(types()).toContain('media_stop_listening');

    const back = webrtcWorks();
    watch.o.onFailed(new Error('The speakers’ streams were lost.'));
    expect(controller.getState().phase).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(media.listenOverWebRtc).toHaveBeenCalledTimes(2);
    back.pc.set('connected');
    expect(controller.getState()).toMatchObject({ phase: 'playing', perSpeaker: 'failed' });
    expect(FakeFeedWatch.made).toHaveLength(1);
  });

  it('someone speaking in the mix with no feed of their own sends the listener back to the mix', async () => {
    const { controller } = await listening();
    controller.setTarget({ ...listener, stage: ['ada', 'bob', 'carol'] });
    vi.useFakeTimers();
    controller.setSpeakerVolume('ada', 0.5);
    const watch = FakeFeedWatch.made[0]!;
    watch.o.onFeeds(feedsOf('ada', 'bob'));
    watch.o.onPlaying();
    await vi.advanceTimersByTimeAsync(0);
    const speaking = (user_id: string, on: boolean) =>
      controller.handleMessage({ type: 'speaking', space_id: 's1', user_id, speaking: on });

    // Bob has a feed; Carol's comes within a moment: nothing to do.
    speaking('bob', true);
    speaking('carol', true);
    await vi.advanceTimersByTimeAsync(2_000);
    watch.o.onFeeds(feedsOf('ada', 'bob', 'carol'));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(controller.getState().perSpeaker).toBe('feeds');

    // Dan speaks and never gets one: he would not be heard at all, so the mix comes back.
    controller.setTarget({ ...listener, selfId: 'erin', stage: ['ada', 'bob', 'carol', 'dan'] });
    speaking('dan', true);
    webrtcWorks();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(watch.close).toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(media.listenOverWebRtc).toHaveBeenCalledTimes(2);
    expect(controller.getState().perSpeaker).toBe('failed');
  });

  it('a server without feeds is not asked again', async () => {
    const { controller } = await listening();
    controller.setSpeakerVolume('ada', 0);
    FakeFeedWatch.made[0]!.o.onFailed(
      new MediaRequestError('unknown_message', 'Unknown message type "feeds_watch".'),
    );
    controller.setSpeakerVolume('bob', 0.5);
    expect(FakeFeedWatch.made).toHaveLength(1);
    expect(controller.getState().perSpeaker).toBe('unsupported');
  });

  it('passes the offers the server sends when the stage changes to the watch', async () => {
    const { controller } = await listening();
    controller.setSpeakerVolume('ada', 0);
    const offer = {
      type: 'feeds_offer' as const,
      space_id: 's1',
      sdp: 'v=0',
      feeds: [{ mid: '0', user_id: 'ada' }],
    };
    controller.handleMessage(offer);
    expect(FakeFeedWatch.made[0]!.handleOffer).toHaveBeenCalledWith(offer);
  });

  it('remembers the volumes: the next page starts the mix silent and goes straight to the feeds', async () => {
    const storage = memoryStorage();
    (await listening({ storage })).controller.setSpeakerVolume('ada', 0);

    const { controller, rtc, probe, mixer, mix, types } = await listening({ storage });
    expect(controller.getState().speakerVolumes).toEqual({ ada: 0 });
    // Ada must not be heard while the feeds come: the mix plays, silent, and is not analysed.
    expect(rtc().volume).toBe(0);
    expect(probe.heard).toBeNull();
    const watch = FakeFeedWatch.made.at(-1)!;
    expect(watch.start).toHaveBeenCalled();
    watch.o.onFeeds(feedsOf('ada', 'bob'));
    watch.o.onPlaying();
    await tick();
    expect(probe.heard).toBe(mixer.stream);
    expect(mix.pc.close).toHaveBeenCalled();
    expect(types()).toContain('media_stop_listening');
  });

  it('only speakers on the stage count: the mix plays while the one turned down is off it', async () => {
    const { controller } = await listening();
    controller.setTarget({ ...listener, stage: ['ada'] });
    controller.setSpeakerVolume('bob', 0);
    expect(FakeFeedWatch.made).toHaveLength(0);
    expect(controller.getState().perSpeaker).toBe('mix');
    controller.setTarget({ ...listener, stage: ['ada', 'bob'] });
    expect(FakeFeedWatch.made).toHaveLength(1);
  });

  it('over HLS there is only the mix: the volumes wait for the WebRTC tier', async () => {
    const { controller } = setup({ tier: { tier: 'hls', reason: 'space_full' } });
    controller.setTarget(listener);
    await tick();
    controller.setSpeakerVolume('ada', 0);
    expect(FakeFeedWatch.made).toHaveLength(0);
    expect(controller.getState()).toMatchObject({
      route: 'hls',
      perSpeaker: 'needs_webrtc',
      speakerVolumes: { ada: 0 },
    });
  });
});

describe('per-speaker volume on the stage', () => {
  async function speaking() {
    const s = setup();
    const stage = webrtcWorks('publishToStage');
    s.controller.setTarget(onStage);
    await tick();
    await tick();
    stage.pc.set('connected');
    return { ...s, stage };
  }

  /** The server's answer to the controller's last `feed_standby`. */
  function standbyAnswer(
    s: { controller: AudioController; sent: { type: string }[] },
    wanted: boolean,
  ) {
    const ask = s.sent.filter((m) => m.type === 'feed_standby').at(-1) as
      | { request_id?: string }
      | undefined;
    expect(ask?.request_id).toBeDefined();
    s.controller.handleMessage({
      type: 'feeds_wanted',
      space_id: 's1',
      wanted,
      request_id: ask!.request_id,
    });
  }
  const wanted = (controller: AudioController, value: boolean) =>
    controller.handleMessage({ type: 'feeds_wanted', space_id: 's1', wanted: value });

  it('publishes its feed only while someone watches, and unpublishes it a while after', async () => {
    const s = await speaking();
    const { controller, mic, types } = s;
    // Once the stage publication is up it asks whether its feed is wanted; nobody watches.
    expect(types()).toContain('feed_standby');
    standbyAnswer(s, false);
    await tick();
    expect(FakeFeedPublication.made).toHaveLength(0);
    expect(types()).not.toContain('feed_publish');

    // A listener starts watching: the feed is published (the same track as the stage's).
    wanted(controller, true);
    expect(FakeFeedPublication.made).toHaveLength(1);
    const feed = FakeFeedPublication.made[0]!;
    expect(feed.o.track).toBe(mic.track);
    expect(feed.start).toHaveBeenCalled();

    // Nobody watches any more: it stays a while (a listener moving sliders), then goes.
    vi.useFakeTimers();
    wanted(controller, false);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(feed.close).not.toHaveBeenCalled();
    wanted(controller, true);
    wanted(controller, false);
    await vi.advanceTimersByTimeAsync(29_000);
    expect(feed.close).not.toHaveBeenCalled();
    expect(types()).not.toContain('feed_unpublish');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(feed.close).toHaveBeenCalled();
    expect(types().filter((t) => t === 'feed_unpublish')).toHaveLength(1);
    expect(FakeFeedPublication.made).toHaveLength(1);

    // Wanted again: published again.
    wanted(controller, true);
    expect(FakeFeedPublication.made).toHaveLength(2);
    expect(FakeFeedPublication.made[1]!.start).toHaveBeenCalled();
  });

  it('publishes at once when the answer says the feed is wanted', async () => {
    const s = await speaking();
    standbyAnswer(s, true);
    await tick();
    expect(FakeFeedPublication.made).toHaveLength(1);
    expect(FakeFeedPublication.made[0]!.start).toHaveBeenCalled();
  });

  it('publishes always against a server that cannot say (no feed_standby)', async () => {
    const s = await speaking();
    const ask = s.sent.find((m) => m.type === 'feed_standby') as unknown as { request_id: string };
    s.controller.handleMessage({
      type: 'error',
      code: 'unknown_message',
      message: 'Unknown message type "feed_standby".',
      request_id: ask.request_id,
    });
    await tick();
    expect(FakeFeedPublication.made).toHaveLength(1);
    vi.useFakeTimers();
    wanted(s.controller, false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeFeedPublication.made[0]!.close).not.toHaveBeenCalled();
  });

  it('restarts its feed with the media server, and stops it when leaving the stage', async () => {
    const s = await speaking();
    const { controller, types } = s;
    standbyAnswer(s, true);
    await tick();
    const feed = FakeFeedPublication.made[0]!;

    // A media restart of the feed alone: published again.
    controller.handleMessage({
      type: 'feeds_stopped',
      space_id: 's1',
      which: 'publish',
      reason: 'media_restart',
    });
    expect(feed.restart).toHaveBeenCalled();

    webrtcWorks();
    controller.setTarget({ ...listener, selfId: 'ada' });
    expect(feed.close).toHaveBeenCalled();
    expect(types()).toEqual(expect.arrayContaining(['media_unpublish', 'feed_unpublish']));
  });

  it('leaving the stage with no feed published unpublishes only the stage', async () => {
    const s = await speaking();
    standbyAnswer(s, false);
    await tick();
    webrtcWorks();
    s.controller.setTarget({ ...listener, selfId: 'ada' });
    expect(s.types()).toContain('media_unpublish');
    expect(s.types()).not.toContain('feed_unpublish');
  });

  it('asks again after a reconnect, and publishes the feed again if wanted', async () => {
    const s = await speaking();
    standbyAnswer(s, true);
    await tick();
    s.controller.handleConnection('reconnecting');
    expect(FakeFeedPublication.made[0]!.close).toHaveBeenCalled();
    webrtcWorks('publishToStage');
    s.controller.handleConnection('open');
    await tick();
    await tick();
    expect(s.types().filter((t) => t === 'feed_standby')).toHaveLength(2);
    standbyAnswer(s, true);
    await tick();
    expect(FakeFeedPublication.made).toHaveLength(2);
  });

  it("hears the others' feeds instead of the stage's return audio, never their own, and keeps publishing", async () => {
    const { controller, rtc, types, mixer, probe, stage } = await speaking();
    controller.setSpeakerVolume('bob', 0.5);
    const watch = FakeFeedWatch.made[0]!;
    expect(watch.o.selfId).toBe('ada');
    watch.o.onFeeds(feedsOf('bob'));
    watch.o.onPlaying();
    await tick();
    // The return audio is silenced, not stopped: the publication goes on.
    expect(rtc().volume).toBe(0);
    expect(stage.pc.close).not.toHaveBeenCalled();
    expect(types()).not.toContain('media_stop_listening');
    expect(types()).not.toContain('media_unpublish');
    expect(probe.heard).toBe(mixer.stream);
    expect(controller.getState()).toMatchObject({ route: 'stage', perSpeaker: 'feeds' });

    // Back at the default: the return audio is there all along, so the feeds just go.
    vi.useFakeTimers();
    controller.setSpeakerVolume('bob', 1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(watch.close).toHaveBeenCalled();
    expect(rtc().volume).toBe(1);
    expect(probe.heard).toBe(stage.stream);
    expect(media.listenOverWebRtc).not.toHaveBeenCalled();
  });

  it('turning only yourself down does not need the feeds', async () => {
    const { controller } = await speaking();
    controller.setSpeakerVolume('ada', 0);
    expect(FakeFeedWatch.made).toHaveLength(0);
  });
});
