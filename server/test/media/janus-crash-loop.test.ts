import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ServerMessage } from '@salon/protocol';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { heard } from './support/hearing.js';
import { Publisher } from './support/publisher.js';
import { SalonListener } from './support/salon-peers.js';
import { TEST_ICE_ADDRESS } from './support/stage.js';

/**
 * Fault injection: Janus is killed again and again while clients keep
 * sending media requests. A request that arrived while the plane was
 * reconnecting used to leave the rooms unbuilt for good (no `media_restart`,
 * no audio until Salon restarted); every kill must heal.
 */
const KILLS = 5;

let t: TestServer;
before(async () => {
  t = await startTestServer({
    env: {
      MEDIA: 'embedded',
      JANUS_ICE_ENFORCE_LIST: TEST_ICE_ADDRESS,
      STAGE_GRACE_SECONDS: '30',
      HOST_MIN_FOLLOWERS: '0',
    },
  });
});
after(() => t.close());

async function person() {
  const u = await t.user();
  const rt = await RealtimeClient.connect(t.url, u.client);
  return { ...u, rt };
}

/** Renegotiates on every `media_restart`, and says when the latest renegotiation is done. */
function follow(rt: RealtimeClient, peer: { negotiate(): Promise<void> }) {
  let restarts = 0;
  let latest: Promise<void> = Promise.resolve();
  rt.ws.on('message', (data) => {
    if ((JSON.parse(data.toString()) as ServerMessage).type !== 'media_restart') return;
    restarts += 1;
    latest = peer.negotiate();
  });
  return {
    get restarts() {
      return restarts;
    },
    settled: () => latest,
  };
}

test(`Janus killed ${KILLS} times while clients send media requests: rooms are rebuilt, clients told, audio heard again every time`, async (t2) => {
  const host = await person();
  const space = (await host.client.post('/api/v1/spaces', { title: 'Crash loop' })).body;
  await host.rt.subscribe(space.id);
  const listener = await person();
  await listener.rt.subscribe(space.id);
  const hammer = await person();
  await hammer.rt.subscribe(space.id);

  const ear = await SalonListener.listen(listener.rt, space.id);
  const voice = await Publisher.mix(host.rt, space.id, 440);
  await host.client.post(`/api/v1/spaces/${space.id}/stage/${host.id}/unmute`);
  await heard(ear, { present: [440] });
  const earRestarts = follow(listener.rt, ear);
  const voiceRestarts = follow(host.rt, voice);

  // A tight loop of media requests, answered or not, all the way through the kills.
  let hammering = true;
  let sent = 0;
  const loop = (async () => {
    while (hammering) {
      hammer.rt.ws.send(
        JSON.stringify({ type: 'media_listen', space_id: space.id, request_id: `h${++sent}` }),
      );
      await new Promise((r) => setTimeout(r, 5));
    }
  })();

  const janus = t.server.services.media!.janus!;
  const recoveries: number[] = [];
  try {
    for (let kill = 1; kill <= KILLS; kill++) {
      const pid = janus.pid!;
      const killedAt = performance.now();
      process.kill(pid, 'SIGKILL');
      await eventually(
        () => earRestarts.restarts >= kill && voiceRestarts.restarts >= kill,
        `media_restart after kill ${kill}`,
        30_000,
      );
      await Promise.all([earRestarts.settled(), voiceRestarts.settled()]);
      assert.notEqual(janus.pid, pid, 'a new Janus process');
      await heard(ear, { present: [440], timeoutMs: 20_000 });
      recoveries.push(Math.round(performance.now() - killedAt));
      const ready = await t.client().get('/readyz');
      assert.equal(ready.status, 200);
      assert.equal(ready.body.media, 'ok');
    }
  } finally {
    hammering = false;
    await loop;
  }
  t2.diagnostic(
    `${sent} media requests sent across ${KILLS} kills; kill → audio heard again (ms): ${recoveries.join(', ')}`,
  );

  // The plane still takes new spaces after all that.
  const second = await person();
  const next = (await second.client.post('/api/v1/spaces', { title: 'After' })).body;
  await second.rt.subscribe(next.id);
  const other = await person();
  await other.rt.subscribe(next.id);
  const ear2 = await SalonListener.listen(other.rt, next.id);
  const voice2 = await Publisher.mix(second.rt, next.id, 660);
  await second.client.post(`/api/v1/spaces/${next.id}/stage/${second.id}/unmute`);
  await heard(ear2, { present: [660] });

  await Promise.all([voice.close(), ear.close(), voice2.close(), ear2.close()]);
  await Promise.all([host, listener, hammer, second, other].map((p) => p.rt.close()));
});
