import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Client, Reply } from '../support/client.js';
import { liveSpace } from '../support/factories.js';
import { type Backend, startTestServer, type TestServer } from '../support/server.js';

/**
 * Text PostgreSQL cannot store (U+0000, an unpaired surrogate) and cursors its
 * bigint cannot read (1.5, 1e21, 2^63) are refused at validation with a 400
 * that names the field, and SQLite, which would store or compare them, gives
 * exactly the same answers. (A lone surrogate cannot come in through a URL:
 * its bytes are not UTF-8, and the decoders make them U+FFFD.)
 */
const NUL = '\u0000';
const LONE = '\ud800';
const cursor = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

interface Ctx {
  me: { id: string; handle: string };
  spaceId: string;
}
interface Case {
  name: string;
  method: string;
  path: (c: Ctx) => string;
  body?: (c: Ctx) => unknown;
  /** The field the refusal must name. */
  field: string;
}

const password = 'correct horse battery';
const CASES: Case[] = [
  ...[NUL, LONE].flatMap((bad): Case[] => [
    {
      name: 'register display name',
      method: 'POST',
      path: () => '/api/v1/auth/register',
      body: () => ({ handle: 'newbie', display_name: `x${bad}`, password }),
      field: 'body.display_name',
    },
    {
      name: 'login handle',
      method: 'POST',
      path: () => '/api/v1/auth/login',
      body: (c) => ({ handle: `${c.me.handle}${bad}`, password }),
      field: 'body.handle',
    },
    {
      name: 'login password',
      method: 'POST',
      path: () => '/api/v1/auth/login',
      body: (c) => ({ handle: c.me.handle, password: `${password}${bad}` }),
      field: 'body.password',
    },
    {
      name: 'token name',
      method: 'POST',
      path: () => '/api/v1/auth/tokens',
      body: () => ({ name: `cli${bad}` }),
      field: 'body.name',
    },
    {
      name: 'profile bio',
      method: 'PATCH',
      path: () => '/api/v1/me',
      body: () => ({ bio: `hi${bad}` }),
      field: 'body.bio',
    },
    {
      name: 'post text',
      method: 'POST',
      path: () => '/api/v1/posts',
      body: () => ({ text: `hello${bad}` }),
      field: 'body.text',
    },
    {
      name: 'DM text',
      method: 'POST',
      path: (c) => `/api/v1/dms/${c.me.id}`,
      body: () => ({ text: `hello${bad}` }),
      field: 'body.text',
    },
    {
      name: 'space title',
      method: 'POST',
      path: () => '/api/v1/spaces',
      body: () => ({ title: `talk${bad}` }),
      field: 'body.title',
    },
    {
      name: 'space description',
      method: 'PATCH',
      path: (c) => `/api/v1/spaces/${c.spaceId}`,
      body: () => ({ description: `about${bad}` }),
      field: 'body.description',
    },
    {
      name: 'invite text',
      method: 'POST',
      path: (c) => `/api/v1/spaces/${c.spaceId}/invites`,
      body: (c) => ({ user_ids: [c.me.id], text: `come${bad}` }),
      field: 'body.text',
    },
    {
      name: 'push subscription endpoint',
      method: 'POST',
      path: () => '/api/v1/push/subscriptions',
      body: () => ({
        endpoint: `https://push.invalid/x${bad}`,
        keys: { p256dh: 'BBBB', auth: 'AAAA' },
      }),
      field: 'body.endpoint',
    },
    {
      name: 'push unsubscribe endpoint',
      method: 'DELETE',
      path: () => '/api/v1/push/subscriptions',
      body: () => ({ endpoint: `https://push.invalid/x${bad}` }),
      field: 'body.endpoint',
    },
    {
      name: 'a field name',
      method: 'PATCH',
      path: () => '/api/v1/me',
      body: () => ({ [`bio${bad}`]: 'x' }),
      field: 'body',
    },
  ]),
  {
    name: 'a leap second, which RFC 3339 allows and Date cannot read',
    method: 'POST',
    path: () => '/api/v1/spaces',
    body: () => ({
      title: 'Leap',
      scheduled_start: `${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}T23:59:60Z`,
    }),
    field: 'body.scheduled_start',
  },
  {
    name: 'discover q with NUL',
    method: 'GET',
    path: () => '/api/v1/spaces/discover?q=a%00b',
    field: 'query.q',
  },
  {
    name: 'discover topic with NUL, beside an emoji in q',
    method: 'GET',
    path: () => `/api/v1/spaces/discover?q=a${encodeURIComponent('\ud83d\ude00')}&topic=x%00`,
    field: 'query.topic',
  },
  {
    name: 'handle in the path',
    method: 'GET',
    path: () => '/api/v1/users/by-handle/abc%00def',
    field: 'params.handle',
  },
  ...[
    ['1.5', [1.5, 'a']],
    ['1e21', [1e21, 'a']],
    ['2^63', [2 ** 63, 'a']],
    ['-1', [-1, 'a']],
    ['a NUL id', [1, `a${NUL}`]],
    ['a lone surrogate id', [1, `a${LONE}`]],
  ].map(
    ([name, values]): Case => ({
      name: `followers cursor ${name}`,
      method: 'GET',
      path: (c) => `/api/v1/users/${c.me.id}/followers?cursor=${cursor(values as unknown[])}`,
      field: 'query.cursor',
    }),
  ),
  {
    name: 'scheduled spaces cursor 1e21',
    method: 'GET',
    path: () => `/api/v1/spaces/discover?state=scheduled&cursor=${cursor([1e21, 'a'])}`,
    field: 'query.cursor',
  },
  {
    name: 'timeline cursor with NUL',
    method: 'GET',
    path: () => `/api/v1/timeline?cursor=${cursor([`0mx${NUL}`])}`,
    field: 'query.cursor',
  },
  {
    name: 'raw NUL in the cursor parameter',
    method: 'GET',
    path: () => '/api/v1/timeline?cursor=%00',
    field: 'query.cursor',
  },
  {
    name: 'Twitter search query with NUL',
    method: 'GET',
    path: () => '/2/spaces/search?query=a%00',
    field: 'query.query',
  },
  {
    name: 'Twitter buyers pagination token',
    method: 'GET',
    path: (c) => `/2/spaces/${c.spaceId}/buyers?pagination_token=${cursor([1.5])}`,
    field: 'query.pagination_token',
  },
];

/** What a refusal says, reduced to what must be equal on both engines. */
function outcome(reply: Reply): { status: number; code: string; field: string } {
  const body = reply.body;
  if (body?.error) {
    return { status: reply.status, code: body.error.code, field: body.error.details?.field ?? '' };
  }
  // A Twitter error names the parameter.
  const params = Object.keys(body?.errors?.[0]?.parameters ?? {});
  return { status: reply.status, code: 'twitter_invalid_request', field: `query.${params[0]}` };
}

const results: Record<Backend, Map<string, ReturnType<typeof outcome>>> = {
  sqlite: new Map(),
  postgres: new Map(),
};

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`unstorable text and odd cursors on ${backend}`, () => {
    let t: TestServer;
    let client: Client;
    let ctx: Ctx;
    after(() => t?.close());

    test('every one is a 400 naming its field, and nothing was stored', async () => {
      t = await startTestServer({ backend, env: { HOST_MIN_FOLLOWERS: '0' } });
      const me = await t.user('textcheck');
      client = me.client;
      client.bearer = (await client.post('/api/v1/auth/tokens', { name: 'cli' })).body.token;
      const space = await liveSpace(me, { title: 'Plain' });
      ctx = { me, spaceId: space.id };

      for (const c of CASES) {
        const name = `${c.name}${c.body && JSON.stringify(c.body(ctx)).includes('\\ud800') ? ' (lone surrogate)' : ''}`;
        const reply = await client.request(c.method, c.path(ctx), c.body?.(ctx));
        const got = outcome(reply);
        results[backend].set(name, got);
        assert.equal(got.status, 400, `${name}: ${reply.status} ${JSON.stringify(reply.body)}`);
        assert.equal(got.field, c.field, `${name}: ${JSON.stringify(reply.body)}`);
      }
      assert.ok(results[backend].size >= 35, `ran ${results[backend].size} cases`);

      // Nothing got in: the profile, the posts and the space are as they were.
      const profile = (await client.get('/api/v1/me')).body.user;
      assert.equal(profile.bio, '');
      assert.equal((await client.get(`/api/v1/users/${me.id}/posts`)).body.data.length, 0);
      const stored = (await client.get(`/api/v1/spaces/${ctx.spaceId}`)).body;
      assert.equal(stored.description, '');
      assert.equal((await client.get('/api/v1/push/subscriptions')).body.data.length, 0);
    });

    test('the same texts without the bad character, and real cursors, are accepted', async () => {
      const text = 'emoji \ud83d\ude00, tab\t, accents é, CJK 中';
      const post = await client.post('/api/v1/posts', { text });
      assert.equal(post.status, 201, JSON.stringify(post.body));
      assert.equal((await client.get(`/api/v1/posts/${post.body.id}`)).body.text, text);
      const bio = await client.patch('/api/v1/me', { bio: text });
      assert.equal(bio.status, 200);
      assert.equal(bio.body.user.bio, text);
      const found = await client.get(`/api/v1/spaces/discover?q=${encodeURIComponent('中')}`);
      assert.equal(found.status, 200);
      const edge = cursor([Number.MAX_SAFE_INTEGER, 'zzzzzzzzzzzzzzzzzzzz']);
      const page = await client.get(`/api/v1/users/${ctx.me.id}/followers?cursor=${edge}`);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      const timeline = await client.get(`/api/v1/timeline?cursor=${cursor(['zzzz'])}`);
      assert.equal(timeline.status, 200, JSON.stringify(timeline.body));
    });
  });
}

test('SQLite and PostgreSQL give the same answer to every one of them', () => {
  assert.equal(results.sqlite.size, results.postgres.size);
  assert.deepEqual(Object.fromEntries(results.postgres), Object.fromEntries(results.sqlite));
});
