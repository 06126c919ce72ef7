// A stage member's own feed, published on demand, and the others' feeds on the stage.
// Its imports mirror AudioController.volumes.test.ts's: both drive the same fixture (test/audioController.ts), fakes' reset included.
import { describe, expect, it, vi } from 'vitest';
import { FakeFeedPublication, FakeFeedWatch, tick } from '../../test/audio';
import {
  feedsOf,
  listener,
  media,
  onStage,
  setup,
  webrtcWorks,
  withAudioFakes,
} from '../../test/audioController';
import type { AudioController } from './AudioController';

withAudioFakes();

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
