import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { liveSpace } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** An invitation to speak names an account; one that does not exist is refused up front. */
let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

test('inviting a user id that does not exist to speak is 404 user_not_found, and nothing is stored', async () => {
  const host = await t.user('invUnkHost'); // the first account may host
  const space = await liveSpace(host, { title: 'Nobody home' });
  const url = `/api/v1/spaces/${space.id}`;
  const reply = await host.client.post(`${url}/invitations`, {
    user_id: 'zzzzzzzzzzzzzzzzzzzz',
    role: 'speaker',
  });
  assert.equal(reply.status, 404, JSON.stringify(reply.body));
  assert.equal(reply.body.error.code, 'user_not_found');
  const after = await host.client.get(url);
  assert.equal(after.status, 200);
  assert.equal(after.body.version, space.version, 'the space did not change');

  // A real account is still invited.
  const ann = await t.user('invUnkAnn');
  const ok = await host.client.post(`${url}/invitations`, { user_id: ann.id, role: 'speaker' });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
});
