import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import webvtt from 'webvtt-parser';
import { purgeExpiredTranscripts } from '../../src/captions/retention.js';
import { BASE_RETENTION_MS } from '../../src/moderation/retention.js';
import { scopeDir } from '../../src/streams/layout.js';
import { ManualClock } from '../../src/util/clock.js';
import { writeArchive } from '../replays/support.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { captionedSpace, expectError, OPEN_HOSTING, say } from './support.js';

/**
 * A recorded space's captions as its replay has them: a WebVTT track (read
 * by webvtt-parser, the W3C reference parser) whose cues name the speakers
 * and fall inside the recording, the JSON transcript in replay time, the
 * host's download; and the retention: transcripts go with the moderation
 * copy of the audio, unless the replay is kept.
 */
for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`replay captions and retention on ${backend}`, () => {
    const clock = new ManualClock(Date.now());
    let t: TestServer;
    let admin: Awaited<ReturnType<TestServer['user']>>;
    before(async () => {
      t = await startTestServer({ backend, clock, env: OPEN_HOSTING });
      admin = await t.user();
    });
    after(() => t.close());

    async function recordedSpace(seconds: number, lines: Array<[number, number, string]>) {
      const host = await t.user(undefined, 'Ada Lovelace');
      const space = await captionedSpace(host, { recording: true });
      const start = Date.parse(space.started_at);
      for (const [from, to, text] of lines)
        assert.equal(
          await say(t.server, space.id, host.id, text, start + from, start + to),
          'stored',
        );
      await writeArchive(t.config.dataDir, space.id, start, seconds);
      await t.server.services.moderation.registerArchive(
        space.id,
        scopeDir(t.config.dataDir, space.id, 'archive'),
      );
      clock.advance(seconds * 1000);
      assert.equal((await host.client.post(`/api/v1/spaces/${space.id}/end`)).status, 200);
      await t.server.services.hls.recordings.settled(space.id);
      const replay = await host.client.get(`/api/v1/spaces/${space.id}/replay`);
      assert.equal(replay.body.state, 'ready', JSON.stringify(replay.body));
      return { host, space, durationMs: replay.body.duration_ms as number };
    }

    test('transcript.vtt parses, names the speaker, and every cue is inside the recording', async () => {
      const { host, space, durationMs } = await recordedSpace(8, [
        [1000, 2500, 'Welcome to the <show> & all'],
        [4000, 5500, 'Second line, said later'],
        // Past the end of the recorded audio: not in the replay's captions.
        [60_000, 61_000, 'never recorded'],
      ]);
      const listener = await t.user();
      const vtt = await listener.client.get(`/api/v1/spaces/${space.id}/transcript.vtt`);
      assert.equal(vtt.status, 200, String(vtt.body));
      assert.match(vtt.headers.get('content-type') ?? '', /^text\/vtt/);
      const parsed = new webvtt.WebVTTParser().parse(vtt.body as string, 'metadata');
      assert.deepEqual(parsed.errors, []);
      assert.equal(parsed.cues.length, 2);
      for (const cue of parsed.cues) {
        assert.ok(cue.startTime >= 0 && cue.endTime > cue.startTime, `${cue.startTime}`);
        assert.ok(cue.endTime * 1000 <= durationMs, `${cue.endTime} within ${durationMs} ms`);
        const voice = cue.tree.children.find((n) => n.type === 'object' && n.name === 'v');
        assert.equal(voice?.value, 'Ada Lovelace');
      }
      assert.equal(
        parsed.cues[0]!.text,
        '<v Ada Lovelace>Welcome to the &lt;show&gt; &amp; all</v>',
      );
      // In replay time: the replay starts when the archive does, so 1 s in plays at about 1 s.
      assert.ok(Math.abs(parsed.cues[0]!.startTime - 1) < 0.2, String(parsed.cues[0]!.startTime));
      assert.ok(parsed.cues[1]!.startTime > parsed.cues[0]!.endTime);

      const json = await listener.client.get(`/api/v1/spaces/${space.id}/transcript`);
      assert.equal(json.status, 200, JSON.stringify(json.body));
      assert.equal(json.body.lines.length, 3);
      assert.equal(json.body.lines[0].speaker.display_name, 'Ada Lovelace');
      assert.equal(json.body.lines[0].at_ms, Math.round(parsed.cues[0]!.startTime * 1000));
      assert.equal(json.body.lines[2].at_ms, null, 'not recorded: no replay moment');

      const download = await host.client.get(
        `/api/v1/spaces/${space.id}/transcript.vtt?download=true`,
      );
      assert.match(download.headers.get('content-disposition') ?? '', /^attachment; filename=/);
      expectError(
        await host.client.get(`/api/v1/spaces/${space.id}/transcript.vtt?download=maybe`),
        400,
        'invalid_request',
      );

      // The host deletes the replay: the transcript goes with it for everyone but moderators.
      assert.equal((await host.client.delete(`/api/v1/spaces/${space.id}/replay`)).status, 204);
      expectError(
        await listener.client.get(`/api/v1/spaces/${space.id}/transcript`),
        404,
        'transcript_not_found',
      );
      expectError(
        await listener.client.get(`/api/v1/spaces/${space.id}/transcript.vtt`),
        404,
        'transcript_not_found',
      );
      assert.equal((await admin.client.get(`/api/v1/spaces/${space.id}/transcript`)).status, 200);
    });

    test('retention: an unrecorded transcript is purged with the audio; a kept replay keeps its own', async () => {
      const kept = await recordedSpace(4, [[1000, 2000, 'kept with the replay']]);
      const host = await t.user();
      const gone = await captionedSpace(host);
      await say(
        t.server,
        gone.id,
        host.id,
        'purged with the audio',
        Date.parse(gone.started_at) + 500,
      );
      await t.server.services.moderation.registerArchive(
        gone.id,
        scopeDir(t.config.dataDir, gone.id, 'archive'),
      );
      clock.advance(1000);
      assert.equal((await host.client.post(`/api/v1/spaces/${gone.id}/end`)).status, 200);
      const store = t.server.services.captions.store;
      const purge = async () => ({
        audio: await t.server.services.moderation.purgeExpired(),
        transcripts: await purgeExpiredTranscripts(t.server.services.storage, store, clock),
      });
      // The report view shows the transcript to moderators meanwhile.
      const reporter = await t.user();
      const report = await reporter.client.post(`/api/v1/spaces/${gone.id}/reports`, {
        reason: 'spam',
      });
      assert.equal(report.status, 201, JSON.stringify(report.body));
      const queue = await admin.client.get('/api/v1/moderation/reports');
      const mine = queue.body.data.find((r: { space_id: string }) => r.space_id === gone.id);
      assert.equal(mine.transcript.line_count, 1);
      assert.equal(mine.transcript.lines[0].text, 'purged with the audio');

      const early = await purge();
      assert.ok(!early.audio.includes(gone.id) && !early.transcripts.includes(gone.id));
      assert.equal((await store.lines(gone.id, 10)).length, 1);
      clock.advance(BASE_RETENTION_MS + 1000);
      const late = await purge();
      assert.ok(late.audio.includes(gone.id), 'the audio is purged');
      assert.ok(late.transcripts.includes(gone.id), 'and its transcript in the same pass');
      assert.equal((await store.lines(gone.id, 10)).length, 0);
      assert.ok(late.audio.includes(kept.space.id), "the kept replay's archive goes");
      assert.ok(!late.transcripts.includes(kept.space.id));
      assert.equal(
        (await store.lines(kept.space.id, 10)).length,
        1,
        'the replay keeps its captions',
      );
    });
  });
}
