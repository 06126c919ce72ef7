import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { MediaCluster } from '../../src/media/cluster.js';
import type { JanusProcess } from '../../src/media/janus-process.js';
import { newestAudio, PCM_RATE } from '../hls/support/player.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { heard } from './support/hearing.js';
import { Publisher } from './support/publisher.js';
import { renegotiateOnRestart, SalonListener } from './support/salon-peers.js';
import { startJanus } from './support/stage.js';
import { toneShare } from './support/tone.js';

/**
 * Salon in production shape: MEDIA=external with two Janus nodes in
 * JANUS_URL. When the node carrying a live space goes away for good, the
 * space moves to the other node and its clients, told to renegotiate, are
 * heard again, with no reload.
 */
const secret = randomBytes(16).toString('hex');
let janus: JanusProcess[] = [];
let t: TestServer;
before(async () => {
  janus = [await startJanus({ apiSecret: secret }), await startJanus({ apiSecret: secret })];
  t = await startTestServer({
    env: {
      MEDIA: 'external',
      JANUS_URL: janus.map((j) => j.url).join(','),
      JANUS_API_SECRET: secret,
      MEDIA_FAILOVER_SECONDS: '1',
      HOST_MIN_FOLLOWERS: '0',
    },
  });
});
after(async () => {
  await t?.close();
  await Promise.all(janus.map((j) => j.close()));
});

async function person() {
  const u = await t.user();
  const rt = await RealtimeClient.connect(t.url, u.client);
  return { ...u, rt };
}

test('the node carrying a live space stops for good: the space moves to the other node and is heard again', {
  timeout: 120_000,
}, async () => {
  const cluster = t.server.services.media!.plane as MediaCluster;
  const host = await person();
  const space = (await host.client.post('/api/v1/spaces', { title: 'Two nodes' })).body;
  await host.rt.subscribe(space.id);
  const listener = await person();
  await listener.rt.subscribe(space.id);
  const ear = await SalonListener.listen(listener.rt, space.id);
  const voice = await Publisher.mix(host.rt, space.id, 440);
  await host.client.post(`/api/v1/spaces/${space.id}/stage/${host.id}/unmute`);
  await heard(ear, { present: [440] });

  // Clients renegotiate when told to, as the web app does.
  const restarts: string[] = [];
  renegotiateOnRestart(host.rt, voice, () => restarts.push('host'));
  renegotiateOnRestart(listener.rt, ear, () => restarts.push('listener'));
  const first = cluster.nodeOf(space.id);
  const carrier = janus.find((j) => j.url === first);
  assert.ok(carrier, `the space is on one of the two nodes (${first})`);
  // Stopped for good (a node that stays away): whatever is heard now comes through the other.
  await carrier.close();
  await heard(ear, { present: [440], timeoutMs: 30_000 });
  const second = cluster.nodeOf(space.id);
  assert.ok(second && second !== first, `moved from ${first} to ${second}`);
  assert.deepEqual(restarts.sort(), ['host', 'listener']);
  // The HLS tier follows the room: a tone first spoken after the move reaches the segments.
  const tier = await listener.client.get(`/api/v1/spaces/${space.id}/listen?tier=hls`);
  assert.equal(tier.body.tier, 'hls', JSON.stringify(tier.body));
  voice.tone.frequency = 660;
  await eventually(
    async () => {
      const pcm = await newestAudio(tier.body.hls_url, 2).catch(() => new Int16Array(0));
      return pcm.length >= PCM_RATE / 2 && toneShare(pcm, PCM_RATE, 660) > 0.5;
    },
    '660 Hz in the newest HLS segments',
    20_000,
  );

  await host.client.post(`/api/v1/spaces/${space.id}/end`);
  await Promise.all([voice.close(), ear.close()]);
  await Promise.all([host.rt.close(), listener.rt.close()]);
});
