import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Client } from '../support/client.js';
import { liveSpace } from '../support/factories.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Invitations to a space: to join or follow it, to speak, to co-host; each a notification. */
let t: TestServer;
let host: Awaited<ReturnType<TestServer['user']>>;
let space: { id: string };
let url: string;
before(async () => {
  t = await startTestServer();
  host = await t.user('invhost', 'Inviting Host'); // the first account may host
  space = await liveSpace(host, { title: 'Come in' });
  url = `/api/v1/spaces/${space.id}`;
});
after(() => t.close());

const notifications = async (client: Client) =>
  (await client.get('/api/v1/notifications')).body.data as Array<{
    kind: string;
    space_id: string | null;
    message_id: string | null;
    actor: { id: string } | null;
  }>;

test('the host invites people to the live space: each gets one notification, live, and a DM card', async () => {
  const ann = await t.user('invann');
  const ben = await t.user('invben');
  const live = await RealtimeClient.connect(t.url, ann.client);

  const reply = await host.client.post(`${url}/invites`, {
    user_ids: [ann.id, ben.id, host.id, 'zzzzzzzzzzzzzzzzzzzz'],
    text: 'We are talking about you',
  });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  assert.deepEqual(reply.body.invited, [ann.id, ben.id]);
  assert.deepEqual(reply.body.skipped, [
    { user_id: host.id, reason: 'self' },
    { user_id: 'zzzzzzzzzzzzzzzzzzzz', reason: 'user_not_found' },
  ]);

  const pushed = await live.waitFor((m) => m.type === 'notification', 5000, true);
  assert.equal(pushed.type === 'notification' && pushed.notification.kind, 'space_invite');
  const [note] = await notifications(ann.client);
  assert.equal(note!.kind, 'space_invite');
  assert.equal(note!.space_id, space.id);
  assert.equal(note!.actor!.id, host.id);
  const dms = (await ann.client.get(`/api/v1/dms/${host.id}`)).body.data;
  assert.equal(dms.length, 1);
  assert.equal(dms[0].space_id, space.id, 'the message is a card of the space');
  assert.equal(dms[0].text, 'We are talking about you');
  assert.equal(dms[0].id, note!.message_id);

  // Again: nobody is invited twice to the same space.
  const again = await host.client.post(`${url}/invites`, { user_ids: [ann.id] });
  assert.deepEqual(again.body.skipped, [{ user_id: ann.id, reason: 'already_invited' }]);
  assert.equal((await notifications(ann.client)).length, 1);
  await live.close();
});

test('only the host and co-hosts invite, and never someone blocked or removed', async () => {
  const listener = await t.user('invlistener');
  const blocked = await t.user('invblocked');
  const blocker = await t.user('invblocker');
  const removed = await t.user('invremoved');
  const refused = await listener.client.post(`${url}/invites`, { user_ids: [blocked.id] });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, 'not_host_or_cohost');

  await host.client.post(`/api/v1/users/${blocked.id}/block`);
  await blocker.client.post(`/api/v1/users/${host.id}/block`);
  await host.client.post(`${url}/removals`, { kind: 'user', id: removed.id });
  const reply = await host.client.post(`${url}/invites`, {
    user_ids: [blocked.id, blocker.id, removed.id],
  });
  assert.deepEqual(reply.body.invited, []);
  // The host's block during their live space also removed the person from it.
  assert.deepEqual(
    reply.body.skipped.map((s: any) => s.reason),
    ['removed_from_space', 'blocked', 'removed_from_space'],
  );
  for (const who of [blocked, blocker, removed]) {
    assert.deepEqual(await notifications(who.client), []);
  }
  const tooMany = await host.client.post(`${url}/invites`, {
    user_ids: Array.from({ length: 51 }, () => listener.id),
  });
  assert.equal(tooMany.status, 400);
});

test('invitations to speak and to co-host notify the invitee', async () => {
  const sam = await t.user('invsam');
  const cora = await t.user('invcora');
  assert.equal(
    (await host.client.post(`${url}/invitations`, { user_id: sam.id, role: 'speaker' })).status,
    200,
  );
  assert.equal(
    (await host.client.post(`${url}/invitations`, { user_id: cora.id, role: 'cohost' })).status,
    200,
  );
  await eventually(
    async () => (await notifications(sam.client)).some((n) => n.kind === 'speaker_invite'),
    'the speaker invitation',
  );
  await eventually(
    async () => (await notifications(cora.client)).some((n) => n.kind === 'cohost_invite'),
    'the co-host invitation',
  );
  const [note] = await notifications(sam.client);
  assert.equal(note!.space_id, space.id);
  assert.equal(note!.actor!.id, host.id);
});
