import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CLOSE_ACCOUNT_SUSPENDED } from '@salon/protocol';
import { Client } from '../support/client.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { heard } from './support/hearing.js';
import { Publisher } from './support/publisher.js';
import { ask, SalonListener } from './support/salon-peers.js';
import { TEST_ICE_ADDRESS } from './support/stage.js';

/**
 * Media authority with real audio: a removal or a suspension takes effect on
 * WebRTC sessions that are already open, and a person removed cannot get
 * audio back as a guest in the same browser.
 */
let t: TestServer;
let admin: Awaited<ReturnType<TestServer['user']>>;
before(async () => {
  t = await startTestServer({
    env: {
      MEDIA: 'embedded',
      JANUS_ICE_ENFORCE_LIST: TEST_ICE_ADDRESS,
      HOST_MIN_FOLLOWERS: '0',
    },
  });
  admin = await t.user('authadmin');
});
after(() => t.close());

async function person(handle?: string) {
  const u = await t.user(handle);
  const rt = await RealtimeClient.connect(t.url, u.client);
  return { ...u, rt };
}

/** A live space whose host is heard at 440 Hz. */
async function onAir(title: string) {
  const host = await person();
  const space = (await host.client.post('/api/v1/spaces', { title })).body as { id: string };
  await host.rt.subscribe(space.id);
  const voice = await Publisher.mix(host.rt, space.id, 440);
  await host.client.post(`/api/v1/spaces/${space.id}/stage/${host.id}/unmute`);
  return { host, space, voice };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'answered',
    (error: { code?: string }) => error.code ?? String(error),
  );

test('a removed WebRTC listener stops receiving at once, and gets no offer back as a guest in the same browser', async () => {
  const { host, space, voice } = await onAir('Removal, by ear');
  const listener = await person();
  await listener.rt.subscribe(space.id);
  const ear = await SalonListener.listen(listener.rt, space.id);
  await heard(ear, { present: [440] });
  const plane = t.server.services.media!.plane;
  assert.equal(plane.listenerCounts(space.id).space, 1);

  await host.client.post(`/api/v1/spaces/${space.id}/removals`, { kind: 'user', id: listener.id });
  await listener.rt.waitFor((m) => m.type === 'removed_from_space', 5000, true);
  await eventually(() => plane.listenerCounts(space.id).space === 0, 'the listening seat to end');
  assert.equal(
    await refusal(ask(listener.rt, { type: 'media_listen', space_id: space.id }, 'media_offer')),
    'removed_from_space',
  );

  // The same browser (device cookie), now as a guest.
  const browser = new Client(t.url);
  browser.cookies.set('salon_device', listener.client.cookies.get('salon_device')!);
  const token = (await browser.post('/api/v1/auth/guest')).body.token as string;
  const guestRt = await RealtimeClient.connect(t.url, browser, token);
  for (const type of ['media_listen', 'feeds_watch'] as const) {
    assert.equal(
      await refusal(
        ask(guestRt, { type, space_id: space.id }, [
          'media_offer',
          'feeds_offer',
          'feeds_watching',
        ]),
      ),
      'removed_from_space',
      type,
    );
  }
  assert.equal(plane.listenerCounts(space.id).space, 0, 'no seat was given');

  await ear.close();
  await voice.close();
  await host.client.post(`/api/v1/spaces/${space.id}/end`);
  for (const rt of [host.rt, listener.rt, guestRt]) await rt.close();
});

test('a removed listener who listens without being subscribed to the space loses the seat too', async () => {
  const { host, space, voice } = await onAir('Removal, unsubscribed');
  const listener = await person();
  // An API client: media only, no subscription (so no expulsion through the space's channel).
  const ear = await SalonListener.listen(listener.rt, space.id);
  await heard(ear, { present: [440] });
  const plane = t.server.services.media!.plane;
  assert.equal(plane.listenerCounts(space.id).space, 1);
  // Nobody on this node follows the space now: only the person's own channel tells it.
  host.rt.send({ type: 'unsubscribe', space_id: space.id });
  await eventually(
    () => t.server.services.realtime.counts(space.id) === null,
    'the node to stop following the space',
  );
  await host.client.post(`/api/v1/spaces/${space.id}/removals`, { kind: 'user', id: listener.id });
  await eventually(() => plane.listenerCounts(space.id).space === 0, 'the listening seat to end');
  await ear.close();
  await voice.close();
  await host.client.post(`/api/v1/spaces/${space.id}/end`);
  for (const rt of [host.rt, listener.rt]) await rt.close();
});

test('a suspended speaker’s socket is closed, their voice leaves the mix and they leave the stage', async () => {
  const { host, space, voice } = await onAir('Suspension, by ear');
  const speaker = await person();
  const url = `/api/v1/spaces/${space.id}`;
  await speaker.rt.subscribe(space.id);
  await host.client.post(`${url}/invitations`, { user_id: speaker.id, role: 'speaker' });
  await speaker.client.post(`${url}/invitation/accept`);
  const theirs = await Publisher.mix(speaker.rt, space.id, 660);
  await speaker.client.post(`${url}/stage/${speaker.id}/unmute`);
  const guest = (await t.client().post('/api/v1/auth/guest')).body.token as string;
  const guestRt = await RealtimeClient.connect(t.url, undefined, guest);
  await guestRt.subscribe(space.id);
  const ear = await SalonListener.listen(guestRt, space.id);
  await heard(ear, { present: [440, 660] });

  const closed = new Promise<number>((resolve) => speaker.rt.ws.once('close', resolve));
  const reply = await admin.client.post(`/api/v1/moderation/users/${speaker.id}/suspension`, {
    note: 'test',
  });
  assert.equal(reply.status, 200);
  assert.equal(await closed, CLOSE_ACCOUNT_SUSPENDED);
  await heard(ear, { present: [440], absent: [660] });
  await eventually(
    async () =>
      !((await host.client.get(`${url}/snapshot`)).body.stage as { user: { id: string } }[]).some(
        (m) => m.user.id === speaker.id,
      ),
    'the suspended speaker to leave the stage',
  );

  await theirs.close();
  await ear.close();
  await voice.close();
  await host.client.post(`${url}/end`);
  for (const rt of [host.rt, guestRt]) await rt.close();
});

test('a speaker whose account is suspended in the database only is refused media_publish at the next message', async () => {
  const { host, space, voice } = await onAir('Per message');
  const speaker = await person();
  const url = `/api/v1/spaces/${space.id}`;
  await host.client.post(`${url}/invitations`, { user_id: speaker.id, role: 'speaker' });
  await speaker.client.post(`${url}/invitation/accept`);
  // A fresh socket: nothing about this session is cached yet.
  const rt = await RealtimeClient.connect(t.url, speaker.client);
  await t.server.services.storage.db
    .updateTable('users')
    .set({ suspended_at: Date.now() })
    .where('id', '=', speaker.id)
    .execute();
  assert.equal(await refusal(Publisher.mix(rt, space.id, 660)), 'account_suspended');
  await voice.close();
  await host.client.post(`${url}/end`);
  for (const c of [host.rt, speaker.rt, rt]) await c.close();
});
