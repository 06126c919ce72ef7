import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ServerMessage } from '@salon/protocol';
import { RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { heard } from './support/hearing.js';
import { Publisher } from './support/publisher.js';
import { SalonListener } from './support/salon-peers.js';
import { TEST_ICE_ADDRESS } from './support/stage.js';

/**
 * Speaking indicators come from Janus's audio levels, which simply stop when
 * a member's media goes: without an explicit "not speaking", every screen
 * would keep showing them talking over silence.
 */
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

test("when a stage member's connection drops, everyone is told they are not speaking", async () => {
  const host = await t.user();
  const hostRt = await RealtimeClient.connect(t.url, host.client);
  const space = (await host.client.post('/api/v1/spaces', { title: 'Rings' })).body;
  await hostRt.subscribe(space.id);
  const listener = await t.user();
  const listenerRt = await RealtimeClient.connect(t.url, listener.client);
  await listenerRt.subscribe(space.id);
  const ear = await SalonListener.listen(listenerRt, space.id);
  const voice = await Publisher.mix(hostRt, space.id, 440);
  await host.client.post(`/api/v1/spaces/${space.id}/stage/${host.id}/unmute`);
  await heard(ear, { present: [440] });

  const off = listenerRt.waitFor(
    (m: ServerMessage) => m.type === 'speaking' && m.user_id === host.id && m.speaking === false,
    15_000,
  );
  await voice.close();
  await hostRt.close();
  const message = await off;
  assert.equal(message.type, 'speaking');
  await ear.close();
  await listenerRt.close();
});
