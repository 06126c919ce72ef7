import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Backend, startTestServer, type TestServer } from '../support/server.js';

const STRONG = 'correct horse battery';
const NEW = 'violet lantern over quiet harbours';

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`account security: password and sessions (${backend})`, () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer({ backend });
    });
    after(() => t.close());

    async function signIn(handle: string, password: string, userAgent = 'TestBrowser/1.0') {
      const client = t.client();
      const reply = await client.request(
        'POST',
        '/api/v1/auth/login',
        { handle, password },
        { 'user-agent': userAgent },
      );
      return { client, status: reply.status };
    }

    test('changing the password needs the current one, refuses a weak one, and signs the other browsers out', async () => {
      const { client, handle } = await t.user();
      const other = await signIn(handle, STRONG, 'OtherBrowser/2.0');
      assert.equal(other.status, 200);

      const wrong = await client.put('/api/v1/me/password', {
        current_password: 'not it at all',
        new_password: NEW,
      });
      assert.equal(wrong.status, 403);
      assert.equal(wrong.body.error.code, 'wrong_password');

      const weak = await client.put('/api/v1/me/password', {
        current_password: STRONG,
        new_password: 'password1',
      });
      assert.equal(weak.status, 400);
      assert.equal(weak.body.error.code, 'weak_password');

      const same = await client.put('/api/v1/me/password', {
        current_password: STRONG,
        new_password: STRONG,
      });
      assert.equal(same.body.error.code, 'same_password');

      const changed = await client.put('/api/v1/me/password', {
        current_password: STRONG,
        new_password: NEW,
      });
      assert.equal(changed.status, 200);
      assert.equal(changed.body.signed_out, 1);
      assert.equal((await client.get('/api/v1/me')).status, 200, 'this browser stays signed in');
      assert.equal((await other.client.get('/api/v1/me')).status, 401, 'the other is signed out');
      assert.equal((await signIn(handle, STRONG)).status, 401, 'the old password is refused');
      assert.equal((await signIn(handle, NEW)).status, 200, 'the new one works');
    });

    test('wrong current passwords count against the sign-in throttle', async () => {
      const { client } = await t.user();
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        const reply = await client.put('/api/v1/me/password', {
          current_password: `guess number ${i}`,
          new_password: NEW,
        });
        statuses.push(reply.status);
      }
      assert.deepEqual(statuses, [403, 403, 403, 403, 403, 429]);
      const locked = await client.put('/api/v1/me/password', {
        current_password: STRONG,
        new_password: NEW,
      });
      assert.equal(locked.status, 429);
      assert.equal(locked.body.error.code, 'too_many_attempts');
    });

    test('sessions are listed with their browser, and one can be signed out', async () => {
      const { handle } = await t.user();
      const a = await signIn(handle, STRONG, 'Alpha/1.0 (X11; Linux x86_64)');
      const b = await signIn(handle, STRONG, 'Beta/2.0 (iPhone)');
      const list = await a.client.get('/api/v1/auth/sessions');
      assert.equal(list.status, 200);
      const agents = list.body.data.map((s: { user_agent: string }) => s.user_agent);
      assert.ok(agents.includes('Alpha/1.0 (X11; Linux x86_64)'));
      assert.ok(agents.includes('Beta/2.0 (iPhone)'));
      const mine = list.body.data.filter((s: { current: boolean }) => s.current);
      assert.equal(mine.length, 1);
      assert.equal(mine[0].user_agent, 'Alpha/1.0 (X11; Linux x86_64)');
      const beta = list.body.data.find(
        (s: { user_agent: string }) => s.user_agent === 'Beta/2.0 (iPhone)',
      );
      assert.equal((await a.client.delete(`/api/v1/auth/sessions/${beta.id}`)).status, 200);
      assert.equal((await b.client.get('/api/v1/me')).status, 401);
      assert.equal((await a.client.get('/api/v1/me')).status, 200);
      const again = await a.client.delete(`/api/v1/auth/sessions/${beta.id}`);
      assert.equal(again.status, 404);

      // Someone else's session cannot be named.
      const stranger = await t.user();
      const theirs = (await stranger.client.get('/api/v1/auth/sessions')).body.data[0].id;
      assert.equal((await a.client.delete(`/api/v1/auth/sessions/${theirs}`)).status, 404);
      assert.equal((await stranger.client.get('/api/v1/me')).status, 200);
    });

    test('signing out everywhere ends every browser session and keeps API tokens unless asked', async () => {
      const { client, handle } = await t.user();
      const other = await signIn(handle, STRONG);
      const token = (await client.post('/api/v1/auth/tokens', { name: 'script' })).body.token;
      const out = await client.post('/api/v1/auth/sessions/sign_out_all', {});
      assert.equal(out.status, 200);
      assert.equal(out.body.signed_out, 2);
      assert.equal((await client.get('/api/v1/me')).status, 401);
      assert.equal((await other.client.get('/api/v1/me')).status, 401);
      const api = t.client();
      api.bearer = token;
      assert.equal((await api.get('/api/v1/me')).status, 200, 'the token still works');
      const all = await api.post('/api/v1/auth/sessions/sign_out_all', { include_tokens: true });
      assert.equal(all.body.signed_out, 1);
      assert.equal((await api.get('/api/v1/me')).status, 401);
    });
  });
}
