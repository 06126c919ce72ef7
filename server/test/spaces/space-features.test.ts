import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { publishToSpace } from '../../src/bus/space-channel.js';
import { liveSpace, user } from '../support/factories.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let admin: Awaited<ReturnType<TestServer['user']>>;
before(async () => {
  t = await startTestServer();
  admin = await t.user('admin'); // the first account administers the instance
});
after(() => t.close());

async function hostWithSpace(title = 'A space') {
  const host = await user(t, { hostingGrantedBy: admin });
  const space = await liveSpace(host, { title });
  return { host, space, url: space.path };
}

test('hosting needs 600 followers unless an admin grants it, and the refusal says why', async () => {
  const hopeful = await t.user();
  const refused = await hopeful.client.post('/api/v1/spaces', { title: 'My first space' });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, 'hosting_not_allowed');
  assert.match(
    refused.body.error.message,
    /600 followers; you have 0\. An admin can grant hosting/,
  );
  const notAdmin = await hopeful.client.put(`/api/v1/admin/users/${hopeful.id}/hosting`, {
    can_host: true,
  });
  assert.equal(notAdmin.body.error.code, 'admin_only');
  assert.equal(
    (await admin.client.put(`/api/v1/admin/users/${hopeful.id}/hosting`, { can_host: true }))
      .status,
    200,
  );
  assert.equal(
    (await hopeful.client.post('/api/v1/spaces', { title: 'My first space' })).status,
    201,
  );
});

test('titles, topics and languages are checked, and the host edits them while live', async () => {
  const { host, url } = await hostWithSpace();
  const long = await host.client.post('/api/v1/spaces', { title: 'x'.repeat(71) });
  assert.equal(long.status, 400);
  const topics = await host.client.post('/api/v1/spaces', {
    title: 'ok',
    topics: ['a', 'b', 'c', 'd'],
  });
  assert.equal(topics.status, 400);
  const edited = await host.client.patch(url, {
    title: 'Renamed',
    description: 'Now with a description',
  });
  assert.equal(edited.body.title, 'Renamed');
  const other = await t.user();
  assert.equal((await other.client.patch(url, { title: 'Hijacked' })).body.error.code, 'not_host');
});

test('one person in two tabs is counted once; guests and incognito listeners are counted but not listed', async () => {
  const { space, url } = await hostWithSpace();
  const alice = await t.user();
  const tab1 = await RealtimeClient.connect(t.url, alice.client);
  const tab2 = await RealtimeClient.connect(t.url, alice.client);
  await tab1.subscribe(space.id);
  await tab2.subscribe(space.id);
  const shy = await t.user();
  const shyRt = await RealtimeClient.connect(t.url, shy.client);
  await shyRt.subscribe(space.id, true);
  const guest = (await t.client().post('/api/v1/auth/guest')).body;
  const guestRt = await RealtimeClient.connect(t.url, undefined, guest.token);
  await guestRt.subscribe(space.id);
  const refused = await guestRt.subscribe(space.id, true);
  assert.equal(refused.type === 'error' && refused.code, 'incognito_needs_account');
  await eventually(
    async () => (await alice.client.get(`${url}/counts`)).body.now_total === 3,
    'three people',
  );
  const snapshot = (await alice.client.get(`${url}/snapshot`)).body;
  assert.deepEqual(snapshot.counts, {
    now_total: 3,
    now_listed: 1,
    now_anonymous: 2,
    total_unique: 3,
  });
  assert.deepEqual(
    snapshot.listeners.data.map((l: any) => l.user_id),
    [alice.id],
  );
  await tab1.close();
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(
    (await alice.client.get(`${url}/counts`)).body.now_total,
    3,
    'the second tab keeps alice present',
  );
  await tab2.close();
  await eventually(
    async () => (await alice.client.get(`${url}/counts`)).body.now_total === 2,
    'alice gone',
  );
  await shyRt.close();
  await guestRt.close();
});

test('stage members pin up to three posts; listeners cannot pin', async () => {
  const { host, url } = await hostWithSpace();
  const posts = [];
  for (let i = 0; i < 4; i++)
    posts.push((await host.client.post('/api/v1/posts', { text: `post ${i}` })).body);
  for (const p of posts.slice(0, 3))
    assert.equal((await host.client.post(`${url}/pins`, { post_id: p.id })).status, 200);
  const fourth = await host.client.post(`${url}/pins`, { post_id: posts[3].id });
  assert.equal(fourth.status, 409);
  assert.equal(fourth.body.error.code, 'pin_limit_reached');
  const listener = await t.user();
  assert.equal(
    (await listener.client.post(`${url}/pins`, { post_id: posts[3].id })).body.error.code,
    'not_on_stage',
  );
  const snapshot = (await listener.client.get(`${url}/snapshot`)).body;
  assert.deepEqual(
    snapshot.pins.map((p: any) => p.post.text),
    ['post 0', 'post 1', 'post 2'],
  );
  assert.equal((await host.client.delete(`${url}/pins/${posts[0].id}`)).status, 200);
  assert.equal((await listener.client.get(`${url}/snapshot`)).body.pins.length, 2);
});

test('a space is shared by DM card, by a post that embeds it, and by its canonical link', async () => {
  const { host, space, url } = await hostWithSpace('Shareable');
  const friend = await t.user();
  assert.equal(space.url, `${t.url}/spaces/${space.id}`);
  const dm = await host.client.post(`${url}/share/dm`, { user_id: friend.id });
  assert.equal(dm.status, 201);
  assert.equal(dm.body.space_id, space.id);
  assert.equal((await friend.client.get(`/api/v1/dms/${host.id}`)).body.data[0].space_id, space.id);
  const post = await host.client.post(`${url}/share/post`, { text: 'Come listen' });
  assert.equal(post.status, 201);
  assert.equal(post.body.space_id, space.id);
  assert.equal((await friend.client.get(`/api/v1/posts/${post.body.id}`)).body.space_id, space.id);
});

test('before joining, a user is warned about people they blocked on the stage', async () => {
  const { host, url } = await hostWithSpace();
  const wary = await t.user();
  assert.deepEqual((await wary.client.get(`${url}/warnings`)).body, { blocked_on_stage: [] });
  await wary.client.post(`/api/v1/users/${host.id}/block`);
  const warned = (await wary.client.get(`${url}/warnings`)).body;
  assert.deepEqual(
    warned.blocked_on_stage.map((u: any) => u.id),
    [host.id],
  );
});

test('a user the host blocks, even from inside the space, cannot join any of the host’s spaces', async () => {
  const { host, space, url } = await hostWithSpace();
  const troll = await t.user();
  const rt = await RealtimeClient.connect(t.url, troll.client);
  assert.equal((await rt.subscribe(space.id)).type, 'snapshot');
  const told = rt.waitFor((m) => m.type === 'removed_from_space');
  assert.equal((await host.client.post(`${url}/blocks`, { user_id: troll.id })).status, 200);
  await told;
  // One live space per host (MAX_LIVE_SPACES_PER_HOST): the next one opens after this one.
  await host.client.post(`${url}/end`);
  const second = await liveSpace(host, { title: 'Another one' });
  const answer = await rt.subscribe(second.id);
  assert.equal(answer.type === 'error' && answer.code, 'blocked_by_host');
  assert.match(answer.type === 'error' ? answer.message : '', /blocked/i);
  await rt.close();
});

test('reports of a space or of a participant are stored for the moderators', async () => {
  const { host, space, url } = await hostWithSpace();
  const reporter = await t.user();
  const r1 = await reporter.client.post(`${url}/reports`, { reason: 'spam' });
  const r2 = await reporter.client.post(`${url}/reports`, {
    reason: 'abuse',
    user_id: host.id,
    details: 'Shouting',
  });
  assert.equal(r1.status, 201);
  assert.equal(r2.body.status, 'open');
  const stored = await t.server.services.moderation.reports('open', 100);
  const mine = stored.filter((r) => r.space_id === space.id);
  assert.deepEqual(
    mine.map((r) => [r.reason, r.target_user_id]),
    [
      ['spam', null],
      ['abuse', host.id],
    ],
  );
  assert.equal((await reporter.client.post(`${url}/reports`, { reason: 'nonsense' })).status, 400);
});

test('only the host ends a space; an admin ends one for a violation', async () => {
  const { host, url } = await hostWithSpace();
  const listener = await t.user();
  assert.equal((await listener.client.post(`${url}/end`)).body.error.code, 'not_host');
  const ended = await admin.client.post(`${url}/end`);
  assert.equal(ended.body.state, 'ended');
  assert.equal(ended.body.ended_reason, 'moderation');
  assert.equal((await listener.client.post(`${url}/requests`)).body.error.code, 'space_ended');
  const second = await hostWithSpace();
  assert.equal((await second.host.client.post(`${second.url}/end`)).body.ended_reason, 'host');
  assert.ok(host.id);
});

test('reactions over HTTP are checked and rate limited per person', async () => {
  const { space, url } = await hostWithSpace();
  const fan = await t.user();
  const rt = await RealtimeClient.connect(t.url, fan.client);
  await rt.subscribe(space.id);
  assert.equal(
    (await fan.client.post(`${url}/reactions`, { emoji: '🙃' })).body.error.code,
    'unknown_reaction',
  );
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++)
    statuses.push((await fan.client.post(`${url}/reactions`, { emoji: '👍' })).status);
  assert.deepEqual(statuses.slice(0, 8), Array(8).fill(200));
  assert.ok(statuses.slice(8).includes(429), JSON.stringify(statuses));
  const accepted = statuses.filter((s) => s === 200).length;
  // Aggregated per window: add up every window until all accepted reactions have arrived.
  const thumbs = () =>
    rt.messages.reduce((n, m) => n + (m.type === 'reactions' ? (m.counts['👍'] ?? 0) : 0), 0);
  await eventually(() => thumbs() >= accepted, `${accepted} thumbs in the aggregated reactions`);
  assert.equal(thumbs(), accepted, 'refused reactions are not counted');
  await rt.close();
});

test('a late joiner is told who is speaking now, not only at the next change', async () => {
  const { host, space } = await hostWithSpace();
  const early = await RealtimeClient.connect(t.url, (await t.user()).client);
  await early.subscribe(space.id);
  // What the media plane publishes when Janus says the host started talking.
  const speaking = (on: boolean) =>
    publishToSpace(t.server.services.bus, {
      type: 'speaking',
      space_id: space.id,
      user_id: host.id,
      speaking: on,
    });
  speaking(true);
  await early.waitFor((m) => m.type === 'speaking' && m.speaking, 5000, true);

  const late = await RealtimeClient.connect(t.url, (await t.user()).client);
  const told = late.waitFor(
    (m) => m.type === 'speaking' && m.user_id === host.id && m.speaking,
    5000,
  );
  assert.equal((await late.subscribe(space.id)).type, 'snapshot');
  await told;
  const snapshotAt = late.messages.findIndex((m) => m.type === 'snapshot');
  const speakingAt = late.messages.findIndex((m) => m.type === 'speaking');
  assert.ok(snapshotAt < speakingAt, 'after the snapshot');

  speaking(false);
  await early.waitFor((m) => m.type === 'speaking' && !m.speaking, 5000, true);
  const later = await RealtimeClient.connect(t.url, (await t.user()).client);
  await later.subscribe(space.id);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(
    later.messages.filter((m) => m.type === 'speaking'),
    [],
    'nobody is speaking any more',
  );
  for (const c of [early, late, later]) await c.close();
});
