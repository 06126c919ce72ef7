import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { after, before, test } from 'node:test';
import { ApiResponseError, TwitterApi, type TwitterApiv2 } from 'twitter-api-v2';
import { ManualClock } from '../../src/util/clock.js';
import { liveSpace } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * `twitter-api-v2`, the widely used Twitter client for Node, pointed at a
 * Salon server with a token made in Salon, reads spaces through `/2/` and
 * gets the same data as Salon's own API.
 */
type User = Awaited<ReturnType<TestServer['user']>>;
const clock = new ManualClock(Date.UTC(2026, 4, 1, 18));
let t: TestServer;
let host: User;
let cohost: User;
let speaker: User;
let twitter: TwitterApiv2;
const spaces: Record<string, { id: string }> = {};

/** The library speaks https to api.x.com; aim it at this server (plain http on loopback). */
function clientFor(token: string): TwitterApiv2 {
  const v2 = new TwitterApi(token, { httpAgent: new Agent() }).v2;
  (v2 as unknown as { setPrefix(prefix: string): void }).setPrefix(`${t.url}/2/`);
  return v2;
}

before(async () => {
  t = await startTestServer({ clock });
  host = await t.user('twhost', 'Tweety Host'); // the first account may host
  cohost = await t.user('twcohost', 'Co Host');
  speaker = await t.user('twspeaker', 'Speaker');
  const create = (body: Record<string, unknown>) => liveSpace(host, body);
  spaces['live'] = await create({
    title: 'Jazz and the API',
    description: 'A live one',
    topics: ['Jazz', 'APIs'],
    language: 'pt-BR',
  });
  spaces['scheduled'] = await create({
    title: 'Jazz tomorrow',
    scheduled_start: new Date(clock.now() + 24 * 3600_000).toISOString(),
  });
  spaces['other'] = await create({ title: 'Something else entirely' });
  const url = `/api/v1/spaces/${spaces['live'].id}`;
  for (const who of [cohost, speaker]) {
    await who.client.post(`${url}/requests`);
    await host.client.post(`${url}/requests/${who.id}/approve`);
  }
  await host.client.post(`${url}/cohosts`, { user_id: cohost.id });
  const invitee = await t.user('twinvitee');
  await host.client.post(`${url}/invitations`, { user_id: invitee.id, role: 'speaker' });
  await speaker.client.post(`/api/v1/spaces/${spaces['scheduled'].id}/reminder`);
  await cohost.client.post(`/api/v1/spaces/${spaces['scheduled'].id}/reminder`);
  await host.client.post(`${url}/share/post`, { text: 'Come listen' });
  const pinned = (await host.client.post('/api/v1/posts', { text: 'The agenda' })).body;
  await host.client.post(`${url}/pins`, { post_id: pinned.id });

  const token = await host.client.post('/api/v1/auth/tokens', { name: 'twitter client' });
  assert.equal(token.status, 201);
  twitter = clientFor(token.body.token);
});
after(() => t.close());

// Written out, not imported from compat/twitter/fields.ts: the list is Twitter's documented fields, the oracle.
const ALL_SPACE_FIELDS = [
  'created_at',
  'creator_id',
  'ended_at',
  'host_ids',
  'id',
  'invited_user_ids',
  'is_ticketed',
  'lang',
  'participant_count',
  'scheduled_start',
  'speaker_ids',
  'started_at',
  'state',
  'subscriber_count',
  'title',
  'topic_ids',
  'updated_at',
] as const;
const EVERYTHING = {
  'space.fields': [...ALL_SPACE_FIELDS],
  'user.fields': ['username', 'name', 'created_at', 'description', 'public_metrics'],
  'topic.fields': ['id', 'name', 'description'],
  expansions: ['creator_id', 'host_ids', 'speaker_ids', 'invited_user_ids', 'topic_ids'],
} as never;

test('a space read by id has the same data as Salon’s own API', async () => {
  const id = spaces['live']!.id;
  const { data, includes, errors } = await twitter.space(id, EVERYTHING);
  assert.equal(errors, undefined);
  const salon = (await host.client.get(`/api/v1/spaces/${id}`)).body;
  const snapshot = (await host.client.get(`/api/v1/spaces/${id}/snapshot`)).body;
  assert.equal(data.id, salon.id);
  assert.equal(data.state, salon.state);
  assert.equal(data.title, salon.title);
  assert.equal(data.lang, salon.language);
  assert.equal(data.creator_id, salon.host_id);
  assert.equal(data.created_at, salon.created_at);
  assert.equal(data.started_at, salon.started_at);
  assert.equal(data.is_ticketed, false);
  assert.equal(data.ended_at, undefined, 'absent, not null, while live');
  assert.equal(data.scheduled_start, undefined);
  assert.match(data.updated_at!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const roles = (role: string) =>
    snapshot.stage.filter((m: any) => m.role === role).map((m: any) => m.user_id);
  assert.deepEqual(data.host_ids, [...roles('host'), ...roles('cohost')]);
  assert.deepEqual(data.speaker_ids, roles('speaker'));
  assert.deepEqual(
    data.invited_user_ids,
    snapshot.invitations.map((i: any) => i.user_id),
  );
  assert.equal(data.participant_count, snapshot.counts.now_total);
  assert.equal(data.topic_ids!.length, salon.topics.length);
  assert.deepEqual(
    includes!.topics!.map((topic) => topic.name),
    salon.topics,
  );
  assert.deepEqual(
    includes!.topics!.map((topic) => topic.id),
    data.topic_ids,
  );
  const users = new Map(includes!.users!.map((u) => [u.id, u]));
  assert.equal(users.get(host.id)!.username, salon.host.handle);
  assert.equal(users.get(host.id)!.name, salon.host.display_name);
  assert.equal(users.get(cohost.id)!.username, 'twcohost');
  assert.equal(typeof users.get(host.id)!.public_metrics!.followers_count, 'number');
  for (const u of includes!.users!) assert.equal(typeof u.id, 'string');

  // Without fields: the defaults, id and state.
  const plain = await twitter.space(id);
  assert.deepEqual(plain.data, { id, state: 'live' });
});

test('a scheduled space carries its start time and its reminder count as subscribers', async () => {
  const id = spaces['scheduled']!.id;
  const { data } = await twitter.space(id, {
    'space.fields': ['scheduled_start', 'subscriber_count', 'started_at', 'title'],
  });
  const salon = (await host.client.get(`/api/v1/spaces/${id}`)).body;
  const reminders = (await host.client.get(`/api/v1/spaces/${id}/reminder`)).body;
  assert.equal(data.state, 'scheduled');
  assert.equal(data.scheduled_start, salon.scheduled_start);
  assert.equal(data.subscriber_count, reminders.reminder_count);
  assert.equal(data.subscriber_count, 2);
  assert.equal(data.started_at, undefined);
});

test('searching spaces finds what Salon’s search finds, by state', async () => {
  for (const state of ['live', 'scheduled'] as const) {
    const result = await twitter.searchSpaces({
      query: 'jazz',
      state,
      'space.fields': ['title', 'state'],
    });
    const salon = (await host.client.get(`/api/v1/spaces/discover?q=jazz&state=${state}`)).body;
    assert.deepEqual(
      result.data.map((s) => s.id),
      salon.data.map((d: any) => d.space.id),
    );
    assert.equal(result.meta.result_count, salon.data.length);
    assert.ok(result.data.every((s) => s.state === state && /jazz/i.test(s.title!)));
  }
  const all = await twitter.searchSpaces({ query: 'jazz', state: 'all' as never });
  assert.deepEqual(
    new Set(all.data.map((s) => s.id)),
    new Set([spaces['live']!.id, spaces['scheduled']!.id]),
  );
  const none = await twitter.searchSpaces({ query: 'no such words', state: 'live' });
  assert.equal(none.meta.result_count, 0);
});

test('the creator’s spaces are their live and scheduled ones, as Salon lists them', async () => {
  const result = await twitter.spacesByCreators([host.id], {
    'space.fields': ['creator_id'],
  } as never);
  const live = (await host.client.get('/api/v1/spaces?state=live')).body.data;
  const scheduled = (await host.client.get('/api/v1/spaces?state=scheduled')).body.data;
  const salon = [...live, ...scheduled]
    .filter((s: any) => s.host_id === host.id)
    .map((s: any) => s.id);
  assert.deepEqual(new Set(result.data.map((s) => s.id)), new Set(salon));
  assert.equal(result.meta.result_count, salon.length);
  assert.ok(result.data.every((s) => s.creator_id === host.id));
});

test('looking up several ids returns the found ones, and the Twitter error for each unknown id', async () => {
  const unknown = 'zzzzzzzzzzzzzzzzzzzz';
  const result = await twitter.spaces([spaces['live']!.id, unknown, spaces['other']!.id]);
  assert.deepEqual(
    result.data.map((s) => s.id),
    [spaces['live']!.id, spaces['other']!.id],
  );
  assert.deepEqual(result.errors, [
    {
      value: unknown,
      detail: `Could not find space with ids: [${unknown}].`,
      title: 'Not Found Error',
      resource_type: 'space',
      parameter: 'ids',
      resource_id: unknown,
      type: 'https://api.twitter.com/2/problems/resource-not-found',
    },
  ]);
  const single = await twitter.space(unknown);
  assert.equal(single.data, undefined);
  assert.equal(single.errors![0]!.title, 'Not Found Error');
  assert.equal((single.errors![0] as any).parameter, 'id');
});

test('a space’s tweets are the posts that share it and the ones pinned in it; buyers are none yet', async () => {
  const id = spaces['live']!.id;
  const tweets = await twitter.spaceTweets(id, {
    'tweet.fields': ['author_id', 'created_at'],
    expansions: ['author_id'],
  });
  assert.deepEqual(tweets.data.map((p) => p.text).sort(), ['Come listen', 'The agenda']);
  assert.ok(
    tweets.data.every((p) => p.author_id === host.id && p.edit_history_tweet_ids?.[0] === p.id),
  );
  assert.equal(tweets.includes?.users?.[0]?.username, 'twhost');
  const buyers = (await twitter.spaceBuyers(id)) as {
    data?: unknown;
    meta?: { result_count: number };
  };
  assert.equal(buyers.meta?.result_count, 0);
  assert.equal(buyers.data, undefined);
});

test('bad tokens and bad parameters get Twitter’s error responses', async () => {
  const stranger = clientFor('s_not-a-real-token');
  await assert.rejects(stranger.space(spaces['live']!.id), (error: unknown) => {
    assert.ok(error instanceof ApiResponseError);
    assert.equal(error.code, 401);
    assert.equal(error.data.title, 'Unauthorized');
    return true;
  });
  await assert.rejects(
    twitter.space(spaces['live']!.id, { 'space.fields': ['title', 'nonsense'] } as never),
    (error: unknown) => {
      assert.ok(error instanceof ApiResponseError);
      assert.equal(error.code, 400);
      assert.equal(error.data.title, 'Invalid Request');
      assert.equal(error.data.type, 'https://api.twitter.com/2/problems/invalid-request');
      assert.deepEqual(Object.keys((error.data.errors![0] as any).parameters), ['space.fields']);
      return true;
    },
  );
  // The buyers of a space are its creator's business.
  const other = await t.user();
  const token = (await other.client.post('/api/v1/auth/tokens', { name: 'x' })).body.token;
  await assert.rejects(clientFor(token).spaceBuyers(spaces['live']!.id), (error: unknown) => {
    assert.ok(error instanceof ApiResponseError);
    assert.equal(error.code, 403);
    return true;
  });
});
