import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { ApiResponseError, TwitterApi, type TwitterApiv2 } from 'twitter-api-v2';
import { liveSpace, scheduledSpace } from '../support/factories.js';
import { type Backend, startTestServer, type TestServer } from '../support/server.js';
import { giveTicket, refundTicket, sellTickets } from './support/access.js';

/**
 * Ticketed spaces through the Twitter-compatible `/2/` API, read by the
 * `twitter-api-v2` client: `is_ticketed`, `subscriber_count` (buyers and
 * people with a reminder, each once) and `GET /2/spaces/:id/buyers` (the
 * creator's only, users with their fields, paginated).
 */
for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`/2/ and ticketed spaces on ${backend}`, () => {
    let t: TestServer;
    let host: Awaited<ReturnType<TestServer['user']>>;
    let hostToken: string;
    let twitter: TwitterApiv2;
    let ticketed: string;
    let open: string;
    const buyers: string[] = [];

    const clientFor = (token: string): TwitterApiv2 => {
      const v2 = new TwitterApi(token, { httpAgent: new Agent() }).v2;
      (v2 as unknown as { setPrefix(prefix: string): void }).setPrefix(`${t.url}/2/`);
      return v2;
    };
    const raw = (path: string, token = hostToken) =>
      fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${token}` } }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as any }),
      );

    before(async () => {
      t = await startTestServer({ backend, env: { HOST_MIN_FOLLOWERS: '0' } });
      host = await t.user('cbhost');
      const tomorrow = new Date(Date.now() + 24 * 3600_000).toISOString();
      ticketed = (await scheduledSpace(host, tomorrow, { title: 'Paid talk' })).id;
      open = (await liveSpace(host, { title: 'Free talk' })).id;
      await sellTickets(t.server, ticketed, host.id);
      for (const handle of ['cbone', 'cbtwo', 'cbthree', 'cbgone']) {
        const u = await t.user(handle, `Buyer ${handle}`);
        await giveTicket(t.server, ticketed, host.id, u.id);
        buyers.push(u.id);
        // One buyer also set a reminder: counted once.
        if (handle === 'cbone')
          assert.equal(
            (await u.client.post(`/api/v1/spaces/${ticketed}/reminder`)).status < 300,
            true,
          );
      }
      await refundTicket(t.server, ticketed, buyers.pop()!);
      const reminder = await t.user('cbremind');
      await reminder.client.post(`/api/v1/spaces/${ticketed}/reminder`);
      hostToken = (await host.client.post('/api/v1/auth/tokens', { name: 'compat' })).body.token;
      twitter = clientFor(hostToken);
    });
    after(() => t?.close());

    test('is_ticketed and subscriber_count say what Salon sells and who waits for it', async () => {
      const { data } = await twitter.spaces([ticketed, open], {
        'space.fields': ['is_ticketed', 'subscriber_count'],
      } as never);
      const paid = data.find((s) => s.id === ticketed)!;
      const free = data.find((s) => s.id === open)!;
      assert.equal(paid.is_ticketed, true);
      // Three holders (the refunded one no longer counts) and one more person with a reminder.
      assert.equal(paid.subscriber_count, 4);
      assert.equal(free.is_ticketed, false);
      assert.equal(free.subscriber_count, 0);
    });

    test('the creator reads the buyers with the user fields asked for, oldest purchase first', async () => {
      const result = await twitter.spaceBuyers(ticketed, {
        'user.fields': ['username', 'created_at', 'public_metrics'],
      });
      assert.deepEqual(
        result.data.map((u) => u.id),
        buyers,
      );
      assert.deepEqual(
        result.data.map((u) => u.username),
        ['cbone', 'cbtwo', 'cbthree'],
      );
      assert.equal(result.data[0]!.name, 'Buyer cbone');
      assert.match(result.data[0]!.created_at!, /^\d{4}-\d\d-\d\dT/);
      assert.equal(result.data[0]!.public_metrics?.followers_count, 0);
      assert.equal((result as any).meta.result_count, 3);
      assert.equal((result as any).meta.next_token, undefined);
    });

    test('buyers come in pages: max_results and the next_token', async () => {
      const first = await raw(`/2/spaces/${ticketed}/buyers?max_results=2`);
      assert.equal(first.status, 200);
      assert.deepEqual(
        first.body.data.map((u: { id: string }) => u.id),
        buyers.slice(0, 2),
      );
      assert.equal(first.body.meta.result_count, 2);
      const token = first.body.meta.next_token as string;
      assert.ok(token);
      const second = await raw(
        `/2/spaces/${ticketed}/buyers?max_results=2&pagination_token=${token}`,
      );
      assert.deepEqual(
        second.body.data.map((u: { id: string }) => u.id),
        buyers.slice(2),
      );
      assert.equal(second.body.meta.next_token, undefined);
      const bad = await raw(`/2/spaces/${ticketed}/buyers?pagination_token=nonsense`);
      assert.equal(bad.status, 400);
      assert.deepEqual(Object.keys(bad.body.errors[0].parameters), ['pagination_token']);
      const none = await raw(`/2/spaces/${open}/buyers`);
      assert.deepEqual(none.body, { meta: { result_count: 0 } });
    });

    test('only the creator sees the buyers', async () => {
      const other = await t.user('cbother');
      const token = (await other.client.post('/api/v1/auth/tokens', { name: 'x' })).body.token;
      await assert.rejects(clientFor(token).spaceBuyers(ticketed), (error: unknown) => {
        assert.ok(error instanceof ApiResponseError);
        assert.equal(error.code, 403);
        return true;
      });
      const buyer = await raw(`/2/spaces/${ticketed}/buyers`, token);
      assert.equal(buyer.status, 403);
    });
  });
}
