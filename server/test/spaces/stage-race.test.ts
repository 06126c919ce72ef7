import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { liveSpace } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Two approvals racing for the last seat: exactly one wins, on both engines. */
for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`the stage cap under concurrency on ${backend}`, () => {
    let t: TestServer;
    after(() => t?.close());

    test('of many approvals racing for the last seats, exactly as many win as there are seats', async () => {
      t = await startTestServer({ backend, env: { MAX_STAGE: '3' } });
      const host = await t.user('racehost');
      const cohost = await t.user('racecohost');
      const space = await liveSpace(host, { title: 'Race' });
      const url = `/api/v1/spaces/${space.id}`;
      // A co-host, so that two moderators approve at the same moment.
      await cohost.client.post(`${url}/requests`);
      await host.client.post(`${url}/requests/${cohost.id}/approve`);
      assert.equal((await host.client.post(`${url}/cohosts`, { user_id: cohost.id })).status, 200);

      const askers = await Promise.all(Array.from({ length: 6 }, () => t.user()));
      for (const a of askers) assert.equal((await a.client.post(`${url}/requests`)).status, 200);
      // One seat is left (cap 3: host + co-host + 1); six approvals race for it from two moderators.
      const replies = await Promise.all(
        askers.map((a, i) =>
          (i % 2 ? host : cohost).client.post(`${url}/requests/${a.id}/approve`),
        ),
      );
      const won = replies.filter((r) => r.status === 200);
      const lost = replies.filter((r) => r.status !== 200);
      assert.equal(won.length, 1, JSON.stringify(replies.map((r) => r.status)));
      assert.ok(
        lost.every((r) => r.status === 409 && r.body.error.code === 'stage_full'),
        JSON.stringify(lost.map((r) => r.body)),
      );
      const stage = (await host.client.get(`${url}/snapshot`)).body.stage;
      assert.equal(stage.length, 3);
    });
  });
}
