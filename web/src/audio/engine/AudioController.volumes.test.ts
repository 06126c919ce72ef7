// How per-speaker volumes switch a listener between the mix and the speakers' feeds.
import { describe, expect, it, vi } from 'vitest';
import { FakeFeedWatch, memoryStorage, tick } from '../../test/audio';
import {
  feedsOf,
  listener,
  listening,
  media,
  setup,
  webrtcWorks,
  withAudioFakes,
} from '../../test/audioController';
import type { AudioController } from './AudioController';
import { MediaRequestError } from './signaling';

withAudioFakes();

/** On fake timers: Ada's slider to `level`, and the feeds (Ada's, Bob's) come and play. */
async function feedsPlaying(controller: AudioController, level: number) {
  vi.useFakeTimers();
  controller.setSpeakerVolume('ada', level);
  const watch = FakeFeedWatch.made[0]!;
  watch.o.onFeeds(feedsOf('ada', 'bob'));
  watch.o.onPlaying();
  await vi.advanceTimersByTimeAsync(0);
  return watch;
}

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
    const watch = await feedsPlaying(controller, 0.5);

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
    const watch = await feedsPlaying(controller, 0);
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
    const watch = await feedsPlaying(controller, 0.5);
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
