import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/util/clock.js';
import { liveSpace, scheduledSpace } from '../support/factories.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Scheduling from the outside: schedule up to 14 days ahead, move it, cancel
 * it, start early; set and remove reminders, with a visible count; and the
 * notifications each of these leads to (or stops), with the clock in hand.
 */
const MIN = 60_000;
const DAY = 24 * 3600_000;
const clock = new ManualClock(Date.UTC(2026, 5, 1, 8));
let t: TestServer;
let host: Awaited<ReturnType<TestServer['user']>>;
before(async () => {
  t = await startTestServer({ clock, env: { SCHEDULER_POLL_MS: '0' } });
  host = await t.user('schedhost'); // the first account may host
});
after(() => t.close());

const at = (ms: number) => new Date(ms).toISOString();
const tick = () => t.server.services.scheduler.tick();
/** Ticks until `check` holds: a command's jobs are enqueued just after it answers. */
const settle = (check: () => Promise<boolean>, what: string) =>
  eventually(async () => {
    await tick();
    return check();
  }, what);
const same = (a: string[], b: string[]) => JSON.stringify(a) === JSON.stringify(b);
const kinds = async (client: any, spaceId: string) =>
  ((await client.get('/api/v1/notifications?limit=100')).body.data as any[])
    .filter((n) => n.space_id === spaceId)
    .map((n) => n.kind)
    .sort();

async function schedule(inMs: number, title = 'Later') {
  return scheduledSpace(host, clock.now() + inMs, { title });
}

test('spaces are scheduled up to 14 days ahead and moved by their host only', async () => {
  const tooFar = await host.client.post('/api/v1/spaces', {
    title: 'Too far',
    scheduled_start: at(clock.now() + 15 * DAY),
  });
  assert.equal(tooFar.body.error.code, 'schedule_too_far');
  const space = await schedule(2 * DAY);
  const url = `/api/v1/spaces/${space.id}/schedule`;
  // Someone looking at the scheduled space sees the new time arrive live.
  const watcher = await RealtimeClient.connect(t.url, (await t.user()).client);
  await watcher.subscribe(space.id);
  const moved = await host.client.put(url, { scheduled_start: at(clock.now() + 3 * DAY) });
  assert.equal(moved.status, 200);
  assert.equal(moved.body.scheduled_start, at(clock.now() + 3 * DAY));
  const event = await watcher.waitFor(
    (m) => m.type === 'event' && m.events.some((e) => e.type === 'space_updated'),
    5000,
    true,
  );
  assert.equal(
    event.type === 'event' && event.events[0]!.type === 'space_updated'
      ? event.events[0]!.scheduled_start
      : null,
    at(clock.now() + 3 * DAY),
  );
  assert.equal(watcher.views.get(space.id)!.space.scheduled_start, at(clock.now() + 3 * DAY));
  await watcher.close();
  assert.equal(
    (await host.client.put(url, { scheduled_start: at(clock.now() - MIN) })).body.error.code,
    'schedule_in_past',
  );
  assert.equal(
    (await host.client.put(url, { scheduled_start: at(clock.now() + 14 * DAY + MIN) })).body.error
      .code,
    'schedule_too_far',
  );
  const other = await t.user();
  assert.equal(
    (await other.client.put(url, { scheduled_start: at(clock.now() + DAY) })).body.error.code,
    'not_host',
  );
  const live = await liveSpace(host, { title: 'Now' });
  const notScheduled = await host.client.put(`/api/v1/spaces/${live.id}/schedule`, {
    scheduled_start: at(clock.now() + DAY),
  });
  assert.equal(notScheduled.body.error.code, 'space_not_scheduled');
});

test('anyone sets or removes a reminder and sees the count; only scheduled spaces take reminders', async () => {
  const space = await schedule(DAY);
  const url = `/api/v1/spaces/${space.id}/reminder`;
  const [a, b] = [await t.user(), await t.user()];
  assert.deepEqual((await a.client.post(url)).body, { reminded: true, reminder_count: 1 });
  assert.deepEqual((await a.client.post(url)).body, { reminded: true, reminder_count: 1 });
  assert.deepEqual((await b.client.post(url)).body, { reminded: true, reminder_count: 2 });
  assert.deepEqual((await t.client().get(url)).body, { reminded: false, reminder_count: 2 });
  assert.deepEqual((await a.client.delete(url)).body, { reminded: false, reminder_count: 1 });
  assert.equal((await t.client().post(url)).status, 401);
  const blocked = await t.user();
  await host.client.post(`/api/v1/users/${blocked.id}/block`);
  assert.equal((await blocked.client.post(url)).body.error.code, 'blocked_by_host');
  const live = await liveSpace(host, { title: 'Live' });
  const tooLate = await a.client.post(`/api/v1/spaces/${live.id}/reminder`);
  assert.equal(tooLate.body.error.code, 'space_not_scheduled');
});

test('the host hears 30 minutes before and at the time; people with reminders when it goes live', async () => {
  const space = await schedule(2 * 3600_000, 'Two hours from now');
  const fan = await t.user();
  const follower = await t.user();
  await fan.client.post(`/api/v1/spaces/${space.id}/reminder`);
  await follower.client.post(`/api/v1/users/${host.id}/follow`);

  clock.advance(89 * MIN);
  await tick();
  assert.deepEqual(await kinds(host.client, space.id), []);
  clock.advance(MIN);
  await tick();
  assert.deepEqual(await kinds(host.client, space.id), ['space_starting_soon']);
  clock.advance(30 * MIN);
  await tick();
  assert.deepEqual(await kinds(host.client, space.id), ['space_start_time', 'space_starting_soon']);
  assert.deepEqual(await kinds(fan.client, space.id), [], 'nothing before it is live');

  assert.equal((await host.client.post(`/api/v1/spaces/${space.id}/start`)).status, 200);
  await settle(
    async () => same(await kinds(follower.client, space.id), ['space_started']),
    'the announcement',
  );
  assert.deepEqual(await kinds(fan.client, space.id), ['space_reminder']);
  assert.deepEqual(await kinds(follower.client, space.id), ['space_started']);
});

test('a moved space reminds at its new time, a cancelled one never, an early start skips the host reminders', async () => {
  const moved = await schedule(60 * MIN, 'Moved');
  const cancelled = await schedule(60 * MIN, 'Cancelled');
  const early = await schedule(60 * MIN, 'Early');
  await host.client.put(`/api/v1/spaces/${moved.id}/schedule`, {
    scheduled_start: at(clock.now() + 120 * MIN),
  });
  assert.equal((await host.client.post(`/api/v1/spaces/${cancelled.id}/cancel`)).status, 200);
  assert.equal((await host.client.post(`/api/v1/spaces/${early.id}/start`)).status, 200);
  for (let i = 0; i < 70; i++) {
    clock.advance(MIN);
    await tick();
  }
  assert.deepEqual(await kinds(host.client, moved.id), [], 'the old times are void');
  assert.deepEqual(await kinds(host.client, cancelled.id), []);
  assert.deepEqual(await kinds(host.client, early.id), []);
  clock.advance(20 * MIN); // 90 minutes in: 30 before the new time
  await tick();
  assert.deepEqual(await kinds(host.client, moved.id), ['space_starting_soon']);
});

test('turning a kind off in the app means it is not written at all', async () => {
  const space = await schedule(DAY, 'Quiet');
  const quiet = await t.user();
  await quiet.client.post(`/api/v1/spaces/${space.id}/reminder`);
  await quiet.client.patch('/api/v1/notifications/preferences', {
    space_reminder: { in_app: false },
  });
  await host.client.post(`/api/v1/spaces/${space.id}/start`);
  const jobs = t.server.services.storage.db.selectFrom('jobs').select('done_at');
  await settle(
    async () =>
      (await jobs.where('key', '=', `space:${space.id}:live`).executeTakeFirst())?.done_at != null,
    'the announcement to run',
  );
  assert.deepEqual(await kinds(quiet.client, space.id), []);
});
