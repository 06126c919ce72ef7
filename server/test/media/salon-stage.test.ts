import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { VideoRoom } from '../../src/media/janus/videoroom.js';
import { MediaPlane } from '../../src/media/plane.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { heard } from './support/hearing.js';
import { Publisher } from './support/publisher.js';
import { renegotiateOnRestart, SalonListener } from './support/salon-peers.js';
import { TEST_ICE_ADDRESS } from './support/stage.js';

/**
 * The whole stage through Salon: WebRTC peers signal over the realtime
 * WebSocket, Salon runs Janus, and the space's rules (stage, mutes, removal,
 * the end) decide what listeners hear.
 */
let t: TestServer;
before(async () => {
  t = await startTestServer({
    env: {
      MEDIA: 'embedded',
      JANUS_ICE_ENFORCE_LIST: TEST_ICE_ADDRESS,
      STAGE_GRACE_SECONDS: '2',
      HOST_MIN_FOLLOWERS: '0',
    },
  });
});
after(() => t.close());

async function person(handle?: string) {
  const u = await t.user(handle);
  const rt = await RealtimeClient.connect(t.url, u.client);
  return { ...u, rt };
}

test('the stage is heard by a WebRTC listener, and mutes, mute-all, demotion and removal cut speakers server-side', async () => {
  const host = await person('mhost');
  const space = (await host.client.post('/api/v1/spaces', { title: 'Audible' })).body;
  const url = `/api/v1/spaces/${space.id}`;
  for (const p of [host]) await p.rt.subscribe(space.id);

  const guest = (await t.client().post('/api/v1/auth/guest')).body;
  const guestRt = await RealtimeClient.connect(t.url, undefined, guest.token);
  await guestRt.subscribe(space.id);
  const ear = await SalonListener.listen(guestRt, space.id);

  const hostVoice = await Publisher.mix(host.rt, space.id, 440);
  // Everyone arrives on stage muted, the host too: nothing is heard until they unmute.
  await heard(ear, { absent: [440], timeoutMs: 10_000 });
  await host.client.post(`${url}/stage/${host.id}/unmute`);
  await heard(ear, { present: [440] });

  const speaker = await person('mspeaker');
  await speaker.rt.subscribe(space.id);
  await speaker.client.post(`${url}/requests`);
  await host.client.post(`${url}/requests/${speaker.id}/approve`);
  const voice = await Publisher.mix(speaker.rt, space.id, 660);
  await heard(ear, { present: [440], absent: [660], timeoutMs: 10_000 });
  await speaker.client.post(`${url}/stage/${speaker.id}/unmute`);
  await heard(ear, { present: [440, 660] });

  // Muted by the host: gone from the mix while the client keeps sending.
  await host.client.post(`${url}/stage/${speaker.id}/mute`);
  const before = await voice.packetsSent();
  await heard(ear, { present: [440], absent: [660] });
  await eventually(
    async () => (await voice.packetsSent()) > before + 25,
    'the muted speaker to keep sending',
  );
  await speaker.client.post(`${url}/stage/${speaker.id}/unmute`);
  await heard(ear, { present: [440, 660] });

  // Mute all: speakers go quiet, the host keeps the floor.
  await host.client.post(`${url}/mute_all`);
  await heard(ear, { present: [440], absent: [660] });
  await speaker.client.post(`${url}/stage/${speaker.id}/unmute`);
  await heard(ear, { present: [440, 660] });

  // Removed from the stage (demoted to listener): cut at once, and told so.
  const stopped = speaker.rt.waitFor((m) => m.type === 'media_stopped', 10_000);
  await host.client.delete(`${url}/stage/${speaker.id}`);
  await heard(ear, { present: [440], absent: [660] });
  const told = await stopped;
  assert.equal(told.type === 'media_stopped' && told.reason, 'not_on_stage');
  // Back as a listener, publishing is refused and nothing of theirs reaches the mix.
  await assert.rejects(voice.negotiate(), { code: 'not_on_stage' });
  await heard(ear, { present: [440], absent: [660], timeoutMs: 5_000 });

  // Invited back, then removed from the space altogether.
  await host.client.post(`${url}/invitations`, { user_id: speaker.id, role: 'speaker' });
  await speaker.client.post(`${url}/invitation/accept`);
  await voice.negotiate();
  await speaker.client.post(`${url}/stage/${speaker.id}/unmute`);
  await heard(ear, { present: [440, 660] });
  await host.client.post(`${url}/removals`, { kind: 'user', id: speaker.id });
  await heard(ear, { present: [440], absent: [660] });

  await Promise.all([voice.close(), hostVoice.close(), ear.close()]);
  for (const rt of [host.rt, speaker.rt, guestRt]) await rt.close();
});

test('a listener who is not on the stage cannot publish, and nothing of theirs reaches the mix', async () => {
  const host = await person();
  const space = (await host.client.post('/api/v1/spaces', { title: 'Closed stage' })).body;
  const listener = await person();
  await listener.rt.subscribe(space.id);
  const ear = await SalonListener.listen(listener.rt, space.id);
  await assert.rejects(Publisher.mix(listener.rt, space.id, 880), { code: 'not_on_stage' });
  const guest = (await t.client().post('/api/v1/auth/guest')).body;
  const guestRt = await RealtimeClient.connect(t.url, undefined, guest.token);
  await assert.rejects(Publisher.mix(guestRt, space.id, 880), { code: 'guest_not_allowed' });
  await heard(ear, { absent: [880], timeoutMs: 3_000 });
  await ear.close();
  await Promise.all([listener.rt.close(), guestRt.close(), host.rt.close()]);
});

test('ending a space tears its media down: no room, mountpoint, forwarder or feed room is left', async () => {
  const host = await person();
  const space = (await host.client.post('/api/v1/spaces', { title: 'Short-lived' })).body;
  await host.rt.subscribe(space.id);
  const voice = await Publisher.mix(host.rt, space.id, 440);
  const feed = await Publisher.feed(host.rt, space.id, 440);
  const media = t.server.services.media!;
  const feedRoom = media.feeds!.describe(space.id)?.room;
  assert.ok(feedRoom);
  // A VideoRoom handle of the test's own, on the session the plane carries the space in.
  const videoRoom = await VideoRoom.attach(await media.plane.session(space.id));
  assert.ok((await videoRoom.listRooms()).includes(feedRoom));
  const held = media.plane.describe(space.id);
  assert.ok(held);
  assert.deepEqual(held.publishers, [host.id]);
  assert.ok(media.plane instanceof MediaPlane, 'one Janus node: a plane, whose handles reach it');
  const { audioBridge, streaming } = media.plane.control;
  assert.ok((await audioBridge.listRooms()).includes(held.room));
  await host.client.post(`/api/v1/spaces/${space.id}/end`);
  await eventually(
    async () => !(await audioBridge.listRooms()).includes(held.room),
    'the room to be destroyed',
    10_000,
  );
  assert.equal(media.plane.describe(space.id), null);
  assert.ok(!(await streaming.listMountpoints()).includes(held.mountpoint));
  await eventually(
    async () => !(await videoRoom.listRooms()).includes(feedRoom),
    'the feed room to be destroyed',
    10_000,
  );
  assert.equal(media.feeds!.describe(space.id), null);
  await videoRoom.close();
  await feed.close();
  await voice.close();
  await host.rt.close();
});

test('when Janus dies during a live space, Salon restarts it and the speakers are heard again', async (t2) => {
  const host = await person();
  const space = (await host.client.post('/api/v1/spaces', { title: 'Resilient' })).body;
  await host.rt.subscribe(space.id);
  const listener = await person();
  await listener.rt.subscribe(space.id);
  const ear = await SalonListener.listen(listener.rt, space.id);
  const voice = await Publisher.mix(host.rt, space.id, 440);
  await host.client.post(`/api/v1/spaces/${space.id}/stage/${host.id}/unmute`);
  await heard(ear, { present: [440] });

  // Clients renegotiate when told to, as the web app does, without reloading anything.
  renegotiateOnRestart(host.rt, voice);
  renegotiateOnRestart(listener.rt, ear);
  const janus = t.server.services.media!.janus!;
  const killedAt = Date.now();
  process.kill(janus.pid!, 'SIGKILL');
  await heard(ear, { present: [440], timeoutMs: 15_000 });
  // Reported, not asserted: a wall time depends on the machine's load.
  t2.diagnostic(`audio back ${Date.now() - killedAt} ms after the kill`);
  await Promise.all([voice.close(), ear.close()]);
  await Promise.all([host.rt.close(), listener.rt.close()]);
});
