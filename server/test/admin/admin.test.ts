import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { liveSpace } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The admin console's server side: the first admin's notice, roles, people
 * search, hosting requests and grants, and the views the console reads.
 * Hosting needs the default 600 followers here, so ordinary accounts cannot host.
 */
let t: TestServer;
let owner: Awaited<ReturnType<TestServer['user']>>;

const notifications = async (who: { client: ReturnType<TestServer['client']> }) =>
  ((await who.client.get('/api/v1/notifications')).body.data as Array<{ kind: string }>).map(
    (n) => n.kind,
  );

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(backend, () => {
    before(async () => {
      t = await startTestServer({ backend, env: { HOST_MIN_FOLLOWERS: '600' } });
      owner = await t.user('owner', 'Olive Owner');
    });
    after(() => t.close());

    describe('the first account', () => {
      test('is told once that it administers the instance; others are not', async () => {
        assert.deepEqual((await owner.client.get('/api/v1/me/notices')).body.data, [
          'instance_admin',
        ]);
        const other = await t.user();
        assert.deepEqual((await other.client.get('/api/v1/me/notices')).body.data, []);
        assert.equal((await owner.client.delete('/api/v1/me/notices/instance_admin')).status, 204);
        assert.deepEqual((await owner.client.get('/api/v1/me/notices')).body.data, []);
        // Dismissing twice is harmless; an unknown notice is a 400.
        assert.equal((await owner.client.delete('/api/v1/me/notices/instance_admin')).status, 204);
        assert.equal((await owner.client.delete('/api/v1/me/notices/nope')).status, 400);
      });
    });

    describe('roles', () => {
      test('an admin appoints a moderator, who moderates but cannot grant roles or hosting', async () => {
        const mod = await t.user('mod_m', 'Moe Derator');
        const user = await t.user();
        assert.equal(
          (await mod.client.get('/api/v1/moderation/reports')).body.error.code,
          'moderators_only',
        );
        const made = await owner.client.put(`/api/v1/admin/users/${mod.id}/role`, {
          role: 'moderator',
        });
        assert.equal(made.status, 200);
        assert.equal(made.body.role, 'moderator');
        assert.equal((await mod.client.get('/api/v1/me')).body.user.role, 'moderator');
        assert.equal((await mod.client.get('/api/v1/moderation/reports')).status, 200);
        assert.equal((await mod.client.get('/api/v1/moderation/log')).status, 200);
        assert.equal((await mod.client.get('/api/v1/admin/users?q=moe')).status, 200);
        assert.equal(
          (await mod.client.put(`/api/v1/admin/users/${user.id}/role`, { role: 'moderator' })).body
            .error.code,
          'admin_only',
        );
        assert.equal(
          (await mod.client.put(`/api/v1/admin/users/${user.id}/hosting`, { can_host: true })).body
            .error.code,
          'admin_only',
        );
        assert.equal(
          (await mod.client.get('/api/v1/admin/hosting_requests')).body.error.code,
          'admin_only',
        );
        // Moderators suspend ordinary accounts, not staff.
        const otherAdmin = await t.user();
        await owner.client.put(`/api/v1/admin/users/${otherAdmin.id}/role`, { role: 'admin' });
        assert.equal(
          (
            await mod.client.post(`/api/v1/moderation/users/${otherAdmin.id}/suspension`, {
              note: 'x',
            })
          ).body.error.code,
          'outranked',
        );
        assert.equal(
          (await mod.client.post(`/api/v1/moderation/users/${user.id}/suspension`, { note: '' }))
            .body.error.code,
          'reason_required',
        );
        assert.equal(
          (
            await mod.client.post(`/api/v1/moderation/users/${user.id}/suspension`, {
              note: 'Spam',
            })
          ).status,
          200,
        );
        const found = (await mod.client.get(`/api/v1/admin/users/${user.id}`)).body;
        assert.equal(found.suspended, true);
        assert.equal(
          (await mod.client.delete(`/api/v1/moderation/users/${user.id}/suspension`)).status,
          200,
        );

        const log = (await owner.client.get('/api/v1/moderation/log')).body.data;
        const change = log.find((e: any) => e.action === 'role_changed' && e.subject_id === mod.id);
        assert.equal(change.note, 'moderator');
        assert.equal(change.actor.handle, 'owner');
        assert.equal(change.person.handle, 'mod_m');
        const suspended = log.find(
          (e: any) => e.action === 'user_suspended' && e.subject_id === user.id,
        );
        assert.equal(suspended.note, 'Spam');
        assert.equal(suspended.actor.id, mod.id);

        // Back to an ordinary user: the console is closed again.
        await owner.client.put(`/api/v1/admin/users/${mod.id}/role`, { role: 'user' });
        assert.equal(
          (await mod.client.get('/api/v1/moderation/reports')).body.error.code,
          'moderators_only',
        );
      });

      test('nobody changes their own role, and the first account stays admin', async () => {
        const second = await t.user();
        await owner.client.put(`/api/v1/admin/users/${second.id}/role`, { role: 'admin' });
        assert.equal(
          (await owner.client.put(`/api/v1/admin/users/${owner.id}/role`, { role: 'user' })).body
            .error.code,
          'cannot_change_own_role',
        );
        assert.equal(
          (await second.client.put(`/api/v1/admin/users/${owner.id}/role`, { role: 'user' })).body
            .error.code,
          'instance_owner',
        );
        assert.equal(
          (
            await second.client.post(`/api/v1/moderation/users/${owner.id}/suspension`, {
              note: 'x',
            })
          ).body.error.code,
          'instance_owner',
        );
        assert.equal(
          (await owner.client.put(`/api/v1/admin/users/${second.id}/role`, { role: 'owner' }))
            .status,
          400,
        );
      });
    });

    describe('people search', () => {
      test('finds people by handle or name, a wildcard only as itself, page by page', async () => {
        await t.user('zed_one', 'Zed 50% Off');
        await t.user('zed_two', 'Zed Two');
        await t.user('zed_three', 'Zed Three');
        const q = async (query: string, extra = '') =>
          (await owner.client.get(`/api/v1/admin/users?q=${encodeURIComponent(query)}${extra}`))
            .body;
        assert.deepEqual((await q('ZED')).data.map((p: any) => p.handle).sort(), [
          'zed_one',
          'zed_three',
          'zed_two',
        ]);
        assert.deepEqual(
          (await q('50%')).data.map((p: any) => p.handle),
          ['zed_one'],
        );
        assert.deepEqual(
          (await q('%')).data.map((p: any) => p.handle),
          ['zed_one'],
        );
        assert.deepEqual((await q('zed_t')).data.map((p: any) => p.handle).sort(), [
          'zed_three',
          'zed_two',
        ]);
        const first = await q('zed', '&limit=2');
        assert.equal(first.data.length, 2);
        assert.ok(first.next_cursor);
        const rest = await q('zed', `&limit=2&cursor=${first.next_cursor}`);
        assert.equal(rest.data.length, 1);
        assert.equal(rest.next_cursor, null);
        const person = first.data[0];
        assert.deepEqual(
          [person.role, person.can_host, person.may_host, person.followers_count, person.suspended],
          ['user', false, false, 0, false],
        );
        const someone = await t.user();
        assert.equal(
          (await someone.client.get('/api/v1/admin/users?q=zed')).body.error.code,
          'moderators_only',
        );
      });
    });

    describe('hosting requests', () => {
      test('one open request per person; the admin grants it; the person is told and can host', async () => {
        const hopeful = await t.user('hopeful', 'Hope Ful');
        const status = (await hopeful.client.get('/api/v1/me/hosting')).body;
        assert.deepEqual(
          [
            status.may_host,
            status.because,
            status.followers_count,
            status.min_followers,
            status.request,
          ],
          [false, null, 0, 600, null],
        );
        assert.equal(
          (await hopeful.client.post('/api/v1/spaces', { title: 'Too soon' })).body.error.code,
          'hosting_not_allowed',
        );
        // Filed three times at once: exactly one request exists.
        const filed = await Promise.all(
          [1, 2, 3].map(() =>
            hopeful.client.post('/api/v1/me/hosting_request', { message: 'I run the jazz club' }),
          ),
        );
        assert.deepEqual(filed.map((r) => r.status).sort(), [201, 409, 409]);
        assert.ok(
          filed.every((r) => r.status === 201 || r.body.error.code === 'hosting_request_open'),
        );
        const mine = (await hopeful.client.get('/api/v1/me/hosting')).body.request;
        assert.equal(mine.status, 'open');
        assert.equal(mine.message, 'I run the jazz club');

        const queue = (await owner.client.get('/api/v1/admin/hosting_requests')).body.data;
        const request = queue.find((r: any) => r.user_id === hopeful.id);
        assert.equal(request.person.handle, 'hopeful');
        assert.equal(request.person.followers_count, 0);

        const granted = await owner.client.post(
          `/api/v1/admin/hosting_requests/${request.id}/decision`,
          { action: 'grant', note: 'Welcome aboard' },
        );
        assert.equal(granted.status, 200);
        assert.equal(granted.body.status, 'granted');
        assert.equal(
          (
            await owner.client.post(`/api/v1/admin/hosting_requests/${request.id}/decision`, {
              action: 'decline',
            })
          ).body.error.code,
          'hosting_request_decided',
        );
        const after = (await hopeful.client.get('/api/v1/me/hosting')).body;
        assert.deepEqual(
          [after.may_host, after.because, after.request.decision_note],
          [true, 'granted', 'Welcome aboard'],
        );
        assert.ok((await notifications(hopeful)).includes('hosting_granted'));
        assert.equal(
          (await hopeful.client.post('/api/v1/spaces', { title: 'Jazz night' })).status,
          201,
        );
        assert.equal(
          (await hopeful.client.post('/api/v1/me/hosting_request', {})).body.error.code,
          'already_can_host',
        );
        const log = (await owner.client.get('/api/v1/moderation/log')).body.data;
        const entry = log.find((e: any) => e.action === 'hosting_request_granted');
        assert.equal(entry.person.handle, 'hopeful');
        assert.equal(entry.note, 'Welcome aboard');
      });

      test('a declined person is told, and may ask again later', async () => {
        const asker = await t.user();
        const filed = (await asker.client.post('/api/v1/me/hosting_request', {})).body;
        await owner.client.post(`/api/v1/admin/hosting_requests/${filed.id}/decision`, {
          action: 'decline',
          note: 'Grow your audience first',
        });
        assert.ok((await notifications(asker)).includes('hosting_declined'));
        const status = (await asker.client.get('/api/v1/me/hosting')).body;
        assert.deepEqual([status.may_host, status.request.status], [false, 'declined']);
        const declined = (await owner.client.get('/api/v1/admin/hosting_requests?status=declined'))
          .body.data;
        assert.ok(declined.some((r: any) => r.id === filed.id));
        assert.equal((await asker.client.post('/api/v1/me/hosting_request', {})).status, 201);
      });

      test("a direct grant answers the person's open request", async () => {
        const asker = await t.user();
        const filed = (await asker.client.post('/api/v1/me/hosting_request', {})).body;
        await owner.client.put(`/api/v1/admin/users/${asker.id}/hosting`, { can_host: true });
        assert.equal((await asker.client.get('/api/v1/me/hosting')).body.request.id, filed.id);
        assert.equal((await asker.client.get('/api/v1/me/hosting')).body.request.status, 'granted');
        const log = (await owner.client.get('/api/v1/moderation/log')).body.data;
        assert.ok(
          log.some((e: any) => e.action === 'hosting_granted' && e.subject_id === asker.id),
        );
      });
    });

    describe('reports as the console shows them', () => {
      test('with the people and space, a required reason, the person told, who reads and appeals it', async () => {
        const host = await t.user('reported', 'Rep Orted');
        await owner.client.put(`/api/v1/admin/users/${host.id}/hosting`, { can_host: true });
        const space = await liveSpace(host, { title: 'Loud room' });
        const reporter = await t.user('reporter', 'Rita Porter');
        const report = (
          await reporter.client.post(`/api/v1/spaces/${space.id}/reports`, {
            reason: 'abuse',
            details: 'Shouting insults',
          })
        ).body;
        const queued = (await owner.client.get('/api/v1/moderation/reports')).body.data.find(
          (r: any) => r.id === report.id,
        );
        assert.equal(queued.reporter.handle, 'reporter');
        assert.equal(queued.subject.handle, 'reported', 'a report of a space is about its host');
        assert.deepEqual([queued.space.title, queued.space.state], ['Loud room', 'live']);
        assert.equal(queued.decision_note, '');

        const blank = await owner.client.post(`/api/v1/moderation/reports/${report.id}/decision`, {
          action: 'uphold',
          note: '  ',
        });
        assert.equal(blank.body.error.code, 'reason_required');
        const upheld = await owner.client.post(`/api/v1/moderation/reports/${report.id}/decision`, {
          action: 'uphold',
          note: 'Insults on stage',
        });
        assert.equal(upheld.body.decision_note, 'Insults on stage');
        assert.ok((await notifications(host)).includes('report_upheld'));

        const mine = (await host.client.get('/api/v1/me/moderation')).body.data;
        assert.equal(mine.length, 1);
        assert.deepEqual(
          [
            mine[0].id,
            mine[0].decision_note,
            mine[0].reporter,
            mine[0].reporter_id,
            mine[0].appeal,
          ],
          [report.id, 'Insults on stage', null, '', null],
          "the person reads the reason, not the reporter's name",
        );
        assert.deepEqual((await reporter.client.get('/api/v1/me/moderation')).body.data, []);

        const appeal = (
          await host.client.post(`/api/v1/moderation/reports/${report.id}/appeal`, {
            text: 'It was a sketch',
          })
        ).body;
        const appeals = (await owner.client.get('/api/v1/moderation/appeals')).body.data;
        const listed = appeals.find((a: any) => a.id === appeal.id);
        assert.equal(listed.person.handle, 'reported');
        assert.equal(listed.report.decision_note, 'Insults on stage');
        assert.equal(
          (
            await owner.client.post(`/api/v1/moderation/appeals/${appeal.id}/decision`, {
              action: 'grant',
            })
          ).body.error.code,
          'reason_required',
        );
        const granted = await owner.client.post(
          `/api/v1/moderation/appeals/${appeal.id}/decision`,
          {
            action: 'grant',
            note: 'Satire, on review',
          },
        );
        assert.equal(granted.body.status, 'granted');
        assert.ok((await notifications(host)).includes('appeal_granted'));
        const after = (await host.client.get('/api/v1/me/moderation')).body.data;
        assert.deepEqual([after[0].status, after[0].appeal.status], ['dismissed', 'granted']);

        const log = (await owner.client.get('/api/v1/moderation/log')).body.data;
        const decided = log.find((e: any) => e.action === 'appeal_granted');
        assert.deepEqual([decided.person.handle, decided.note], ['reported', 'Satire, on review']);
        const upheldEntry = log.find(
          (e: any) => e.action === 'report_upheld' && e.subject_id === report.id,
        );
        assert.equal(upheldEntry.person.handle, 'reported');
      });

      test('a moderator ends a live space for a violation, with the reason logged', async () => {
        const mod = await t.user();
        await owner.client.put(`/api/v1/admin/users/${mod.id}/role`, { role: 'moderator' });
        const host = await t.user('loud_host', 'Loud Host');
        await owner.client.put(`/api/v1/admin/users/${host.id}/hosting`, { can_host: true });
        const space = await liveSpace(host, { title: 'To end' });
        const end = (note: string) =>
          mod.client.post(`/api/v1/moderation/spaces/${space.id}/end`, { note });
        assert.equal((await end(' ')).body.error.code, 'reason_required');
        assert.equal((await t.client().get(`/api/v1/spaces/${space.id}`)).body.state, 'live');
        assert.equal((await end('Hate speech on stage')).status, 200);
        assert.equal((await t.client().get(`/api/v1/spaces/${space.id}`)).body.state, 'ended');
        const member = await t.user();
        assert.equal(
          (await member.client.post(`/api/v1/moderation/spaces/${space.id}/end`, { note: 'x' }))
            .body.error.code,
          'moderators_only',
        );
        const log = (await owner.client.get('/api/v1/moderation/log')).body.data;
        const entry = log.find((e: any) => e.action === 'space_ended' && e.subject_id === space.id);
        assert.deepEqual(
          [entry.note, entry.actor.id, entry.person.handle],
          ['Hate speech on stage', mod.id, 'loud_host'],
        );
      });
    });
  });
}
