import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { clipFile } from '../../src/clips/cutter.js';
import { scopeDir } from '../../src/streams/layout.js';
import { ManualClock } from '../../src/util/clock.js';
import type { Client } from '../support/client.js';
import { liveSpace } from '../support/factories.js';
import { RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { giveTicket, sellTickets } from '../tickets/support/access.js';
import { probeSeconds, type Tone, toneSegments, writeArchive } from './archive.js';

/**
 * Clips through the API, on both engines, with real ffmpeg cuts of an
 * archive made of real AAC segments (no Janus here: test/media/clips.test.ts
 * clips what a stage really said). The scheduler's loop is off: each test
 * runs the cut jobs with `tick()`, and drives the clock by hand for expiry.
 */
const DAY = 24 * 3600_000;
type Person = { client: Client; id: string; handle: string };

let tone: Tone;
before(async () => {
  tone = await toneSegments(440, 45);
});
after(() => rmSync(tone.dir, { recursive: true, force: true }));

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`clips on ${backend}`, () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 1, 9));
    let t: TestServer;
    let admin: Person;
    let host: Person;
    let listener: Person;

    before(async () => {
      t = await startTestServer({
        backend,
        clock,
        env: {
          HOST_MIN_FOLLOWERS: '0',
          SESSION_TTL_DAYS: '3650',
          SCHEDULER_POLL_MS: '0',
          // One host opens many spaces here.
          MAX_LIVE_SPACES_PER_HOST: '1000',
        },
      });
      admin = await t.user(); // the first account is the instance's admin
      host = await t.user();
      listener = await t.user();
    });
    after(() => t.close());

    const tick = () => t.server.services.scheduler.tick();

    /** A live space whose archive holds 45 s of audio up to now. */
    async function spaceWithAudio(owner: Person = host, recording = false) {
      const space = await liveSpace(owner, { title: 'Clip me', recording });
      writeArchive(t.config.dataDir, space.id, tone, Date.parse(space.started_at));
      clock.advance(45_000);
      return space as { id: string; started_at: string };
    }

    /** An ended, recorded space with a ready replay of 45 s. */
    async function replaySpace() {
      const space = await spaceWithAudio(host, true);
      assert.equal((await host.client.post(`/api/v1/spaces/${space.id}/end`)).status, 200);
      await t.server.services.hls.recordings.settled(space.id);
      const replay = (await t.client().get(`/api/v1/spaces/${space.id}/replay`)).body;
      assert.equal(replay.state, 'ready', JSON.stringify(replay));
      return { ...space, replayMs: replay.duration_ms as number };
    }

    async function readyClip(who: Person, spaceId: string, body: object = {}) {
      const made = await who.client.post(`/api/v1/spaces/${spaceId}/clips`, body);
      assert.equal(made.status, 201, JSON.stringify(made.body));
      assert.equal(made.body.state, 'processing');
      await tick();
      const clip = (await who.client.get(`/api/v1/clips/${made.body.id}`)).body;
      assert.equal(clip.state, 'ready', JSON.stringify(clip));
      return clip;
    }

    test('a live clip is the last 30 s of the archive, cut to an m4a that plays whole and by ranges', async () => {
      const space = await spaceWithAudio();
      const clip = await readyClip(listener, space.id, { title: '  Best  bit ' });
      assert.equal(clip.source, 'live');
      assert.equal(clip.title, 'Best bit');
      assert.equal(clip.start_ms, null);
      assert.equal(clip.creator.id, listener.id);
      assert.deepEqual(
        [clip.space.id, clip.space.host.id, clip.space.state],
        [space.id, host.id, 'live'],
      );
      assert.ok(Math.abs(clip.duration_ms - 30_000) <= 1000, `${clip.duration_ms} ms`);
      assert.equal(clip.url, `${t.url}/clips/${clip.id}`);
      assert.equal(clip.audio_url, `${t.url}/api/v1/clips/${clip.id}/audio`);
      assert.equal(clip.expires_at, new Date(Date.parse(clip.created_at) + 30 * DAY).toISOString());

      const audio = await fetch(clip.audio_url);
      assert.equal(audio.status, 200);
      assert.equal(audio.headers.get('content-type'), 'audio/mp4');
      const bytes = Buffer.from(await audio.arrayBuffer());
      assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp', 'an MP4 file');
      const seconds = await probeSeconds(clipFile(t.config.dataDir, clip.id));
      assert.ok(Math.abs(seconds - 30) <= 1, `${seconds} s`);
      const part = await fetch(clip.audio_url, { headers: { range: 'bytes=0-99' } });
      assert.equal(part.status, 206);
      assert.equal(part.headers.get('content-range'), `bytes 0-99/${bytes.length}`);
      assert.equal((await part.arrayBuffer()).byteLength, 100);
      const beyond = await fetch(clip.audio_url, { headers: { range: `bytes=${bytes.length}-` } });
      assert.equal(beyond.status, 416);

      const ofSpace = (await t.client().get(`/api/v1/spaces/${space.id}/clips`)).body;
      assert.deepEqual(
        ofSpace.data.map((c: { id: string }) => c.id),
        [clip.id],
      );
      const ofUser = (await host.client.get(`/api/v1/users/${listener.id}/clips`)).body;
      assert.ok(ofUser.data.some((c: { id: string }) => c.id === clip.id));
    });

    test('a replay clip covers the requested range, within one segment: copied on boundaries, re-encoded off them', async () => {
      const space = await replaySpace();
      const copied = await readyClip(listener, space.id, { from_ms: 10_000, to_ms: 25_000 });
      assert.equal(copied.source, 'replay');
      assert.ok(Math.abs(copied.start_ms - 10_000) <= 100);
      const copiedS = await probeSeconds(clipFile(t.config.dataDir, copied.id));
      assert.ok(Math.abs(copiedS - 15) <= 1, `${copiedS} s for 15 s`);
      const exact = await readyClip(listener, space.id, { from_ms: 2_500, to_ms: 9_700 });
      assert.equal(exact.start_ms, 2_500);
      const exactS = await probeSeconds(clipFile(t.config.dataDir, exact.id));
      assert.ok(Math.abs(exactS - 7.2) <= 1, `${exactS} s for 7.2 s`);
      const rows = await t.server.services.storage.db
        .selectFrom('clips')
        .select(['id', 'method'])
        .where('id', 'in', [copied.id, exact.id])
        .execute();
      assert.deepEqual(Object.fromEntries(rows.map((r) => [r.id, r.method])), {
        [copied.id]: 'copy',
        [exact.id]: 'encode',
      });
    });

    test('bad ranges and inputs are 4xx with their codes; nothing to clip is 409', async () => {
      const space = await replaySpace();
      const post = (body: unknown) =>
        listener.client.post(`/api/v1/spaces/${space.id}/clips`, body);
      const code = async (body: unknown) => {
        const r = await post(body);
        return `${r.status} ${r.body.error?.code}`;
      };
      assert.equal(await code({}), '400 clip_range_invalid');
      assert.equal(await code({ to_ms: 5000 }), '400 clip_range_invalid');
      assert.equal(await code({ from_ms: 9000, to_ms: 8000 }), '400 clip_range_invalid');
      assert.equal(await code({ from_ms: 0, to_ms: 4000 }), '400 clip_too_short');
      assert.equal(await code({ from_ms: 0, to_ms: 61_000 }), '400 clip_too_long');
      assert.equal(await code({ from_ms: 40_000, to_ms: 90_000 }), '400 clip_range_invalid');
      assert.equal(
        await code({ from_ms: 0, to_ms: 9000, title: 'x'.repeat(101) }),
        '400 clip_title_too_long',
      );
      assert.equal((await post({ from_ms: -5, to_ms: 9000 })).status, 400);
      assert.equal((await post({ from_ms: 0, to_ms: 9000, extra: 1 })).status, 400);
      assert.equal((await post({ from_ms: '0', to_ms: 9000 })).status, 400);

      const live = await spaceWithAudio();
      const livePost = (body: unknown) =>
        listener.client.post(`/api/v1/spaces/${live.id}/clips`, body);
      assert.equal(
        (await livePost({ from_ms: 0, to_ms: 9000 })).body.error.code,
        'clip_range_invalid',
      );

      const silent = await liveSpace(host, { title: 'No audio yet' });
      const none = await listener.client.post(`/api/v1/spaces/${silent.id}/clips`, {});
      assert.equal(`${none.status} ${none.body.error.code}`, '409 nothing_to_clip');
      await host.client.post(`/api/v1/spaces/${silent.id}/end`);
      const unrecorded = await listener.client.post(`/api/v1/spaces/${silent.id}/clips`, {
        from_ms: 0,
        to_ms: 9000,
      });
      assert.equal(`${unrecorded.status} ${unrecorded.body.error.code}`, '409 nothing_to_clip');
      const unknown = await listener.client.post('/api/v1/spaces/aaaaaaaaaaaaaaaaaaaa/clips', {});
      assert.equal(`${unknown.status} ${unknown.body.error.code}`, '404 space_not_found');
      const noClip = await listener.client.get('/api/v1/clips/aaaaaaaaaaaaaaaaaaaa');
      assert.equal(`${noClip.status} ${noClip.body.error.code}`, '404 clip_not_found');
    });

    test('clipping off: 403 clipping_off live and in the replay; the host or a co-host switches it, others may not', async () => {
      const space = await spaceWithAudio();
      const refused = await listener.client.put(`/api/v1/spaces/${space.id}/clipping`, {
        clipping: false,
      });
      assert.equal(refused.body.error.code, 'not_host_or_cohost');
      const rt = await RealtimeClient.connect(t.url, listener.client);
      await rt.subscribe(space.id);
      const told = rt.waitFor(
        (m) => m.type === 'event' && m.events.some((e) => e.type === 'clipping_changed'),
        5000,
      );
      const off = await host.client.put(`/api/v1/spaces/${space.id}/clipping`, { clipping: false });
      assert.equal(off.body.clipping, false);
      const event = await told;
      assert.deepEqual(
        event.type === 'event' && event.events.find((e) => e.type === 'clipping_changed'),
        { type: 'clipping_changed', clipping: false },
        'listeners are told at once',
      );
      await rt.close();
      const made = await listener.client.post(`/api/v1/spaces/${space.id}/clips`, {});
      assert.equal(`${made.status} ${made.body.error.code}`, '403 clipping_off');
      const hostToo = await host.client.post(`/api/v1/spaces/${space.id}/clips`, {});
      assert.equal(hostToo.body.error.code, 'clipping_off', 'the switch holds for the host too');
      assert.equal((await t.client().get(`/api/v1/spaces/${space.id}`)).body.clipping, false);

      await host.client.post(`/api/v1/spaces/${space.id}/end`);
      const replay = await listener.client.post(`/api/v1/spaces/${space.id}/clips`, {
        from_ms: 0,
        to_ms: 9000,
      });
      assert.equal(replay.body.error.code, 'clipping_off');
      const on = await host.client.put(`/api/v1/spaces/${space.id}/clipping`, { clipping: true });
      assert.equal(on.body.clipping, true, 'the host may switch it after the end');
      assert.equal((await host.client.put(`/api/v1/spaces/${space.id}/clipping`, {})).status, 400);
    });

    test('guests and visitors hear clips of spaces open to guests, never make them; guests off closes them out', async () => {
      const space = await spaceWithAudio();
      const clip = await readyClip(listener, space.id);
      const guest = t.client();
      guest.bearer = (await t.client().post('/api/v1/auth/guest')).body.token;
      const made = await guest.post(`/api/v1/spaces/${space.id}/clips`, {});
      assert.equal(`${made.status} ${made.body.error.code}`, '401 account_required');
      const anonymous = await t.client().post(`/api/v1/spaces/${space.id}/clips`, {});
      assert.equal(`${anonymous.status} ${anonymous.body.error.code}`, '401 account_required');
      assert.equal((await guest.get(`/api/v1/clips/${clip.id}/audio`)).status, 200);
      assert.equal((await t.client().get(`/api/v1/clips/${clip.id}/audio`)).status, 200);

      await host.client.put(`/api/v1/spaces/${space.id}/guests`, { allow_guests: false });
      const closed = await guest.get(`/api/v1/clips/${clip.id}/audio`);
      assert.equal(`${closed.status} ${closed.body.error.code}`, '401 account_required');
      assert.equal((await t.client().get(`/api/v1/clips/${clip.id}/audio`)).status, 401);
      assert.equal((await guest.get(`/api/v1/clips/${clip.id}`)).status, 200, 'the card stays');
      assert.equal((await listener.client.get(`/api/v1/clips/${clip.id}/audio`)).status, 200);
    });

    test('a person removed from the space can neither clip it nor play, see or share its clips; reporting stays open', async () => {
      const space = await spaceWithAudio();
      const clip = await readyClip(listener, space.id);
      const removed = await t.user();
      const own = await readyClip(removed, space.id);
      const removal = await host.client.post(`/api/v1/spaces/${space.id}/removals`, {
        kind: 'user',
        id: removed.id,
      });
      assert.equal(removal.status, 200, JSON.stringify(removal.body));
      const code = (r: { status: number; body: any }) => `${r.status} ${r.body.error?.code}`;
      assert.equal(
        code(await removed.client.post(`/api/v1/spaces/${space.id}/clips`, {})),
        '403 removed_from_space',
      );
      assert.equal(
        code(await removed.client.get(`/api/v1/clips/${clip.id}/audio`)),
        '403 removed_from_space',
      );
      assert.equal(
        code(await removed.client.get(`/api/v1/clips/${own.id}/audio`)),
        '403 removed_from_space',
      );
      assert.equal(
        code(await removed.client.get(`/api/v1/clips/${clip.id}`)),
        '403 removed_from_space',
      );
      assert.equal(
        code(await removed.client.post('/api/v1/posts', { text: 'look', clip_id: clip.id })),
        '403 removed_from_space',
      );
      const theirs = (await removed.client.get(`/api/v1/users/${listener.id}/clips`)).body.data;
      assert.ok(!theirs.some((c: { id: string }) => c.id === clip.id), 'left out of profile lists');
      const report = await removed.client.post(`/api/v1/clips/${clip.id}/reports`, {
        reason: 'abuse',
      });
      assert.equal(report.status, 201);
    });

    test('a ticketed space: only those who may hear it clip it or play its clips (ticket_required otherwise)', async () => {
      const space = await spaceWithAudio();
      const early = await readyClip(listener, space.id);
      await sellTickets(t.server, space.id, host.id);
      const buyer = await t.user();
      const code = (r: { status: number; body: any }) => `${r.status} ${r.body.error?.code}`;
      assert.equal(
        code(await buyer.client.post(`/api/v1/spaces/${space.id}/clips`, {})),
        '403 ticket_required',
      );
      assert.equal(
        code(await buyer.client.get(`/api/v1/clips/${early.id}/audio`)),
        '403 ticket_required',
      );
      const guest = t.client();
      guest.bearer = (await t.client().post('/api/v1/auth/guest')).body.token;
      assert.equal(code(await guest.get(`/api/v1/clips/${early.id}/audio`)), '403 ticket_required');
      assert.equal(
        code(await buyer.client.post('/api/v1/posts', { text: 'x', clip_id: early.id })),
        '403 ticket_required',
      );
      await giveTicket(t.server, space.id, host.id, buyer.id);
      const theirs = await readyClip(buyer, space.id);
      assert.equal((await buyer.client.get(`/api/v1/clips/${early.id}/audio`)).status, 200);
      assert.equal(
        (await host.client.get(`/api/v1/clips/${theirs.id}/audio`)).status,
        200,
        'the host',
      );
      assert.equal(
        (await admin.client.get(`/api/v1/clips/${theirs.id}/audio`)).status,
        200,
        'staff',
      );
    });

    test('a suspended account cannot clip', async () => {
      const space = await spaceWithAudio();
      const suspended = await t.user();
      await readyClip(suspended, space.id);
      const done = await admin.client.post(`/api/v1/moderation/users/${suspended.id}/suspension`, {
        note: 'Spam',
      });
      assert.equal(done.status, 200, JSON.stringify(done.body));
      const made = await suspended.client.post(`/api/v1/spaces/${space.id}/clips`, {});
      assert.equal(`${made.status} ${made.body.error.code}`, '403 account_suspended');
    });

    test('the creator, the host or staff delete a clip (file and row); anyone else is refused', async () => {
      const space = await spaceWithAudio();
      const clip = await readyClip(listener, space.id);
      const other = await t.user();
      const refused = await other.client.delete(`/api/v1/clips/${clip.id}`);
      assert.equal(`${refused.status} ${refused.body.error.code}`, '403 cannot_delete_clip');
      assert.equal((await t.client().delete(`/api/v1/clips/${clip.id}`)).status, 401);
      const file = clipFile(t.config.dataDir, clip.id);
      assert.ok(existsSync(file));
      assert.equal((await listener.client.delete(`/api/v1/clips/${clip.id}`)).status, 204);
      assert.equal(existsSync(file), false, 'the file is gone');
      assert.equal((await listener.client.get(`/api/v1/clips/${clip.id}`)).status, 404);
      assert.equal((await listener.client.delete(`/api/v1/clips/${clip.id}`)).status, 404);

      const second = await readyClip(other, space.id);
      assert.equal(
        (await host.client.delete(`/api/v1/clips/${second.id}`)).status,
        204,
        'the host',
      );
      const third = await readyClip(other, space.id);
      assert.equal(
        (await admin.client.delete(`/api/v1/clips/${third.id}`)).status,
        204,
        'an admin',
      );
      const left = await t.server.services.storage.db
        .selectFrom('clips')
        .select('id')
        .where('id', 'in', [clip.id, second.id, third.id])
        .execute();
      assert.deepEqual(left, []);
    });

    test('a clip expires after CLIP_TTL_DAYS: the scheduler job deletes its file and row, and its post card says it is gone', async () => {
      const space = await spaceWithAudio();
      const clip = await readyClip(listener, space.id);
      const post = await listener.client.post('/api/v1/posts', {
        text: 'Listen',
        clip_id: clip.id,
      });
      assert.equal(post.status, 201, JSON.stringify(post.body));
      assert.equal(post.body.clip.id, clip.id);
      const file = clipFile(t.config.dataDir, clip.id);
      const start = clock.now();
      clock.set(start + 29 * DAY);
      await tick();
      assert.ok(existsSync(file), 'kept on day 29');
      assert.equal((await listener.client.get(`/api/v1/clips/${clip.id}`)).status, 200);
      clock.set(start + 30 * DAY + 1000);
      await tick();
      assert.equal(existsSync(file), false, 'the file is deleted');
      const row = await t.server.services.storage.db
        .selectFrom('clips')
        .select('id')
        .where('id', '=', clip.id)
        .executeTakeFirst();
      assert.equal(row, undefined, 'the row is deleted');
      const job = await t.server.services.storage.db
        .selectFrom('jobs')
        .select(['done_at', 'failed'])
        .where('key', '=', `clip_expire:${clip.id}`)
        .executeTakeFirst();
      assert.ok(job?.done_at && job.failed === 0, JSON.stringify(job));
      const card = (await listener.client.get(`/api/v1/posts/${post.body.id}`)).body;
      assert.deepEqual([card.clip_id, card.clip], [clip.id, null]);
      assert.equal((await listener.client.get(`/api/v1/clips/${clip.id}/audio`)).status, 404);
    });

    test('a clip report names the clip and its space in the moderators’ queue', async () => {
      const space = await spaceWithAudio();
      const clip = await readyClip(listener, space.id);
      const reporter = await t.user();
      const report = await reporter.client.post(`/api/v1/clips/${clip.id}/reports`, {
        reason: 'hate',
        user_id: host.id,
        details: 'at 0:12',
      });
      assert.equal(report.status, 201, JSON.stringify(report.body));
      const queue = (await admin.client.get('/api/v1/moderation/reports')).body.data;
      const found = queue.find((r: { id: string }) => r.id === report.body.id);
      assert.ok(found, 'in the queue');
      assert.equal(found.clip_id, clip.id);
      assert.equal(found.space_id, space.id);
      assert.equal(found.target_user_id, host.id);
      assert.deepEqual(
        [found.clip.id, found.clip.title, found.clip.creator.id],
        [clip.id, clip.title, listener.id],
      );
      assert.equal(
        (await admin.client.get(`/api/v1/clips/${clip.id}/audio`)).status,
        200,
        'staff hear it',
      );
      const anonymous = await t
        .client()
        .post(`/api/v1/clips/${clip.id}/reports`, { reason: 'hate' });
      assert.equal(anonymous.status, 401);
      const badReason = await reporter.client.post(`/api/v1/clips/${clip.id}/reports`, {
        reason: 'meh',
      });
      assert.equal(badReason.status, 400);
    });

    test('a post carries a clip card in the timeline; a clip that failed or does not exist cannot be posted', async () => {
      const space = await spaceWithAudio();
      const clip = await readyClip(listener, space.id);
      const post = await listener.client.post('/api/v1/posts', {
        text: 'Hear this',
        clip_id: clip.id,
      });
      assert.equal(post.status, 201);
      assert.deepEqual([post.body.clip_id, post.body.clip.audio_url], [clip.id, clip.audio_url]);
      await host.client.post(`/api/v1/users/${listener.id}/follow`);
      const timeline = (await host.client.get('/api/v1/timeline')).body.data;
      const shown = timeline.find((p: { id: string }) => p.id === post.body.id);
      assert.equal(shown?.clip?.id, clip.id);
      const plain = await listener.client.post('/api/v1/posts', { text: 'No clip' });
      assert.deepEqual([plain.body.clip_id, plain.body.clip], [null, null]);
      const missing = await listener.client.post('/api/v1/posts', {
        text: 'x',
        clip_id: 'aaaaaaaaaaaaaaaaaaaa',
      });
      assert.equal(`${missing.status} ${missing.body.error.code}`, '404 clip_not_found');

      // A cut whose segments vanished before it ran fails cleanly: `failed`, never a 5xx.
      const doomed = await listener.client.post(`/api/v1/spaces/${space.id}/clips`, {});
      rmSync(path.join(scopeDir(t.config.dataDir, space.id, 'archive')), {
        recursive: true,
        force: true,
      });
      await tick();
      const failed = (await listener.client.get(`/api/v1/clips/${doomed.body.id}`)).body;
      assert.equal(failed.state, 'failed');
      assert.equal(failed.audio_url, null);
      const play = await listener.client.get(`/api/v1/clips/${doomed.body.id}/audio`);
      assert.equal(`${play.status} ${play.body.error.code}`, '409 clip_not_ready');
      const posted = await listener.client.post('/api/v1/posts', {
        text: 'x',
        clip_id: doomed.body.id,
      });
      assert.equal(`${posted.status} ${posted.body.error.code}`, '409 clip_failed');
    });
  });
}
