import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { liveSpace } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Every list of spaces agrees with /spaces/discover about who may see what:
 * the Spaces tab once listed, from GET /spaces, a space that had removed the
 * person looking.
 */
let node: TestServer;
before(async () => {
  node = await startTestServer({ env: { HOST_MIN_FOLLOWERS: '0' } });
});
after(() => node.close());

test('GET /spaces leaves out a space that removed you or whose host blocked you, as discover does', async () => {
  const host = await node.user('lvhost');
  const removed = await node.user('lvremoved');
  const blocked = await node.user('lvblocked');
  const other = await node.user('lvother');
  const space = await liveSpace(host, { title: 'Who sees this' });
  assert.equal(
    (
      await host.client.post(`/api/v1/spaces/${space.id}/removals`, {
        kind: 'user',
        id: removed.id,
      })
    ).status,
    200,
  );
  assert.equal((await host.client.post(`/api/v1/users/${blocked.id}/block`)).status < 300, true);

  const listed = async (client: typeof host.client, path: string) => {
    const body = (await client.get(path)).body;
    return body.data.map((s: { id?: string; space?: { id: string } }) => s.id ?? s.space?.id);
  };
  for (const path of ['/api/v1/spaces?state=live', '/api/v1/spaces/discover?state=live']) {
    assert.ok(!(await listed(removed.client, path)).includes(space.id), `${path}: removed`);
    assert.ok(!(await listed(blocked.client, path)).includes(space.id), `${path}: blocked`);
    assert.ok((await listed(other.client, path)).includes(space.id), `${path}: anyone else`);
    assert.ok((await listed(host.client, path)).includes(space.id), `${path}: the host`);
  }
});
