import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DAY_MS } from '../../src/moderation/retention.js';
import { ManualClock } from '../../src/util/clock.js';
import { liveSpace } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Reports, decisions, appeals, suspensions and the retention of review audio, on an injected clock. */
const clock = new ManualClock(Date.UTC(2026, 2, 1));
let t: TestServer;
let moderator: Awaited<ReturnType<TestServer['user']>>;
before(async () => {
  // Sessions outlive the months this test travels through.
  t = await startTestServer({ clock, env: { SESSION_TTL_DAYS: '3650' } });
  moderator = await t.user('moderator');
});
after(() => t.close());

async function endedSpaceWithArchive() {
  const host = await t.user();
  await moderator.client.put(`/api/v1/admin/users/${host.id}/hosting`, { can_host: true });
  const space = await liveSpace(host, { title: 'Kept for review' });
  await host.client.post(`/api/v1/spaces/${space.id}/end`);
  const dir = path.join(t.config.dataDir, 'archives', space.id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'segment0.m4s'), Buffer.alloc(1024, 1));
  await t.server.services.moderation.registerArchive(space.id, dir);
  return { host, space, dir };
}

test('audio of an unrecorded space is kept 30 days: there on day 29, purged for real on day 31', async () => {
  const start = clock.now();
  const { space, dir } = await endedSpaceWithArchive();
  clock.set(start + 29 * DAY_MS);
  assert.deepEqual(await t.server.services.moderation.purgeExpired(), []);
  assert.ok(existsSync(dir));
  assert.equal((await moderator.client.get(`/api/v1/moderation/archives/${space.id}`)).status, 200);
  clock.set(start + 31 * DAY_MS);
  assert.deepEqual(await t.server.services.moderation.purgeExpired(), [space.id]);
  assert.equal(existsSync(dir), false, 'the files are gone from disk');
  assert.equal((await moderator.client.get(`/api/v1/moderation/archives/${space.id}`)).status, 404);
  const log = (await moderator.client.get('/api/v1/moderation/log')).body.data;
  assert.ok(
    log.some(
      (e: any) => e.action === 'archive_purged' && e.subject_id === space.id && e.actor_id === null,
    ),
  );
  clock.set(start);
});

test('an upheld report keeps the audio 90 days from the decision; the reported person appeals once; moderators decide', async () => {
  const start = clock.now();
  const { host, space, dir } = await endedSpaceWithArchive();
  const reporter = await t.user();
  const report = (
    await reporter.client.post(`/api/v1/spaces/${space.id}/reports`, {
      reason: 'abuse',
      user_id: host.id,
    })
  ).body;
  assert.equal(
    (await reporter.client.get('/api/v1/moderation/reports')).body.error.code,
    'moderators_only',
  );
  const queue = (await moderator.client.get('/api/v1/moderation/reports')).body.data;
  assert.ok(queue.some((r: any) => r.id === report.id));

  clock.set(start + 20 * DAY_MS);
  const upheld = await moderator.client.post(`/api/v1/moderation/reports/${report.id}/decision`, {
    action: 'uphold',
    note: 'Abusive',
  });
  assert.equal(upheld.body.status, 'upheld');
  assert.equal(upheld.body.decided_by, moderator.id);
  assert.equal(upheld.body.decided_at, new Date(start + 20 * DAY_MS).toISOString());
  const twice = await moderator.client.post(`/api/v1/moderation/reports/${report.id}/decision`, {
    action: 'dismiss',
    note: 'On second thought',
  });
  assert.equal(twice.body.error.code, 'report_already_decided');

  clock.set(start + 31 * DAY_MS);
  assert.deepEqual(await t.server.services.moderation.purgeExpired(), []);
  assert.ok(existsSync(dir), 'kept past 30 days because of the upheld report');

  assert.equal(
    (await reporter.client.post(`/api/v1/moderation/reports/${report.id}/appeal`, { text: 'me?' }))
      .body.error.code,
    'not_your_decision',
  );
  const appeal = await host.client.post(`/api/v1/moderation/reports/${report.id}/appeal`, {
    text: 'It was a joke among friends',
  });
  assert.equal(appeal.status, 201);
  assert.equal(
    (await host.client.post(`/api/v1/moderation/reports/${report.id}/appeal`, { text: 'again' }))
      .body.error.code,
    'already_appealed',
  );

  clock.set(start + 200 * DAY_MS);
  assert.deepEqual(
    await t.server.services.moderation.purgeExpired(),
    [],
    'never purged while an appeal is pending',
  );
  const pending = (await moderator.client.get('/api/v1/moderation/appeals')).body.data;
  assert.ok(pending.some((a: any) => a.id === appeal.body.id));
  const denied = await moderator.client.post(
    `/api/v1/moderation/appeals/${appeal.body.id}/decision`,
    { action: 'deny', note: 'The audio shows abuse' },
  );
  assert.equal(denied.body.status, 'denied');
  assert.deepEqual(await t.server.services.moderation.purgeExpired(), [space.id]);
  assert.equal(existsSync(dir), false);
  clock.set(start);
});

test('the 90-day extension holds exactly: kept on day 109, purged on day 110', async () => {
  const start = clock.now();
  const { space, dir } = await endedSpaceWithArchive();
  const reporter = await t.user();
  const report = (
    await reporter.client.post(`/api/v1/spaces/${space.id}/reports`, { reason: 'spam' })
  ).body;
  clock.set(start + 20 * DAY_MS);
  await moderator.client.post(`/api/v1/moderation/reports/${report.id}/decision`, {
    action: 'uphold',
    note: 'Abusive',
  });
  clock.set(start + 109 * DAY_MS);
  assert.deepEqual(await t.server.services.moderation.purgeExpired(), []);
  clock.set(start + 110 * DAY_MS);
  assert.deepEqual(await t.server.services.moderation.purgeExpired(), [space.id]);
  assert.equal(existsSync(dir), false);
  clock.set(start);
});

test('a suspended account can no longer act, and its live spaces end for moderation', async () => {
  const host = await t.user();
  await moderator.client.put(`/api/v1/admin/users/${host.id}/hosting`, { can_host: true });
  const space = await liveSpace(host, { title: 'About to end' });
  assert.equal(
    (
      await moderator.client.post(`/api/v1/moderation/users/${host.id}/suspension`, {
        note: 'Repeated abuse',
      })
    ).status,
    200,
  );
  const refused = await host.client.get('/api/v1/me');
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, 'account_suspended');
  const ended = (await moderator.client.get(`/api/v1/spaces/${space.id}`)).body;
  assert.equal(ended.state, 'ended');
  assert.equal(ended.ended_reason, 'moderation');
  const log = (await moderator.client.get('/api/v1/moderation/log')).body.data;
  assert.ok(
    log.some(
      (e: any) =>
        e.action === 'user_suspended' && e.subject_id === host.id && e.actor_id === moderator.id,
    ),
  );
  await moderator.client.delete(`/api/v1/moderation/users/${host.id}/suspension`);
  assert.equal((await host.client.get('/api/v1/me')).status, 200);
});
