import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../src/util/clock.js';
import { liveSpace, scheduledSpace } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

type User = Awaited<ReturnType<TestServer['user']>>;

/** People search, and a profile's upcoming spaces and replays (discover by host, recorded); both engines. */
for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`people search and profile spaces on ${backend}`, () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 1, 9));
    const HOUR = 3600_000;
    let t: TestServer;
    let viewer: User;
    before(async () => {
      t = await startTestServer({ backend, clock, env: { HOST_MIN_FOLLOWERS: '0' } });
      viewer = await t.user('viewer_ps', 'Vera Viewer');
    });
    after(() => t.close());

    const handles = (reply: { body: { data: Array<{ handle: string }> } }) =>
      reply.body.data.map((u) => u.handle);

    test('search matches a part of the handle or the name, ignoring case, paginated by handle', async () => {
      await t.user('zoe_ps', 'Zoé Martin');
      await t.user('martin_ps', 'Martin Dupont');
      await t.user('pct_ps', '100% Jazz');
      const search = (q: string, extra = '') =>
        viewer.client.get(`/api/v1/users/search?q=${encodeURIComponent(q)}${extra}`);

      assert.deepEqual(handles(await search('MARTIN')), ['martin_ps', 'zoe_ps']);
      assert.deepEqual(handles(await search('@zoe_')), ['zoe_ps'], 'a leading @ is ignored');
      assert.deepEqual(handles(await search('100%')), ['pct_ps'], 'LIKE wildcards are literal');
      assert.deepEqual(handles(await search('%')), ['pct_ps']);
      assert.deepEqual(handles(await search('nobody_here')), []);

      const first = await search('_ps', '&limit=2');
      assert.equal(first.status, 200);
      assert.deepEqual(handles(first), ['martin_ps', 'pct_ps']);
      assert.ok(first.body.next_cursor);
      const second = await search('_ps', `&limit=2&cursor=${first.body.next_cursor}`);
      assert.deepEqual(handles(second), ['viewer_ps', 'zoe_ps']);
      assert.equal(second.body.next_cursor, null);

      const anonymous = await t.client().get('/api/v1/users/search?q=zoe');
      assert.deepEqual(handles(anonymous), ['zoe_ps'], 'anyone may search');
    });

    test('search results and follower lists carry your relationship to each person', async () => {
      const star = await t.user('star_ps', 'Star Person');
      const fan = await t.user('fan_ps', 'Fan Person');
      assert.equal((await fan.client.post(`/api/v1/users/${star.id}/follow`)).status, 200);
      clock.advance(1000);
      assert.equal((await viewer.client.post(`/api/v1/users/${star.id}/follow`)).status, 200);
      const found = await viewer.client.get('/api/v1/users/search?q=star_ps');
      assert.deepEqual(found.body.data[0].relationship, {
        following: true,
        followed_by: false,
        blocking: false,
        blocked_by: false,
      });
      const followers = await viewer.client.get(`/api/v1/users/${star.id}/followers`);
      assert.deepEqual(
        followers.body.data.map((u: { handle: string; relationship: unknown }) => [
          u.handle,
          u.relationship,
        ]),
        [
          ['viewer_ps', null],
          ['fan_ps', { following: false, followed_by: false, blocking: false, blocked_by: false }],
        ],
        'newest first; yourself without a relationship',
      );
      const anonymous = await t.client().get(`/api/v1/users/${star.id}/following`);
      assert.deepEqual(anonymous.body.data, []);
    });

    test('search never lists people who blocked you or whom you blocked', async () => {
      const blocker = await t.user('blocker_ps', 'Blocking Person');
      const blocked = await t.user('blockee_ps', 'Blocked Person');
      assert.equal((await blocker.client.post(`/api/v1/users/${viewer.id}/block`)).status, 200);
      assert.equal((await viewer.client.post(`/api/v1/users/${blocked.id}/block`)).status, 200);
      assert.deepEqual(handles(await viewer.client.get('/api/v1/users/search?q=block')), []);
      const other = await t.user();
      assert.deepEqual(handles(await other.client.get('/api/v1/users/search?q=block')), [
        'blockee_ps',
        'blocker_ps',
      ]);
    });

    test('search refuses a missing, empty or NUL query with a 400', async () => {
      for (const q of ['', '?q=', '?q=a%00b']) {
        const reply = await viewer.client.get(`/api/v1/users/search${q}`);
        assert.equal(reply.status, 400, q);
      }
    });

    test("a host's upcoming spaces and replays: discover by host_id, and state=recorded", async () => {
      const host = await t.user('host_ps', 'Hosting Person');
      const other = await t.user('other_ps', 'Other Host');
      const schedule = async (who: User, title: string, hours: number) =>
        (await scheduledSpace(who, clock.now() + hours * HOUR, { title })).id;
      const later = await schedule(host, 'Later', 5);
      const soon = await schedule(host, 'Soon', 2);
      await schedule(other, 'Not theirs', 1);
      const upcoming = await viewer.client.get(
        `/api/v1/spaces/discover?state=scheduled&host_id=${host.id}`,
      );
      assert.deepEqual(
        upcoming.body.data.map((d: { space: { id: string } }) => d.space.id),
        [soon, later],
        'soonest first, only this host',
      );

      // Two ended spaces of the host: one with a replay ready, one whose replay was deleted.
      const ended: string[] = [];
      for (const title of ['Recorded one', 'Deleted replay']) {
        const created = await liveSpace(host, { title, recording: true });
        assert.equal((await host.client.post(`${created.path}/end`)).status, 200);
        ended.push(created.id);
      }
      const db = t.server.services.storage.db;
      // No media here: write what the packager would have once the replay was made.
      for (const [i, id] of ended.entries()) {
        const row = {
          state: 'finalized' as const,
          replay: i === 0 ? ('ready' as const) : ('deleted' as const),
          duration_ms: 60_000,
          finalized_at: clock.now(),
          deleted_at: i === 0 ? null : clock.now(),
        };
        await db
          .insertInto('space_recordings')
          .values({ space_id: id, plays: 0, created_at: clock.now(), ...row })
          .onConflict((oc) => oc.column('space_id').doUpdateSet(row))
          .execute();
      }
      const recorded = await viewer.client.get(
        `/api/v1/spaces/discover?state=recorded&host_id=${host.id}`,
      );
      assert.equal(recorded.status, 200, JSON.stringify(recorded.body));
      assert.deepEqual(
        recorded.body.data.map((d: { space: { id: string } }) => d.space.id),
        [ended[0]],
      );
      const all = await viewer.client.get('/api/v1/spaces/discover?state=recorded&q=recorded');
      assert.deepEqual(
        all.body.data.map((d: { space: { id: string } }) => d.space.id),
        [ended[0]],
      );
      const bad = await viewer.client.get('/api/v1/spaces/discover?host_id=nope');
      assert.equal(bad.status, 400);
    });
  });
}
