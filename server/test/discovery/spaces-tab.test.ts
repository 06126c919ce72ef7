import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../src/util/clock.js';
import { liveSpace } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

type User = Awaited<ReturnType<TestServer['user']>>;

/** The Spaces tab: live and upcoming spaces, by topic, with search, paginated; both engines. */
for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`the Spaces tab on ${backend}`, () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 1, 9));
    const HOUR = 3600_000;
    let t: TestServer;
    let alice: User;
    let bruno: User;
    before(async () => {
      t = await startTestServer({ backend, clock, env: { HOST_MIN_FOLLOWERS: '0' } });
      alice = await t.user('alice_tab', 'Alice Jazz');
      bruno = await t.user('bruno_tab', 'Bruno Rocha');
    });
    after(() => t.close());

    const create = (who: User, body: Record<string, unknown>) => liveSpace(who, body);
    const ids = (reply: { body: { data: Array<{ space: { id: string } }> } }) =>
      reply.body.data.map((d) => d.space.id);

    test('live spaces filter by topic and search title, description, topic and host', async () => {
      const jazz = await create(alice, {
        title: 'Late night jazz',
        topics: ['Music', 'Jazz'],
        description: 'Standards and improvisation',
      });
      const code = await create(bruno, {
        title: 'TypeScript office hours',
        topics: ['Programming'],
        description: '100% questions_welcome',
      });
      const viewer = await t.user();
      const get = (q: string) => viewer.client.get(`/api/v1/spaces/discover?${q}`);

      assert.deepEqual(ids(await get('state=live')), [code.id, jazz.id]);
      assert.deepEqual(ids(await get('topic=music')), [jazz.id]);
      assert.deepEqual(ids(await get('topic=MUSIC')), [jazz.id], 'topics ignore case');
      assert.deepEqual(ids(await get('topic=mus')), [], 'a topic matches whole');
      assert.deepEqual(ids(await get('q=NIGHT')), [jazz.id], 'title');
      assert.deepEqual(ids(await get('q=improvisation')), [jazz.id], 'description');
      assert.deepEqual(ids(await get('q=programming')), [code.id], 'topic');
      assert.deepEqual(ids(await get('q=bruno_tab')), [code.id], 'host handle');
      assert.deepEqual(ids(await get('q=alice%20jazz')), [jazz.id], 'host name');
      assert.deepEqual(ids(await get('q=100%25')), [code.id], 'LIKE wildcards are literal');
      assert.deepEqual(ids(await get('q=s_w')), [code.id]);
      assert.deepEqual(ids(await get('q=%25')), [code.id]);
      const bad = await get('topic=%3Cscript%3E');
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'invalid_topic');
    });

    test('upcoming spaces come soonest first, with their reminder counts, page by page', async () => {
      const now = clock.now();
      const made: string[] = [];
      // Created out of order; listed by start time.
      for (const hours of [5, 1, 3, 2, 4]) {
        const s = await create(hours % 2 ? alice : bruno, {
          title: `Upcoming in ${hours}h`,
          scheduled_start: new Date(now + hours * HOUR).toISOString(),
        });
        made[hours] = s.id;
      }
      const viewer = await t.user();
      await viewer.client.post(`/api/v1/spaces/${made[3]}/reminder`);
      await alice.client.post(`/api/v1/spaces/${made[3]}/reminder`);

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const reply: any = await viewer.client.get(
          `/api/v1/spaces/discover?state=scheduled&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        assert.equal(reply.status, 200);
        seen.push(...ids(reply));
        const three = reply.body.data.find((d: any) => d.space.id === made[3]);
        if (three) {
          assert.equal(three.reminder_count, 2);
          assert.equal(three.reminded, true);
        }
        cursor = reply.body.next_cursor;
        pages += 1;
      } while (cursor);
      assert.deepEqual(
        seen,
        [1, 2, 3, 4, 5].map((h) => made[h]),
      );
      assert.equal(pages, 3);
      const wrong = await viewer.client.get('/api/v1/spaces/discover?state=scheduled&cursor=abc');
      assert.equal(wrong.body.error.code, 'invalid_cursor');
    });
  });
}
