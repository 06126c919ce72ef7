import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Client, Reply } from '../support/client.js';
import { liveSpace } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The `/2/` routes are left out of Salon's OpenAPI document (they speak
 * Twitter's shapes), so they get their own malformed-input walk: no answer is
 * a 5xx, and every refusal is a Twitter error, never Salon's `{ error }`.
 */
let t: TestServer;
let client: Client;
let spaceId: string;
let userId: string;
before(async () => {
  t = await startTestServer();
  const me = await t.user('twfuzz');
  userId = me.id;
  spaceId = (await liveSpace(me, { title: 'Fuzzed' })).id;
  client = t.client();
  client.bearer = (await me.client.post('/api/v1/auth/tokens', { name: 'fuzz' })).body.token;
});
after(() => t.close());

const ROUTES = [
  '/2/spaces/{id}',
  '/2/spaces?ids={id}',
  '/2/spaces/by/creator_ids?user_ids={user}',
  '/2/spaces/search?query=fuzz',
  '/2/spaces/{id}/buyers',
  '/2/spaces/{id}/tweets',
];
const BAD_IDS = ['x'.repeat(300), '%00', '..%2F..', '-1', '%F0%9F%98%80', 'a,b', '', ',,,'];
const BAD_QUERIES = [
  'space.fields=',
  'space.fields=nope',
  'space.fields=title&space.fields=title',
  'user.fields=%00',
  'topic.fields=id,,name',
  'expansions=everything',
  'expansions[]=x',
  'max_results=0',
  'max_results=1e3',
  'max_results=-1',
  'state=sometimes',
  'query=',
  `query=${'q'.repeat(5000)}`,
  'ids=' + Array.from({ length: 101 }, (_, i) => `a${i}`).join(','),
  'user_ids=%2C',
  'surprise=1',
  'tweet.fields=nope',
  'pagination_token=%FF',
];

function assertTwitterRefusal(what: string, reply: Reply) {
  assert.ok(reply.status < 500, `${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
  if (reply.status < 400) return;
  const body = reply.body;
  assert.equal(typeof body, 'object', `${what}: a JSON body`);
  assert.equal(body.error, undefined, `${what}: not Salon's error shape`);
  const problem = typeof body.title === 'string' && typeof body.type === 'string';
  const listed = Array.isArray(body.errors) && body.errors.length > 0;
  assert.ok(problem || listed, `${what}: a Twitter error (${JSON.stringify(body).slice(0, 200)})`);
}

test('no /2/ route answers malformed input with a 5xx, and every refusal is a Twitter error', async () => {
  let sent = 0;
  for (const route of ROUTES) {
    const path = route.replace('{id}', spaceId).replace('{user}', userId);
    for (const bad of BAD_IDS) {
      const p = route.replace('{id}', bad).replace('{user}', bad);
      assertTwitterRefusal(`${p}`, await client.get(p));
      sent += 1;
    }
    for (const q of BAD_QUERIES) {
      const p = `${path}${path.includes('?') ? '&' : '?'}${q}`;
      const reply = await client.get(p);
      assertTwitterRefusal(p.slice(0, 120), reply);
      assert.ok(reply.status === 400 || reply.status === 200, `${p.slice(0, 80)}: ${reply.status}`);
      sent += 1;
    }
    for (const method of ['POST', 'DELETE', 'PUT']) {
      assertTwitterRefusal(`${method} ${path}`, await client.request(method, path, {}));
      sent += 1;
    }
    const anonymous = t.client();
    const unauth = await anonymous.get(path);
    assert.equal(unauth.status, 401, path);
    assertTwitterRefusal(`anonymous ${path}`, unauth);
    const badToken = await anonymous.request('GET', path, undefined, {
      authorization: 'Bearer s_nope',
    });
    assert.equal(badToken.status, 401);
    assertTwitterRefusal(`bad token ${path}`, badToken);
    const basic = await anonymous.request('GET', path, undefined, { authorization: 'Basic abc' });
    assert.equal(basic.status, 401);
    assertTwitterRefusal(`basic ${path}`, basic);
    const guest = t.client();
    guest.bearer = (await guest.post('/api/v1/auth/guest')).body.token;
    const asGuest = await guest.get(path);
    assert.equal(asGuest.status, 401, 'guests have no Twitter API access');
    sent += 4;
  }
  const unknown = await client.get('/2/tweets/search/recent?query=x');
  assert.equal(unknown.status, 404);
  assertTwitterRefusal('unknown route', unknown);
  assert.ok(sent > 150, `sent ${sent}`);
});
