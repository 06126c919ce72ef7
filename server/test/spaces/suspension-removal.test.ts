import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import { CLOSE_ACCOUNT_SUSPENDED } from '@salon/protocol';
import { scopeDir } from '../../src/streams/layout.js';
import { Client } from '../support/client.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { liveSpace, onStage } from '../support/factories.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Suspension and removal reach connections that are already open: on every
 * node, on every message, on media requests and reactions, and on the HLS
 * playlist URL a listener already holds.
 */

function closed(rt: RealtimeClient): Promise<{ code: number; at: number }> {
  return new Promise((resolve) =>
    rt.ws.once('close', (code) => resolve({ code, at: performance.now() })),
  );
}

describe('on two nodes (PostgreSQL + Redis)', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({
      nodes: 2,
      redis: true,
      env: { HOST_MIN_FOLLOWERS: '0', MEDIA: 'off' },
    });
  });
  after(() => cluster.close());

  test('a speaker suspended through node A is closed on node B and leaves the stage, once', async (t) => {
    const admin = await cluster.user(0, 'susadmin');
    const host = await cluster.user(0, 'sushost');
    const speaker = await cluster.user(1, 'susspeaker');
    const space = await liveSpace(host, { title: 'Suspension' });
    const url = space.path;
    await onStage(host, space, speaker);
    const hostRt = await RealtimeClient.connect(cluster.url(0), host.client);
    await hostRt.subscribe(space.id);
    const onB = await RealtimeClient.connect(cluster.url(1), speaker.client);
    assert.equal((await onB.subscribe(space.id)).type, 'snapshot');
    const gone = closed(onB);

    const start = performance.now();
    const reply = await admin.client.post(`/api/v1/moderation/users/${speaker.id}/suspension`, {
      note: 'test',
    });
    assert.equal(reply.status, 200);
    const { code, at } = await gone;
    assert.equal(code, CLOSE_ACCOUNT_SUSPENDED, 'closed with the suspension code');
    assert.ok(
      onB.messages.some((m) => m.type === 'error' && m.code === 'account_suspended'),
      'told why before the close',
    );
    t.diagnostic(`socket on node B closed ${Math.round(at - start)} ms after the request on A`);
    await eventually(
      () => !hostRt.views.get(space.id)?.stage.some((m) => m.user.id === speaker.id),
      'the speaker to leave the stage, as node A sees it',
    );
    const stage = (await host.client.get(`${url}/snapshot`)).body.stage as {
      user: { id: string };
    }[];
    assert.equal(
      stage.some((m) => m.user.id === speaker.id),
      false,
    );
    const leaves = hostRt.messages.filter(
      (m) =>
        m.type === 'event' &&
        m.events.some(
          (e) =>
            e.type === 'stage_changed' &&
            e.change.kind === 'left' &&
            e.change.user_id === speaker.id,
        ),
    );
    assert.equal(leaves.length, 1, 'one command, not one per node');
    // A new socket is refused at the handshake, and HTTP with the old session too.
    await assert.rejects(RealtimeClient.connect(cluster.url(1), speaker.client), /403/);
    assert.equal((await speaker.client.get('/api/v1/me')).status, 403);
    await hostRt.close();
  });
});

describe('on two nodes, a removal made while the other node no longer follows the space', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({
      nodes: 2,
      redis: true,
      env: { HOST_MIN_FOLLOWERS: '0', MEDIA: 'off' },
    });
  });
  after(() => cluster.close());

  test('is not missed by that node when the person comes back to it', async () => {
    const host = await cluster.user(0, 'stalehost');
    const person = await cluster.user(1, 'staleperson');
    const space = await liveSpace(host, { title: 'Stale' });
    const onB = await RealtimeClient.connect(cluster.url(1), person.client);
    assert.equal((await onB.subscribe(space.id)).type, 'snapshot');
    onB.send({ type: 'unsubscribe', space_id: space.id });
    const gatewayB = cluster.nodes[1]!.services.realtime;
    await eventually(
      () => gatewayB.counts(space.id) === null,
      'node B to stop following the space',
    );

    await host.client.post(`/api/v1/spaces/${space.id}/removals`, { kind: 'user', id: person.id });
    const again = await onB.subscribe(space.id);
    assert.equal(again.type === 'error' ? again.code : again.type, 'removed_from_space');
    await onB.close();
  });
});

describe('on one node', () => {
  let t: TestServer;
  let host: Awaited<ReturnType<TestServer['user']>>;
  before(async () => {
    t = await startTestServer({ env: { HOST_MIN_FOLLOWERS: '0' } });
    await t.user('rmadmin');
    host = await t.user('rmhost');
  });
  after(() => t.close());

  const openSpace = async (title: string) => (await liveSpace(host, { title })).id;
  const endSpace = (id: string) => host.client.post(`/api/v1/spaces/${id}/end`);

  /** The same browser (its device cookie) with a new guest token. */
  async function asGuest(browser: Client) {
    const guest = new Client(t.url);
    const device = browser.cookies.get('salon_device');
    assert.ok(device, 'the browser has a device cookie');
    guest.cookies.set('salon_device', device);
    const token = (await guest.post('/api/v1/auth/guest')).body.token as string;
    guest.bearer = token;
    const rt = await RealtimeClient.connect(t.url, guest, token);
    return { guest, rt };
  }

  async function ask(rt: RealtimeClient, message: Record<string, unknown>): Promise<string> {
    const requestId = Math.random().toString(36).slice(2);
    const reply = rt.waitFor((m) => 'request_id' in m && m.request_id === requestId);
    rt.send({ ...message, request_id: requestId } as never);
    const m = await reply;
    return m.type === 'error' ? m.code : m.type;
  }

  test('someone removed who comes back as a guest in the same browser is refused everywhere', async () => {
    const spaceId = await openSpace('No way back');
    const person = await t.user();
    const rt = await RealtimeClient.connect(t.url, person.client);
    await rt.subscribe(spaceId);
    await host.client.post(`/api/v1/spaces/${spaceId}/removals`, { kind: 'user', id: person.id });
    await rt.waitFor((m) => m.type === 'removed_from_space', 5000, true);

    const { guest, rt: guestRt } = await asGuest(person.client);
    const refused = 'removed_from_space';
    assert.equal(await ask(guestRt, { type: 'subscribe', space_id: spaceId }), refused);
    assert.equal(await ask(guestRt, { type: 'media_listen', space_id: spaceId }), refused);
    assert.equal(await ask(guestRt, { type: 'feeds_watch', space_id: spaceId }), refused);
    const reaction = await guest.post(`/api/v1/spaces/${spaceId}/reactions`, { emoji: '👍' });
    assert.deepEqual([reaction.status, reaction.body.error?.code], [403, refused]);
    const listen = await guest.get(`/api/v1/spaces/${spaceId}/listen`);
    assert.deepEqual([listen.status, listen.body.error?.code], [403, refused]);
    // Another browser's guest is still welcome.
    const other = await RealtimeClient.connect(
      t.url,
      undefined,
      (await t.client().post('/api/v1/auth/guest')).body.token,
    );
    assert.equal(
      await ask(other, { type: 'media_listen', space_id: spaceId }),
      'media_unavailable',
    );
    for (const c of [rt, guestRt, other]) await c.close();
    await endSpace(spaceId);
  });

  test('someone removed while not connected still has the browsers they used banned', async () => {
    const spaceId = await openSpace('Banned while away');
    const person = await t.user();
    // Seen once with this browser, then gone.
    const before = await RealtimeClient.connect(t.url, person.client);
    await before.subscribe(spaceId);
    await before.close();
    await host.client.post(`/api/v1/spaces/${spaceId}/removals`, { kind: 'user', id: person.id });

    const { guest, rt } = await asGuest(person.client);
    assert.equal(await ask(rt, { type: 'subscribe', space_id: spaceId }), 'removed_from_space');
    assert.equal(await ask(rt, { type: 'media_listen', space_id: spaceId }), 'removed_from_space');
    const reaction = await guest.post(`/api/v1/spaces/${spaceId}/reactions`, { emoji: '👍' });
    assert.equal(reaction.status, 403);
    await rt.close();
    await endSpace(spaceId);
  });

  test('a guest tab of the removed person’s browser, already in the space, is expelled too', async () => {
    const spaceId = await openSpace('Every tab');
    const person = await t.user();
    const rt = await RealtimeClient.connect(t.url, person.client);
    await rt.subscribe(spaceId);
    const { rt: guestRt } = await asGuest(person.client);
    assert.equal((await guestRt.subscribe(spaceId)).type, 'snapshot');
    await host.client.post(`/api/v1/spaces/${spaceId}/removals`, { kind: 'user', id: person.id });
    await guestRt.waitFor((m) => m.type === 'removed_from_space', 5000, true);
    assert.equal(
      await ask(guestRt, { type: 'react', space_id: spaceId, emoji: '👍' }),
      'removed_from_space',
    );
    await rt.close();
    await guestRt.close();
    await endSpace(spaceId);
  });

  test('a listener’s HLS playlist URL is refused at the next fetch after their removal, and after a suspension', async () => {
    const spaceId = await openSpace('Playlist');
    const dir = scopeDir(t.config.dataDir, spaceId, 'live');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'index.m3u8'), '#EXTM3U\n#EXTINF:1.0,\nl000000.ts\n');
    const signer = t.server.services.hls.signer;
    const removed = await t.user();
    const suspended = await t.user();
    // What /listen hands out (it needs audio on; MEDIA=off here).
    const urlOf = (userId: string) =>
      t.url + signer.issuePlaylist(spaceId, `u${userId}`, Date.now(), 60).path;
    const removedUrl = urlOf(removed.id);
    const suspendedUrl = urlOf(suspended.id);
    assert.equal((await fetch(removedUrl)).status, 200);
    assert.equal((await fetch(suspendedUrl)).status, 200);

    await host.client.post(`/api/v1/spaces/${spaceId}/removals`, { kind: 'user', id: removed.id });
    const refused = await fetch(removedUrl);
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as any).error.code, 'removed_from_space');

    await t.server.services.storage.db
      .updateTable('users')
      .set({ suspended_at: Date.now() })
      .where('id', '=', suspended.id)
      .execute();
    await eventually(
      async () => (await fetch(suspendedUrl)).status === 403,
      'the suspended listener’s playlist to be refused',
      10_000,
    );
    // Everyone else's playlist plays on.
    assert.equal((await fetch(urlOf(host.id))).status, 200);
    await endSpace(spaceId);
  });

  test('blocking a listener from the profile during the host’s live space removes them from it', async () => {
    const spaceId = await openSpace('Profile block');
    const listener = await t.user();
    const rt = await RealtimeClient.connect(t.url, listener.client);
    await rt.subscribe(spaceId);
    assert.equal((await host.client.post(`/api/v1/users/${listener.id}/block`)).status, 200);
    await rt.waitFor((m) => m.type === 'removed_from_space', 5000, true);
    assert.equal(
      await ask(rt, { type: 'react', space_id: spaceId, emoji: '👍' }),
      'removed_from_space',
    );
    const snapshot = (await host.client.get(`/api/v1/spaces/${spaceId}`)).body;
    assert.equal(snapshot.state, 'live');
    const share = await listener.client.post(`/api/v1/spaces/${spaceId}/share/post`, {});
    assert.equal(share.status, 403, 'nor may they share it');
    await rt.close();
    await endSpace(spaceId);
  });
});
