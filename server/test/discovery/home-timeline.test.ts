import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { liveSpace } from '../support/factories.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';

type User = Awaited<ReturnType<TestServer['user']>>;

/**
 * The top of the home timeline: live spaces where people you follow host or
 * speak, ranked, with what the bubble and the purple ring need; and never a
 * space you may not join. The same on both engines.
 */
for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`the home timeline's live spaces on ${backend}`, () => {
    let t: TestServer;
    let admin: User;
    before(async () => {
      t = await startTestServer({ backend });
      admin = await t.user('admin');
    });
    after(() => t.close());

    async function host(handle: string, title: string, topics: string[] = []) {
      const user = await t.user(handle, `${handle} display`);
      await admin.client.put(`/api/v1/admin/users/${user.id}/hosting`, { can_host: true });
      const space = await liveSpace(user, { title, topics });
      return { user, space, url: `/api/v1/spaces/${space.id}` };
    }

    async function onStage(speaker: User, space: { host: User; url: string }) {
      assert.equal((await speaker.client.post(`${space.url}/requests`)).status, 200);
      const approve = await space.host.client.post(`${space.url}/requests/${speaker.id}/approve`);
      assert.equal(approve.status, 200);
    }

    const home = async (viewer: User) => {
      const reply = await viewer.client.get('/api/v1/home/spaces');
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      return reply.body as {
        data: Array<{
          space: { id: string; title: string };
          followed_on_stage: Array<{ user: { id: string; avatar_url: unknown }; role: string }>;
          listener_count: number;
        }>;
        rings: Array<{ user_id: string; space_id: string; role: string }>;
      };
    };

    test('following A and B, with A hosting and B speaking elsewhere, both bubbles come first in rank order', async () => {
      const viewer = await t.user('viewer');
      const a = await host('hosta', 'A hosts');
      const c = await host('hostc', 'C hosts, B speaks');
      const b = await t.user('speakerb');
      await onStage(b, { host: c.user, url: c.url });
      const unrelated = await host('hostd', 'Nobody you follow');
      for (const who of [a.user, b]) {
        assert.equal((await viewer.client.post(`/api/v1/users/${who.id}/follow`)).status, 200);
      }

      // One person followed on each stage: more listeners ranks first.
      const listeners = await Promise.all(
        [1, 2].map(async () => {
          const rt = await RealtimeClient.connect(t.url, (await t.user()).client);
          await rt.subscribe(c.space.id);
          return rt;
        }),
      );
      await eventually(
        async () => (await home(viewer)).data[0]?.space.id === c.space.id,
        'the busier space first',
      );
      let page = await home(viewer);
      assert.deepEqual(
        page.data.map((d) => d.space.id),
        [c.space.id, a.space.id],
      );
      assert.ok(!page.data.some((d) => d.space.id === unrelated.space.id));
      assert.equal(page.data[0]!.listener_count, 2);
      assert.deepEqual(
        page.data[0]!.followed_on_stage.map((m) => [m.user.id, m.role]),
        [[b.id, 'speaker']],
      );
      assert.deepEqual(
        page.data[1]!.followed_on_stage.map((m) => [m.user.id, m.role]),
        [[a.user.id, 'host']],
      );
      assert.ok('avatar_url' in page.data[1]!.followed_on_stage[0]!.user);
      assert.deepEqual(
        new Set(page.rings.map((r) => `${r.user_id}@${r.space_id}:${r.role}`)),
        new Set([`${b.id}@${c.space.id}:speaker`, `${a.user.id}@${a.space.id}:host`]),
      );

      // Two people followed on A's stage outrank any number of listeners.
      const e = await t.user('speakere');
      await viewer.client.post(`/api/v1/users/${e.id}/follow`);
      await onStage(e, { host: a.user, url: a.url });
      page = await home(viewer);
      assert.deepEqual(
        page.data.map((d) => d.space.id),
        [a.space.id, c.space.id],
      );
      assert.equal(page.data[0]!.followed_on_stage.length, 2);

      // Leaving the stage, or ending the space, takes the bubble away.
      await e.client.post(`${a.url}/stage/leave`);
      await a.user.client.post(`${a.url}/end`);
      page = await home(viewer);
      assert.deepEqual(
        page.data.map((d) => d.space.id),
        [c.space.id],
      );
      for (const rt of listeners) await rt.close();
    });

    test('a space whose host blocked you, or that removed you, never appears', async () => {
      const viewer = await t.user('viewer2');
      const blocker = await host('blockhost', 'Blocked from here');
      const remover = await host('removehost', 'Removed from here');
      const fine = await host('finehost', 'Welcome here');
      const [s1, s2] = [await t.user('spk1'), await t.user('spk2')];
      await onStage(s1, { host: blocker.user, url: blocker.url });
      await onStage(s2, { host: remover.user, url: remover.url });
      for (const who of [s1, s2, fine.user]) {
        await viewer.client.post(`/api/v1/users/${who.id}/follow`);
      }
      let ids = (await home(viewer)).data.map((d) => d.space.id);
      assert.deepEqual(new Set(ids), new Set([blocker.space.id, remover.space.id, fine.space.id]));

      await blocker.user.client.post(`/api/v1/users/${viewer.id}/block`);
      await remover.user.client.post(`${remover.url}/removals`, { kind: 'user', id: viewer.id });
      ids = (await home(viewer)).data.map((d) => d.space.id);
      assert.deepEqual(ids, [fine.space.id]);

      // The Spaces tab and search keep them out too.
      const tab = await viewer.client.get('/api/v1/spaces/discover?state=live&limit=100');
      const listed = tab.body.data.map((d: any) => d.space.id);
      assert.ok(listed.includes(fine.space.id));
      assert.ok(!listed.includes(blocker.space.id));
      assert.ok(!listed.includes(remover.space.id));
      const searched = await viewer.client.get('/api/v1/spaces/discover?q=here');
      assert.deepEqual(
        searched.body.data.map((d: any) => d.space.id),
        [fine.space.id],
      );
    });

    test('the home timeline needs an account', async () => {
      const anonymous = await t.client().get('/api/v1/home/spaces');
      assert.equal(anonymous.status, 401);
      const guest = t.client();
      guest.bearer = (await guest.post('/api/v1/auth/guest')).body.token;
      assert.equal((await guest.get('/api/v1/home/spaces')).body.error.code, 'guest_not_allowed');
    });
  });
}
