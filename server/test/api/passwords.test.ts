import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../src/util/clock.js';
import { type Backend, startTestServer, type TestServer, uniqueHandle } from '../support/server.js';

const STRONG = 'correct horse battery';

describe('weak passwords', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test('common and patterned passwords are refused with 400 weak_password saying why', async () => {
    for (const [password, why] of [
      ['12345678', /most used passwords/],
      ['password', /most used passwords/],
      ['qwertyuiop', /keyboard|most used|common/i],
      ['Password1!', /common/i],
    ] as const) {
      const reply = await t.client().post('/api/v1/auth/register', {
        handle: uniqueHandle('w'),
        display_name: 'Weak',
        password,
      });
      assert.equal(reply.status, 400, password);
      assert.equal(reply.body.error.code, 'weak_password', password);
      assert.match(reply.body.error.message, why, password);
      assert.ok(reply.body.error.details.reasons.length > 0);
    }
  });

  test('a password made of the handle and name is refused; a strong one is accepted', async () => {
    const weak = await t.client().post('/api/v1/auth/register', {
      handle: 'marguerite',
      display_name: 'Marguerite Yourcenar',
      password: 'marguerite yourcenar',
    });
    assert.equal(weak.status, 400);
    assert.equal(weak.body.error.code, 'weak_password');
    const strong = await t.client().post('/api/v1/auth/register', {
      handle: 'marguerite',
      display_name: 'Marguerite Yourcenar',
      password: STRONG,
    });
    assert.equal(strong.status, 201);
  });
});

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`per-account sign-in throttle (${backend})`, () => {
    const clock = new ManualClock(Date.UTC(2026, 5, 1));
    let t: TestServer;
    before(async () => {
      // Two client addresses through a trusted proxy, as an attacker with many machines has.
      t = await startTestServer({ backend, clock, env: { TRUST_PROXY: 'true' } });
    });
    after(() => t.close());

    const from = (address: string) => ({ 'x-forwarded-for': address });
    const login = (handle: string, password: string, address: string) =>
      t.client().request('POST', '/api/v1/auth/login', { handle, password }, from(address));
    const token = (handle: string, password: string, address: string) =>
      t
        .client()
        .request('POST', '/api/v1/auth/tokens', { name: 'x', handle, password }, from(address));

    test('five failures from two addresses, over login and /auth/tokens, lock the account with 429 too_many_attempts and retry-after', async () => {
      const { handle } = await t.user();
      for (let i = 0; i < 5; i += 1) {
        const reply =
          i % 2 === 0
            ? await login(handle, 'nope', '203.0.113.1')
            : await token(handle, 'nope', '198.51.100.2');
        assert.equal(reply.status, 401, `attempt ${i + 1}`);
      }
      for (const reply of [
        await login(handle, STRONG, '203.0.113.1'),
        await token(handle, STRONG, '198.51.100.2'),
        await login(handle, STRONG, '192.0.2.3'),
      ]) {
        assert.equal(reply.status, 429, 'even the right password waits');
        assert.equal(reply.body.error.code, 'too_many_attempts');
        assert.equal(reply.headers.get('retry-after'), '30');
      }
      // The lock ends; the right password then works and clears the count.
      clock.advance(30_000);
      assert.equal((await login(handle, STRONG, '203.0.113.1')).status, 200);
      for (let i = 0; i < 4; i += 1) {
        assert.equal((await login(handle, 'nope', '198.51.100.2')).status, 401);
      }
      assert.equal((await login(handle, STRONG, '198.51.100.2')).status, 200, 'reset on success');
    });

    test('the lockout doubles with each further failure and stops growing at 15 minutes', async () => {
      const { handle } = await t.user();
      for (let i = 0; i < 5; i += 1) await login(handle, 'nope', '203.0.113.1');
      const waits: number[] = [];
      for (let i = 0; i < 8; i += 1) {
        const locked = await login(handle, 'nope', '198.51.100.2');
        assert.equal(locked.status, 429);
        const wait = Number(locked.headers.get('retry-after'));
        waits.push(wait);
        clock.advance(wait * 1000);
        assert.equal((await login(handle, 'nope', '203.0.113.1')).status, 401);
      }
      assert.deepEqual(waits, [30, 60, 120, 240, 480, 900, 900, 900]);
      // Attempts while locked do not lengthen the lock.
      for (let i = 0; i < 5; i += 1) await login(handle, 'nope', '192.0.2.3');
      clock.advance(900_000);
      assert.equal((await login(handle, STRONG, '192.0.2.3')).status, 200);
    });

    test('attempts sent all at once cannot slip past the limit', async () => {
      const { handle } = await t.user();
      const replies = await Promise.all(
        Array.from({ length: 20 }, (_, i) => login(handle, 'nope', `203.0.113.${i + 1}`)),
      );
      const statuses = replies.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 401).length, 5, statuses.join(','));
      assert.equal(statuses.filter((s) => s === 429).length, 15, statuses.join(','));
    });
  });
}
