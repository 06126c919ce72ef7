import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.js';

describe('unread direct messages (the badge on Messages)', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test('counts messages to you not yet read, over every conversation, until each is read', async () => {
    const me = await t.user();
    const a = await t.user();
    const b = await t.user();
    const count = async () => (await me.client.get('/api/v1/dms/unread_count')).body.count;
    assert.equal(await count(), 0);
    await a.client.post(`/api/v1/dms/${me.id}`, { text: 'one' });
    await a.client.post(`/api/v1/dms/${me.id}`, { text: 'two' });
    await b.client.post(`/api/v1/dms/${me.id}`, { text: 'three' });
    await me.client.post(`/api/v1/dms/${a.id}`, { text: 'my own messages do not count' });
    assert.equal(await count(), 3);
    await me.client.post(`/api/v1/dms/${a.id}/read`);
    assert.equal(await count(), 1);
    await me.client.post(`/api/v1/dms/${b.id}/read`);
    assert.equal(await count(), 0);
    assert.equal((await t.client().get('/api/v1/dms/unread_count')).status, 401);
  });
});
