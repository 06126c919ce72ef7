import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { VERDICT_WINDOW_MS } from '../../src/replays/timeline.js';
import { ManualClock } from '../../src/util/clock.js';
import type { Client } from '../support/client.js';
import { liveSpace } from '../support/factories.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { writeArchive } from './support.js';

/**
 * Replays worth opening, on both engines: the speaker timeline recorded from
 * the plane's speaking changes (fed here as the media plane would, with a
 * hand-driven clock) and mapped through the recording gaps; the audience;
 * pins as they were; the listings and who may see what.
 */
for (const backend of ['sqlite', 'postgres'] as const) {
  describe(backend, () => {
    let t: TestServer;
    let admin: { client: Client; id: string };
    const clock = new ManualClock(Date.now());
    before(async () => {
      t = await startTestServer({ backend, clock, env: { HOST_MIN_FOLLOWERS: '0' } });
      // The first account is the instance's admin.
      admin = await t.user();
    });
    after(() => t.close());

    const api = (id: string) => `/api/v1/spaces/${id}`;

    /** A live recorded space; `seconds` of archive dated from its start are written at the end. */
    async function recordedSpace(title: string, host?: Awaited<ReturnType<TestServer['user']>>) {
      const owner = host ?? (await t.user());
      const space = await liveSpace(owner, { title, recording: true });
      return { host: owner, id: space.id, startedAt: Date.parse(space.started_at) };
    }

    async function end(
      space: { host: { client: Client }; id: string; startedAt: number },
      seconds = 4,
    ) {
      await writeArchive(t.config.dataDir, space.id, space.startedAt, seconds);
      clock.set(Math.max(clock.now(), space.startedAt + seconds * 1000));
      const ended = await space.host.client.post(`${api(space.id)}/end`);
      assert.equal(ended.status, 200, JSON.stringify(ended.body));
      await t.server.services.hls.recordings.settled(space.id);
      await t.server.services.replays.speakers.settled();
      await t.server.services.replays.stats.settled();
    }

    test('a talking verdict that arrives just after the end still counts the talk before it (it is a window late); one for talk after the end does not', async () => {
      const space = await recordedSpace('Cut short');
      const T0 = space.startedAt;
      await space.host.client.post(`${api(space.id)}/stage/${space.host.id}/unmute`);
      const speakers = t.server.services.replays.speakers;
      // The host starts at 3.6 s and the space ends at 4 s: Janus says so at 4.1 s.
      await end(space, 4);
      clock.set(T0 + 3600 + VERDICT_WINDOW_MS);
      await speakers.record({ spaceId: space.id, userId: space.host.id, speaking: true });
      clock.set(T0 + 4100 + VERDICT_WINDOW_MS);
      await speakers.record({ spaceId: space.id, userId: space.host.id, speaking: true });
      await speakers.settled();
      const rows = await speakers.spans(space.id);
      assert.deepEqual(rows.get(space.host.id), [{ start: T0 + 3600, end: T0 + 4000 }]);
      const replay = (await t.client().get(`${api(space.id)}/replay`)).body;
      const spans = replay.timeline.speakers[0]?.spans ?? [];
      assert.equal(spans.length, 1, JSON.stringify(replay.timeline));
      assert.ok(Math.abs(spans[0].start_ms - 3600) <= 100, JSON.stringify(spans));
      assert.ok(Math.abs(spans[0].end_ms - 4000) <= 100, JSON.stringify(spans));
    });

    test('the speaker timeline is who spoke when: short pauses merged, muted talk ignored, cut where recording was off, closed when someone leaves the stage', async () => {
      const space = await recordedSpace('Turns');
      const T0 = space.startedAt;
      const speaker = await t.user();
      await speaker.client.post(`${api(space.id)}/requests`);
      assert.equal(
        (await space.host.client.post(`${api(space.id)}/requests/${speaker.id}/approve`)).status,
        200,
      );
      await space.host.client.post(`${api(space.id)}/stage/${space.host.id}/unmute`);
      await speaker.client.post(`${api(space.id)}/stage/${speaker.id}/unmute`);
      const speakers = t.server.services.replays.speakers;
      // A verdict arrives VERDICT_WINDOW_MS after the change it reports, as Janus's do.
      const say = async (userId: string, speaking: boolean, at: number) => {
        clock.set(T0 + at + VERDICT_WINDOW_MS);
        await speakers.record({ spaceId: space.id, userId, speaking });
      };
      await say(space.host.id, true, 1000);
      await say(space.host.id, false, 4000);
      await say(space.host.id, true, 5000); // a 1 s pause: the same turn
      await say(space.host.id, false, 6000);
      await say(speaker.id, true, 8000);
      await say(speaker.id, false, 11000);
      await say(speaker.id, true, 13000); // 2 s later: a new turn
      await say(speaker.id, false, 14000);
      clock.set(T0 + 15000);
      assert.equal(
        (await space.host.client.put(`${api(space.id)}/recording`, { recording: false })).status,
        200,
      );
      await say(speaker.id, true, 16000);
      clock.set(T0 + 18000);
      await space.host.client.put(`${api(space.id)}/recording`, { recording: true });
      clock.set(T0 + 19000);
      await space.host.client.post(`${api(space.id)}/stage/${space.host.id}/mute`);
      await say(space.host.id, true, 19000); // muted: not talk
      clock.set(T0 + 20000);
      // No "stopped talking" comes: leaving the stage closes the span.
      assert.equal((await speaker.client.post(`${api(space.id)}/stage/leave`)).status, 200);
      await speakers.settled();
      await end(space, 22);

      const rows = await t.server.services.replays.speakers.spans(space.id);
      assert.deepEqual(rows.get(space.host.id), [{ start: T0 + 1000, end: T0 + 6000 }]);
      assert.deepEqual(rows.get(speaker.id), [
        { start: T0 + 8000, end: T0 + 11000 },
        { start: T0 + 13000, end: T0 + 14000 },
        { start: T0 + 16000, end: T0 + 20000 },
      ]);

      const replay = (await t.client().get(`${api(space.id)}/replay`)).body;
      assert.equal(replay.state, 'ready');
      // 15 s recorded, 3 s off, 4 s recorded: 19 one-second segments.
      assert.ok(Math.abs(replay.duration_ms - 19_000) < 200, `duration ${replay.duration_ms}`);
      assert.equal(replay.timeline.duration_ms, replay.duration_ms);
      assert.deepEqual(
        replay.timeline.speakers.map((s: { user: { id: string } }) => s.user.id),
        [space.host.id, speaker.id],
        'in the order they first speak',
      );
      const near = (actual: Array<{ start_ms: number; end_ms: number }>, expected: number[][]) => {
        assert.equal(actual.length, expected.length, JSON.stringify(actual));
        actual.forEach((span, i) => {
          const [start, end] = expected[i]!;
          assert.ok(
            Math.abs(span.start_ms - start!) <= 100,
            `${JSON.stringify(actual)} vs ${expected}`,
          );
          assert.ok(
            Math.abs(span.end_ms - end!) <= 100,
            `${JSON.stringify(actual)} vs ${expected}`,
          );
        });
      };
      near(replay.timeline.speakers[0].spans, [[1000, 6000]]);
      // Live 18–20 s plays right after the first 15 s: replay 15–17 s; 16–18 s was not recorded.
      near(replay.timeline.speakers[1].spans, [
        [8000, 11000],
        [13000, 14000],
        [15000, 17000],
      ]);
      assert.equal(replay.timeline.speakers[1].user.handle, speaker.handle);
    });

    test('the audience: peak and distinct listeners sampled while live and kept at the end, the plays, and the pins as they were', async () => {
      const space = await recordedSpace('Crowd');
      const post = await space.host.client.post('/api/v1/posts', { text: 'Read this first' });
      assert.equal(post.status, 201);
      assert.equal(
        (await space.host.client.post(`${api(space.id)}/pins`, { post_id: post.body.id })).status,
        200,
      );
      const people = await Promise.all([t.user(), t.user(), t.user()]);
      const sockets = [await RealtimeClient.connect(t.url, space.host.client)];
      for (const p of people.slice(0, 2)) {
        const rt = await RealtimeClient.connect(t.url, p.client);
        await rt.subscribe(space.id);
        sockets.push(rt);
      }
      await sockets[0]!.subscribe(space.id);
      const realtime = t.server.services.realtime;
      await eventually(() => realtime.counts(space.id)?.now_total === 3, 'three people here');
      await t.server.services.replays.stats.sample();
      // One leaves, another comes: still three at once, four different people.
      await sockets.pop()!.close();
      const late = await RealtimeClient.connect(t.url, people[2]!.client);
      await late.subscribe(space.id);
      sockets.push(late);
      await eventually(
        async () => (await t.server.services.spaces.totalListeners(space.id)) === 4,
        'four people recorded as listeners',
      );
      await t.server.services.replays.stats.sample();
      const live = await t.server.services.replays.stats.read(space.id);
      assert.equal(live.peakListeners, 3, 'the peak is written while live');
      assert.equal(live.pins, null, 'pins are kept only at the end');

      await end(space);
      for (const rt of sockets) await rt.close();
      const anyone = t.client();
      for (let i = 0; i < 2; i++) await anyone.post(`${api(space.id)}/replay/plays`);
      const replay = (await anyone.get(`${api(space.id)}/replay`)).body;
      assert.equal(replay.peak_listeners, 3);
      assert.equal(replay.total_listeners, 4);
      assert.equal(replay.plays, 2);
      assert.deepEqual(
        replay.pins.map((p: { post: { text: string } }) => p.post.text),
        ['Read this first'],
      );
      const listed = (await anyone.get(`/api/v1/users/${space.host.id}/replays`)).body;
      assert.deepEqual(
        listed.data.map((r: { space: { id: string } }) => r.space.id),
        [space.id],
      );
      assert.equal(listed.data[0].plays, 2);
      assert.equal(listed.data[0].peak_listeners, 3);
      assert.equal(listed.data[0].total_listeners, 4);
      assert.ok(Math.abs(listed.data[0].duration_ms - replay.duration_ms) < 1);
    });

    test('listings: newest first with cursors; never an unrecorded, deleted, moderated or suspended host’s replay, nor one a viewer may not see', async () => {
      const host = await t.user();
      const shown: string[] = [];
      for (const title of ['First', 'Second', 'Third']) {
        const space = await recordedSpace(title, host);
        await end(space);
        shown.unshift(space.id);
        clock.advance(1000);
      }
      // Not recorded: ends without a replay.
      const unrecorded = await liveSpace(host, { title: 'Off', recording: false });
      await writeArchive(t.config.dataDir, unrecorded.id, Date.parse(unrecorded.started_at), 3);
      await host.client.post(`${api(unrecorded.id)}/end`);
      await t.server.services.hls.recordings.settled(unrecorded.id);
      // Deleted by the host.
      const deleted = await recordedSpace('Deleted', host);
      await end(deleted);
      assert.equal((await host.client.delete(`${api(deleted.id)}/replay`)).status, 204);
      // Ended by a moderator for a violation.
      const moderated = await recordedSpace('Violation', host);
      await writeArchive(t.config.dataDir, moderated.id, moderated.startedAt, 3);
      const adminClient = admin.client;
      const ending = await adminClient.post(`/api/v1/moderation/spaces/${moderated.id}/end`, {
        note: 'spam',
      });
      assert.equal(ending.status, 200, JSON.stringify(ending.body));
      await t.server.services.hls.recordings.settled(moderated.id);

      const mine = async (who = t.client(), cursor?: string) => {
        const q = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
        const page = (await who.get(`/api/v1/users/${host.id}/replays${q}`)).body;
        return page as { data: Array<{ space: { id: string } }>; next_cursor: string | null };
      };
      const first = await mine();
      assert.deepEqual(
        first.data.map((r) => r.space.id),
        shown.slice(0, 2),
      );
      assert.ok(first.next_cursor);
      const second = await mine(t.client(), first.next_cursor!);
      assert.deepEqual(
        second.data.map((r) => r.space.id),
        shown.slice(2),
      );
      assert.equal(second.next_cursor, null);
      const everyone = (await t.client().get('/api/v1/replays?limit=100')).body;
      const ids = everyone.data.map((r: { space: { id: string } }) => r.space.id);
      for (const id of shown) assert.ok(ids.includes(id), 'in Recorded');
      for (const id of [unrecorded.id, deleted.id, moderated.id]) assert.ok(!ids.includes(id), id);
      assert.deepEqual(
        ids.filter((id: string) => shown.includes(id)),
        shown,
        'newest first',
      );

      // Blocked either way: hidden, in both lists.
      const blocked = await t.user();
      await host.client.post(`/api/v1/users/${blocked.id}/block`);
      assert.deepEqual((await mine(blocked.client)).data, []);
      const blockedAll = (await blocked.client.get('/api/v1/replays?limit=100')).body;
      assert.ok(
        !blockedAll.data.some((r: { space: { id: string } }) => shown.includes(r.space.id)),
      );
      const blocker = await t.user();
      await blocker.client.post(`/api/v1/users/${host.id}/block`);
      assert.deepEqual((await mine(blocker.client)).data, []);

      // A suspended host's replays are gone from every list.
      const suspend = await adminClient.post(`/api/v1/moderation/users/${host.id}/suspension`, {
        note: 'ban evasion',
      });
      assert.equal(suspend.status, 200, JSON.stringify(suspend.body));
      assert.deepEqual((await mine()).data, []);
      const after = (await t.client().get('/api/v1/replays?limit=100')).body;
      assert.ok(!after.data.some((r: { space: { id: string } }) => shown.includes(r.space.id)));
    });

    test('a removed listener does not see the replay listed; bad cursors and unknown hosts are 4xx', async () => {
      const space = await recordedSpace('Removal');
      const removed = await t.user();
      const rt = await RealtimeClient.connect(t.url, removed.client);
      await rt.subscribe(space.id);
      const removal = await space.host.client.post(`${api(space.id)}/removals`, {
        kind: 'user',
        id: removed.id,
      });
      assert.equal(removal.status, 200, JSON.stringify(removal.body));
      await rt.close();
      await end(space);
      const seen = (await removed.client.get(`/api/v1/users/${space.host.id}/replays`)).body;
      assert.deepEqual(seen.data, []);
      assert.equal(
        (await t.client().get(`/api/v1/users/${space.host.id}/replays`)).body.data.length,
        1,
      );
      const bad = await t.client().get('/api/v1/replays?cursor=bm90LWEtY3Vyc29y');
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'invalid_cursor');
      const nobody = await t.client().get('/api/v1/users/aaaaaaaaaaaaaaaaaaaa/replays');
      assert.equal(nobody.status, 404);
      assert.equal(nobody.body.error.code, 'user_not_found');
    });
  });
}
