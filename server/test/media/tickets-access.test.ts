import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, test } from 'node:test';
import type { ServerMessage } from '@salon/protocol';
import { decodeSegments, fetchPlaylist, newestAudio, PCM_RATE } from '../hls/support/player.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { giveTicket, refundTicket, sellTickets } from '../tickets/support/access.js';
import { heard } from './support/hearing.js';
import { Publisher } from './support/publisher.js';
import { SalonListener } from './support/salon-peers.js';
import { TEST_ICE_ADDRESS } from './support/stage.js';
import { meanPower, toneShare } from './support/tone.js';

/**
 * A ticketed space with real audio: the host speaks a tone through Janus,
 * ffmpeg packages it for HLS and records it. A holder hears it on WebRTC, on
 * HLS and in the replay; a listener without a ticket is refused on each, and
 * is never told who is speaking; a refund mid-space ends the holder's WebRTC
 * listening and HLS links at once; moderators keep the archive.
 */
const TONE = 440;
let t: TestServer;
before(async () => {
  t = await startTestServer({
    env: {
      MEDIA: 'embedded',
      JANUS_ICE_ENFORCE_LIST: TEST_ICE_ADDRESS,
      HOST_MIN_FOLLOWERS: '0',
      HLS_FORWARD_HOST: TEST_ICE_ADDRESS,
    },
  });
});
after(() => t.close());

async function person(handle: string) {
  const u = await t.user(handle);
  const rt = await RealtimeClient.connect(t.url, u.client);
  return { ...u, rt };
}

function hasTone(pcm: Int16Array): boolean {
  return (
    pcm.length >= PCM_RATE / 2 && meanPower(pcm) > 1_000 && toneShare(pcm, PCM_RATE, TONE) > 0.5
  );
}

async function hlsTone(url: string) {
  let last = 0;
  await eventually(
    async () => {
      const pcm = await newestAudio(url, 2).catch(() => new Int16Array(0));
      last = pcm.length ? toneShare(pcm, PCM_RATE, TONE) : -1;
      return hasTone(pcm);
    },
    `the tone in the newest HLS segments (last share ${last})`,
    20_000,
  );
}

test('holders hear a ticketed space on every tier, others are refused, a refund cuts the holder off', async (t_) => {
  const admin = await person('mtadmin'); // the first account: the instance's admin
  const moderator = await person('mtmod');
  await admin.client.put(`/api/v1/admin/users/${moderator.id}/role`, { role: 'moderator' });
  const host = await person('mthost');
  const space = (await host.client.post('/api/v1/spaces', { title: 'Paid', recording: true }))
    .body as { id: string };
  await sellTickets(t.server, space.id, host.id);
  const holder = await person('mtholder');
  const refunded = await person('mtrefunded');
  const stranger = await person('mtstranger');
  for (const p of [holder, refunded]) await giveTicket(t.server, space.id, host.id, p.id);
  // Closed however the test ends: a peer left open after a failed assertion would hold the
  // file until the runner's timeout.
  const opened: Array<{ close(): unknown }> = [
    admin,
    moderator,
    host,
    holder,
    refunded,
    stranger,
  ].map((p) => p.rt);
  t_.after(async () => {
    for (const thing of opened.reverse()) await thing.close();
  });

  await host.rt.subscribe(space.id);
  const voice = await Publisher.mix(host.rt, space.id, TONE);
  opened.push(voice);
  await host.client.post(`/api/v1/spaces/${space.id}/stage/${host.id}/unmute`);
  for (const p of [holder, refunded, stranger]) await p.rt.subscribe(space.id);
  assert.equal(stranger.rt.views.get(space.id)?.access, 'needs_ticket');
  assert.equal(holder.rt.views.get(space.id)?.access, 'holder');

  // WebRTC: the holders hear the stage, the stranger is refused.
  const ear = await SalonListener.listen(holder.rt, space.id);
  opened.push(ear);
  const cut = await SalonListener.listen(refunded.rt, space.id);
  opened.push(cut);
  await heard(ear, { present: [TONE] });
  await heard(cut, { present: [TONE] });
  await assert.rejects(SalonListener.listen(stranger.rt, space.id), { code: 'ticket_required' });

  // Who is speaking comes from the audio: the holder is told, the stranger is not.
  const speaking = (m: ServerMessage) =>
    m.type === 'speaking' && m.space_id === space.id && m.user_id === host.id && m.speaking;
  await holder.rt.waitFor(speaking, 15_000, true);
  // An event published after it reaches the stranger after it would have, on the same fan-out.
  const edited = (m: ServerMessage) =>
    m.type === 'event' && m.events.some((e) => e.type === 'space_updated');
  const seen = stranger.rt.waitFor(edited);
  await host.client.patch(`/api/v1/spaces/${space.id}`, { title: 'Paid, edited' });
  await seen;
  assert.equal(
    stranger.rt.messages.some((m) => m.type === 'speaking'),
    false,
    'no speaking indicator for someone without a ticket',
  );

  // HLS: the holder's links name them, and the segments stay under that name.
  const tier = await holder.client.get(`/api/v1/spaces/${space.id}/listen?tier=hls`);
  assert.equal(tier.status, 200, JSON.stringify(tier.body));
  const url = tier.body.hls_url as string;
  assert.match(url, new RegExp(`/live/\\d+\\.u${holder.id}\\.`));
  await hlsTone(url);
  const list = await fetchPlaylist(url);
  assert.ok(
    list.segments.every((s) => !s.uri.includes('/')),
    'segments resolve under the viewer’s token',
  );
  const segment = list.segments.at(-1)!.uri;
  const refusedListen = await stranger.client.get(`/api/v1/spaces/${space.id}/listen?tier=hls`);
  assert.equal(refusedListen.body.error.code, 'ticket_required');
  // A link that names nobody (the shared kind unticketed spaces use) gets no segment.
  const shared = t.server.services.hls.signer.issue(space.id, 'live', Date.now(), 3600, segment);
  const forged = await fetch(t.url + shared.path);
  assert.equal(forged.status, 403);
  assert.equal(((await forged.json()) as any).error.code, 'ticket_required');
  const refundedUrl = (await refunded.client.get(`/api/v1/spaces/${space.id}/listen?tier=hls`)).body
    .hls_url as string;
  assert.equal((await fetch(new URL(segment, refundedUrl))).status, 200);

  // A refund: the WebRTC seat goes, the links stop, the open socket is told.
  const plane = t.server.services.media!.plane;
  const seatsBefore = plane.listenerCounts(space.id).space;
  const fresh = refunded.rt.waitFor(
    (m) => m.type === 'snapshot' && m.space_id === space.id && m.snapshot.access === 'needs_ticket',
  );
  const start = performance.now();
  await refundTicket(t.server, space.id, refunded.id);
  await fresh;
  await eventually(
    () => plane.listenerCounts(space.id).space === seatsBefore - 1,
    'the refunded holder’s WebRTC seat to be freed',
  );
  t_.diagnostic(`refund → WebRTC seat freed in ${Math.round(performance.now() - start)} ms`);
  await eventually(() => {
    const pcm = cut.samplesSince(performance.now() - 500);
    return pcm.length === 0 || toneShare(pcm, cut.sampleRate, TONE) < 0.05;
  }, 'the tone to stop at the refunded listener');
  assert.equal((await fetchPlaylist(refundedUrl)).status, 403);
  assert.equal((await fetch(new URL(segment, refundedUrl))).status, 403);
  await assert.rejects(SalonListener.listen(refunded.rt, space.id), { code: 'ticket_required' });
  // The holder who kept their ticket still hears.
  await heard(ear, { present: [TONE] });
  await hlsTone(url);

  // The replay: for the holder, under a link naming them; not for the others.
  await eventually(
    async () =>
      (await holder.client.get(`/api/v1/spaces/${space.id}/replay`)).body.state === 'processing',
    'the replay to be coming',
  );
  await host.client.post(`/api/v1/spaces/${space.id}/end`);
  let replay: { url: string } | undefined;
  await eventually(
    async () => {
      const reply = await holder.client.get(`/api/v1/spaces/${space.id}/replay`);
      if (reply.body.state === 'ready') replay = reply.body;
      return replay !== undefined;
    },
    'the replay',
    15_000,
  );
  assert.match(replay!.url, new RegExp(`/replay/\\d+\\.u${holder.id}\\.`));
  const vod = await fetchPlaylist(replay!.url);
  assert.equal(vod.ended, true);
  // Every segment, fetched under the holder's link: where in the replay the host's voice
  // begins depends on how long its WebRTC took to connect, so the tone is looked for in
  // every half second, not in chosen segments.
  const uris = vod.segments.map((s) => new URL(s.uri, replay!.url).href);
  const pcm = await decodeSegments(
    await Promise.all(uris.map(async (u) => Buffer.from(await (await fetch(u)).arrayBuffer()))),
  );
  const half = PCM_RATE / 2;
  let toned = 0;
  for (let at = 0; at + half <= pcm.length; at += half)
    if (hasTone(pcm.subarray(at, at + half))) toned += 1;
  t_.diagnostic(`replay: ${toned} of ${Math.floor(pcm.length / half)} half seconds hold the tone`);
  assert.ok(toned >= 2, 'the stage is in the holder’s replay (a second of the tone at least)');
  for (const [who, client] of [
    ['a listener without a ticket', stranger.client],
    ['the refunded holder', refunded.client],
    ['a guest', t.client()],
  ] as const) {
    if (who === 'a guest') client.bearer = (await client.post('/api/v1/auth/guest')).body.token;
    const reply = await client.get(`/api/v1/spaces/${space.id}/replay`);
    assert.equal(reply.status, 403, who);
    assert.equal(reply.body.error.code, 'ticket_required', who);
  }
  const anonymous = await t.client().get(`/api/v1/spaces/${space.id}/replay`);
  assert.equal(anonymous.body.error.code, 'ticket_required');

  // Moderators keep the archive, ticket or not; staff hear the replay too.
  const archive = await moderator.client.get(`/api/v1/moderation/archives/${space.id}/audio`);
  assert.equal(archive.status, 200, JSON.stringify(archive.body));
  assert.equal((await fetchPlaylist(archive.body.url)).status, 200);
  assert.equal((await moderator.client.get(`/api/v1/spaces/${space.id}/replay`)).status, 200);
});
