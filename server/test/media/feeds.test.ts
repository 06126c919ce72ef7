import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type ServerMessage, WEBRTC_FULL_CODE } from '@salon/protocol';
import { VideoRoom } from '../../src/media/janus/videoroom.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { closer } from './support/cleanup.js';
import {
  SalonFeedStandby,
  SalonFeedWatcher,
  toldWanted,
  watchesSpeakers,
} from './support/feed-peers.js';
import { heard } from './support/hearing.js';
import { Publisher } from './support/publisher.js';
import { SalonListener } from './support/salon-peers.js';
import { TEST_ICE_ADDRESS } from './support/stage.js';

/**
 * Per-speaker feeds through Salon: stage members publish their own feed
 * besides the mix, a listener watches every feed in one PeerConnection, and
 * each track must carry its speaker's tone and nobody else's. The space's
 * rules (mutes, the stage, the end) decide what each track carries.
 */
let t: TestServer;
before(async () => {
  t = await startTestServer({
    env: {
      MEDIA: 'embedded',
      JANUS_ICE_ENFORCE_LIST: TEST_ICE_ADDRESS,
      HOST_MIN_FOLLOWERS: '0',
    },
  });
});
after(() => t.close());

async function person(closing: ReturnType<typeof closer>, handle?: string) {
  const u = await t.user(handle);
  const rt = closing(await RealtimeClient.connect(t.url, u.client));
  return { ...u, rt };
}

async function guest(closing: ReturnType<typeof closer>) {
  const { token } = (await t.client().post('/api/v1/auth/guest')).body;
  return closing(await RealtimeClient.connect(t.url, undefined, token));
}

function feedsStopped(rt: RealtimeClient, which: 'publish' | 'watch') {
  return rt.waitFor<Extract<ServerMessage, { type: 'feeds_stopped' }>>(
    (m) => m.type === 'feeds_stopped' && m.which === which,
    15_000,
  );
}

test('a feeds watcher hears each speaker on their own track, and mutes and demotion follow the space', async (tc) => {
  const closing = closer(tc);
  const host = await person(closing, 'fhost');
  const space = (await host.client.post('/api/v1/spaces', { title: 'Per-speaker' })).body;
  const url = `/api/v1/spaces/${space.id}`;
  await host.rt.subscribe(space.id);

  // A watcher who comes before any feed is watching at once, and gets an offer with the first one.
  const listenerRt = await guest(closing);
  await listenerRt.subscribe(space.id);
  const watcher = closing(await SalonFeedWatcher.watch(listenerRt, space.id));
  assert.deepEqual(watcher.speakers(), []);

  const hostFeed = closing(await Publisher.feed(host.rt, space.id, 440));
  await watchesSpeakers(watcher, [host.id], "the host's feed to be offered");
  // Everyone arrives on stage muted, the host too: their track is silent until they unmute.
  await heard(watcher.voiceOf(host.id), { absent: [440], timeoutMs: 10_000 });
  await host.client.post(`${url}/stage/${host.id}/unmute`);
  await heard(watcher.voiceOf(host.id), { present: [440] });

  const speaker = await person(closing, 'fspeaker');
  await speaker.rt.subscribe(space.id);
  await speaker.client.post(`${url}/requests`);
  await host.client.post(`${url}/requests/${speaker.id}/approve`);
  const speakerFeed = closing(await Publisher.feed(speaker.rt, space.id, 660));
  await speaker.client.post(`${url}/stage/${speaker.id}/unmute`);
  await watchesSpeakers(watcher, [host.id, speaker.id], "the speaker's feed to be offered too");
  // By the mid → speaker map: each track carries its own speaker and not the other.
  await heard(watcher.voiceOf(host.id), { present: [440], absent: [660] });
  await heard(watcher.voiceOf(speaker.id), { present: [660], absent: [440] });

  // The host muted server-side: their track goes silent while their client keeps sending.
  await host.client.post(`${url}/stage/${host.id}/mute`);
  const sentAtMute = await hostFeed.packetsSent();
  await heard(watcher.voiceOf(host.id), { absent: [440] });
  await eventually(
    async () => (await hostFeed.packetsSent()) > sentAtMute + 25,
    'the muted host to keep sending',
  );
  await heard(watcher.voiceOf(host.id), { absent: [440] });
  await heard(watcher.voiceOf(speaker.id), { present: [660] });
  await host.client.post(`${url}/stage/${host.id}/unmute`);
  await heard(watcher.voiceOf(host.id), { present: [440] });

  // Mute all: the speaker goes quiet, the host keeps the floor.
  await host.client.post(`${url}/mute_all`);
  await heard(watcher.voiceOf(speaker.id), { absent: [660] });
  await heard(watcher.voiceOf(host.id), { present: [440] });
  await speaker.client.post(`${url}/stage/${speaker.id}/unmute`);
  await heard(watcher.voiceOf(speaker.id), { present: [660] });

  // Demoted: the feed is cut at once, its publisher told, and watchers get an offer without it.
  const offersBefore = watcher.offers;
  const stopped = feedsStopped(speaker.rt, 'publish');
  await host.client.delete(`${url}/stage/${speaker.id}`);
  assert.equal((await stopped).reason, 'not_on_stage');
  await watchesSpeakers(watcher, [host.id], 'the demoted speaker to leave the offer');
  assert.ok(watcher.offers > offersBefore, 'a new offer went out');
  await heard(watcher.voiceOf(host.id), { present: [440], absent: [660] });
  // Back in the audience, they cannot publish a feed again.
  await assert.rejects(speakerFeed.negotiate(), { code: 'not_on_stage' });
  await heard(watcher.voiceOf(host.id), { present: [440], absent: [660], timeoutMs: 5_000 });
  assert.deepEqual(watcher.speakers(), [host.id]);

  // The end of the space: the watch and the feed stop, and no VideoRoom room is left.
  const feeds = t.server.services.media!.feeds!;
  const room = feeds.describe(space.id)?.room;
  assert.ok(room);
  // A VideoRoom handle of the test's own, on the session the plane carries the space in.
  const media = t.server.services.media!;
  const control = await VideoRoom.attach(await media.plane.session(space.id));
  assert.ok((await control.listRooms()).includes(room));
  const watchEnded = feedsStopped(listenerRt, 'watch');
  const feedEnded = feedsStopped(host.rt, 'publish');
  await host.client.post(`${url}/end`);
  assert.equal((await watchEnded).reason, 'space_ended');
  assert.equal((await feedEnded).reason, 'space_ended');
  await eventually(
    async () => !(await control.listRooms()).includes(room),
    'the feed room to be destroyed',
    10_000,
  );
  assert.equal(feeds.describe(space.id), null);
  await control.close();
});

test('stage members are told whether their feed is wanted: only while someone else watches the feeds', async (tc) => {
  const closing = closer(tc);
  const host = await person(closing);
  const space = (await host.client.post('/api/v1/spaces', { title: 'Wanted feeds' })).body;
  const url = `/api/v1/spaces/${space.id}`;
  await host.rt.subscribe(space.id);
  const promote = async () => {
    const who = await person(closing);
    await who.rt.subscribe(space.id);
    await who.client.post(`${url}/requests`);
    await host.client.post(`${url}/requests/${who.id}/approve`);
    return who;
  };

  // Nobody watches: no feed is wanted.
  const hostStandby = closing(await SalonFeedStandby.start(host.rt, space.id));
  const speaker = await promote();
  const speakerStandby = closing(await SalonFeedStandby.start(speaker.rt, space.id));
  assert.deepEqual(hostStandby.told, [false]);
  assert.deepEqual(speakerStandby.told, [false]);
  // Only stage members stand by.
  const listener = await person(closing);
  await listener.rt.subscribe(space.id);
  await assert.rejects(SalonFeedStandby.start(listener.rt, space.id), { code: 'not_on_stage' });

  // A watcher before any feed: watching nothing, and every stage member is told to publish.
  const watcher = closing(await SalonFeedWatcher.watch(listener.rt, space.id));
  assert.deepEqual(watcher.speakers(), []);
  await toldWanted(hostStandby, [false, true], 'the host told their feed is wanted');
  await toldWanted(speakerStandby, [false, true], 'the speaker told their feed is wanted');
  // They publish: the watcher gets their feeds.
  closing(await Publisher.feed(host.rt, space.id, 440));
  closing(await Publisher.feed(speaker.rt, space.id, 660));
  await watchesSpeakers(watcher, [host.id, speaker.id], 'both feeds offered once wanted');

  // A second watcher changes nothing; the last one stopping does.
  const otherRt = await guest(closing);
  await otherRt.subscribe(space.id);
  const other = closing(await SalonFeedWatcher.watch(otherRt, space.id));
  await watchesSpeakers(other, [host.id, speaker.id], 'the second watcher to get both feeds');
  listener.rt.send({ type: 'feeds_stop', space_id: space.id });
  await eventually(
    () => t.server.services.media!.feeds!.describe(space.id)?.watchers === 1,
    'one watcher left',
  );
  assert.deepEqual(hostStandby.told, [false, true]);
  await other.close();
  otherRt.send({ type: 'feeds_stop', space_id: space.id });
  await toldWanted(hostStandby, [false, true, false], 'the host told nobody watches any more');
  await toldWanted(
    speakerStandby,
    [false, true, false],
    'the speaker told nobody watches any more',
  );

  // A stage member watching wants the others' feeds, not their own.
  const hostWatch = closing(await SalonFeedWatcher.watch(host.rt, space.id));
  await toldWanted(speakerStandby, [false, true, false, true], 'the speaker told the host watches');
  await watchesSpeakers(hostWatch, [speaker.id], 'the host to watch the speaker');
  assert.deepEqual(hostStandby.told, [false, true, false]);

  // Promoted while someone watches: told at once that their feed is wanted.
  const late = await promote();
  const lateStandby = closing(await SalonFeedStandby.start(late.rt, space.id));
  assert.deepEqual(lateStandby.told, [true]);

  // Demoted: no more news (back on stage, the client asks again).
  await host.client.delete(`${url}/stage/${speaker.id}`);
  await eventually(
    () => !t.server.services.media!.feeds!.describe(space.id)?.publishers.includes(speaker.id),
    'the demoted speaker’s feed to end',
  );
  await hostWatch.close();
  host.rt.send({ type: 'feeds_stop', space_id: space.id });
  await toldWanted(lateStandby, [true, false], 'the late speaker told nobody watches');
  assert.deepEqual(speakerStandby.told, [false, true, false, true]);
});

test('a listener who is not on the stage cannot publish a feed, and nothing of theirs reaches watchers', async (tc) => {
  const closing = closer(tc);
  const host = await person(closing);
  const space = (await host.client.post('/api/v1/spaces', { title: 'Closed feeds' })).body;
  await host.rt.subscribe(space.id);
  await host.client.post(`/api/v1/spaces/${space.id}/stage/${host.id}/unmute`);
  closing(await Publisher.feed(host.rt, space.id, 440));
  const listener = await person(closing);
  await listener.rt.subscribe(space.id);
  const watcher = closing(await SalonFeedWatcher.watch(listener.rt, space.id));
  await watchesSpeakers(watcher, [host.id], "the host's feed");

  const other = await person(closing);
  await other.rt.subscribe(space.id);
  await assert.rejects(Publisher.feed(other.rt, space.id, 880), {
    code: 'not_on_stage',
  });
  const guestRt = await guest(closing);
  await guestRt.subscribe(space.id);
  await assert.rejects(Publisher.feed(guestRt, space.id, 880), {
    code: 'guest_not_allowed',
  });
  await heard(watcher.voiceOf(host.id), { present: [440], absent: [880], timeoutMs: 5_000 });
  assert.deepEqual(watcher.speakers(), [host.id]);
  assert.deepEqual(t.server.services.media!.feeds!.describe(space.id)?.publishers, [host.id]);
});

test('a publisher whose connection drops leaves the watchers’ offer, and a stage member does not get their own feed', async (tc) => {
  const closing = closer(tc);
  const host = await person(closing);
  const space = (await host.client.post('/api/v1/spaces', { title: 'Dropped feed' })).body;
  const url = `/api/v1/spaces/${space.id}`;
  await host.rt.subscribe(space.id);
  await host.client.post(`${url}/stage/${host.id}/unmute`);
  const speaker = await person(closing);
  await speaker.rt.subscribe(space.id);
  await speaker.client.post(`${url}/requests`);
  await host.client.post(`${url}/requests/${speaker.id}/approve`);
  await speaker.client.post(`${url}/stage/${speaker.id}/unmute`);

  closing(await Publisher.feed(host.rt, space.id, 440));
  closing(await Publisher.feed(speaker.rt, space.id, 660));
  // The host watches too: they hear the speaker, never themselves.
  const hostWatch = closing(await SalonFeedWatcher.watch(host.rt, space.id));
  await watchesSpeakers(hostWatch, [speaker.id], 'the host to watch the speaker only');
  await heard(hostWatch.voiceOf(speaker.id), { present: [660], absent: [440] });

  await speaker.rt.close();
  await watchesSpeakers(hostWatch, [], 'the dropped feed to leave the offer');
  assert.deepEqual(t.server.services.media!.feeds!.describe(space.id)?.publishers, [host.id]);
});

test('when Janus restarts, feed publishers and watchers are told (media_restart) and are heard again after starting over', async (tc) => {
  const closing = closer(tc);
  const host = await person(closing);
  const space = (await host.client.post('/api/v1/spaces', { title: 'Feeds survive' })).body;
  await host.rt.subscribe(space.id);
  await host.client.post(`/api/v1/spaces/${space.id}/stage/${host.id}/unmute`);
  const hostFeed = closing(await Publisher.feed(host.rt, space.id, 440));
  const listener = await person(closing);
  await listener.rt.subscribe(space.id);
  const watcher = closing(await SalonFeedWatcher.watch(listener.rt, space.id));
  await heard(watcher.voiceOf(host.id), { present: [440] });
  const feeds = t.server.services.media!.feeds!;

  const publishStopped = feedsStopped(host.rt, 'publish');
  const watchStopped = feedsStopped(listener.rt, 'watch');
  process.kill(t.server.services.media!.janus!.pid!, 'SIGKILL');
  assert.equal((await publishStopped).reason, 'media_restart');
  assert.equal((await watchStopped).reason, 'media_restart');

  // As the web app does on feeds_stopped (media_restart): publish and watch again.
  await hostFeed.negotiate();
  await watcher.restart();
  await watchesSpeakers(watcher, [host.id], "the host's feed on the new Janus");
  await heard(watcher.voiceOf(host.id), { present: [440] });
  const roomAfter = feeds.describe(space.id)?.room;
  assert.ok(roomAfter);
  const controlAfter = await VideoRoom.attach(
    await t.server.services.media!.plane.session(space.id),
  );
  assert.ok((await controlAfter.listRooms()).includes(roomAfter));
  await controlAfter.close();
});

test('watching feeds takes a WebRTC seat like listening to the mix, and is refused with webrtc_full_use_hls past the cap', async (tc) => {
  const closing = closer(tc);
  const capped = closing(
    await startTestServer({
      env: {
        MEDIA: 'embedded',
        JANUS_ICE_ENFORCE_LIST: TEST_ICE_ADDRESS,
        HOST_MIN_FOLLOWERS: '0',
        WEBRTC_LISTENERS_PER_SPACE: '1',
      },
    }),
  );
  const u = await capped.user();
  const hostRt = closing(await RealtimeClient.connect(capped.url, u.client));
  const space = (await u.client.post('/api/v1/spaces', { title: 'One seat' })).body;
  await hostRt.subscribe(space.id);
  const connect = async () => {
    const { token } = (await capped.client().post('/api/v1/auth/guest')).body;
    const rt = closing(await RealtimeClient.connect(capped.url, undefined, token));
    await rt.subscribe(space.id);
    return rt;
  };
  const first = await connect();
  const second = await connect();
  const seats = () => capped.server.services.media!.plane.listenerCounts(space.id).space;

  // The only seat goes to a feeds watcher: nobody else gets one, for the mix or the feeds.
  closing(await SalonFeedWatcher.watch(first, space.id));
  await assert.rejects(SalonFeedWatcher.watch(second, space.id), { code: WEBRTC_FULL_CODE });
  await assert.rejects(SalonListener.listen(second, space.id), { code: WEBRTC_FULL_CODE });
  // Whoever holds the seat may also take the mix on it: still one seat.
  closing(await SalonListener.listen(first, space.id));
  assert.equal(seats(), 1);

  // Stopping the watch and the mix frees the seat for someone else.
  first.send({ type: 'feeds_stop', space_id: space.id });
  first.send({ type: 'media_stop_listening', space_id: space.id });
  await eventually(() => seats() === 0, 'the seat to be free');
  closing(await SalonFeedWatcher.watch(second, space.id));
  assert.equal(seats(), 1);
});
