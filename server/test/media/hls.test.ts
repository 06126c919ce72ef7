import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { scopeDir } from '../../src/streams/layout.js';
import {
  decodeSegments,
  fetchPlaylist,
  ffprobe,
  newestAudio,
  PCM_RATE,
} from '../hls/support/player.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { Publisher } from './support/publisher.js';
import { SalonListener } from './support/salon-peers.js';
import { TEST_ICE_ADDRESS } from './support/stage.js';
import { meanPower, toneShare } from './support/tone.js';

/**
 * The HLS tier with the real packager: a Salon server running Janus, a
 * speaker on the stage sending a tone, and ffmpeg/ffprobe as the player.
 */
let t: TestServer;
before(async () => {
  t = await startTestServer({
    env: {
      MEDIA: 'embedded',
      JANUS_ICE_ENFORCE_LIST: TEST_ICE_ADDRESS,
      HOST_MIN_FOLLOWERS: '0',
      WEBRTC_LISTENERS_PER_SPACE: '1',
      // Not loopback: Janus forwards the mix to this address, and ffmpeg listens only there.
      HLS_FORWARD_HOST: TEST_ICE_ADDRESS,
    },
  });
});
// A test that failed midway left its peers and sockets open: close them, or the file hangs.
const sockets: RealtimeClient[] = [];
after(async () => {
  await Publisher.closeAll();
  await Promise.all(sockets.map((rt) => rt.close()));
  await t.close();
});

async function person() {
  const u = await t.user();
  const rt = await RealtimeClient.connect(t.url, u.client);
  sockets.push(rt);
  return { ...u, rt };
}

/** A host on the stage of a new live space, unmuted and sending `frequency`. */
async function speaking(title: string, recording: boolean, frequency = 440) {
  const host = await person();
  const space = (await host.client.post('/api/v1/spaces', { title, recording })).body as {
    id: string;
  };
  await host.rt.subscribe(space.id);
  const voice = await Publisher.mix(host.rt, space.id, frequency);
  await host.client.post(`/api/v1/spaces/${space.id}/stage/${host.id}/unmute`);
  return { host, space, voice };
}

function hasTone(pcm: Int16Array, frequency: number): boolean {
  return (
    pcm.length >= PCM_RATE / 2 &&
    meanPower(pcm) > 1_000 &&
    toneShare(pcm, PCM_RATE, frequency) > 0.5
  );
}

async function waitForTone(url: string, frequency: number, timeoutMs = 20_000) {
  let last = 0;
  await eventually(
    async () => {
      const pcm = await newestAudio(url, 2).catch(() => new Int16Array(0));
      last = pcm.length ? toneShare(pcm, PCM_RATE, frequency) : -1;
      return hasTone(pcm, frequency);
    },
    `the ${frequency} Hz tone in the newest segments (last share ${last})`,
    timeoutMs,
  );
}

function archivePlaylist(spaceId: string): string {
  const file = path.join(scopeDir(t.config.dataDir, spaceId, 'archive'), 'index.m3u8');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

const segmentsIn = (playlist: string) => playlist.match(/^a\d+\.ts$/gm)?.length ?? 0;

test('a tone spoken on the stage is in the live HLS output: AAC, and the tone decodes from the newest segments', async () => {
  const { host, space, voice } = await speaking('On air', false);
  const tier = await host.client.get(`/api/v1/spaces/${space.id}/listen?tier=hls`);
  assert.equal(tier.status, 200);
  assert.equal(tier.body.tier, 'hls');
  const url = tier.body.hls_url as string;
  await waitForTone(url, 440);

  const probe = await ffprobe(url);
  const audio = probe.streams.find((s) => s.codec_type === 'audio');
  assert.equal(audio?.codec_name, 'aac');
  // The tone can be heard in the very first segment: wait for a few more to judge their lengths.
  let live = await fetchPlaylist(url);
  await eventually(
    async () => {
      live = await fetchPlaylist(url);
      return live.segments.length >= 3;
    },
    'three live segments listed',
    15_000,
  );
  assert.equal(live.targetDuration, 1, '0.512 s segments, rounded up');
  const lengths = live.segments.slice(1).map((s) => s.duration); // the first may be cut short
  assert.ok(
    lengths.length > 0 && lengths.every((d) => Math.abs(d - 0.512) < 0.001),
    `segments of 24 AAC frames (${lengths.join(', ')})`,
  );
  assert.equal(live.ended, false);
  assert.ok(live.segments.length <= 12, 'the live playlist slides');
  // Blocking reload: the playlist that lists the next segment, once ffmpeg has written it.
  assert.match(live.text, /^#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES$/m);
  const next = live.mediaSequence + live.segments.length;
  const reloaded = await fetchPlaylist(`${url}?_HLS_msn=${next}`);
  assert.equal(reloaded.status, 200);
  assert.ok(
    reloaded.mediaSequence + reloaded.segments.length - 1 >= next,
    'it lists the segment asked for',
  );
  await voice.close();
  await host.client.post(`/api/v1/spaces/${space.id}/end`);
  await eventually(
    async () => (await fetchPlaylist(url)).ended,
    'ENDLIST in the live playlist',
    10_000,
  );
  await host.rt.close();
});

test('past the WebRTC cap, listeners are told to use HLS, and media_listen over the cap names the fallback', async () => {
  const { host, space, voice } = await speaking('Crowded', false);
  const first = await person();
  await first.rt.subscribe(space.id);
  const seat = await first.client.get(`/api/v1/spaces/${space.id}/listen`);
  assert.equal(seat.body.tier, 'webrtc');
  assert.match(seat.body.hls_url, /\/hls\/.+\/live\/.+\/index\.m3u8$/, 'the fallback comes along');
  const ear = await SalonListener.listen(first.rt, space.id);

  const second = await person();
  await second.rt.subscribe(space.id);
  const told = await second.client.get(`/api/v1/spaces/${space.id}/listen?tier=webrtc`);
  assert.deepEqual([told.body.tier, told.body.reason], ['hls', 'space_full']);
  await assert.rejects(SalonListener.listen(second.rt, space.id), { code: 'webrtc_full_use_hls' });
  // The seated listener renegotiates (a media restart) and keeps the seat.
  await ear.negotiate();
  await waitForTone(told.body.hls_url, 440);

  await ear.close();
  await voice.close();
  await host.client.post(`/api/v1/spaces/${space.id}/end`);
  for (const p of [host, first, second]) await p.rt.close();
});

test('a recorded space replays after it ends: VOD with ENDLIST, as long as the space, within 10 s', async () => {
  const { host, space, voice } = await speaking('For the record', true, 660);
  await eventually(
    () => segmentsIn(archivePlaylist(space.id)) >= 6,
    'six seconds recorded',
    20_000,
  );
  await host.client.post(`/api/v1/spaces/${space.id}/end`);
  const endedAt = Date.now();
  const anyone = t.client();
  let replay: { url: string; duration_ms: number } | undefined;
  await eventually(
    async () => {
      const reply = await anyone.get(`/api/v1/spaces/${space.id}/replay`);
      if (reply.body.state === 'ready') replay = reply.body;
      return replay !== undefined;
    },
    'the replay',
    10_000,
  );
  assert.ok(Date.now() - endedAt < 10_000);
  const info = (await anyone.get(`/api/v1/spaces/${space.id}`)).body;
  const length = (Date.parse(info.ended_at) - Date.parse(info.started_at)) / 1000;

  const list = await fetchPlaylist(replay!.url);
  assert.equal(list.ended, true, 'ENDLIST');
  assert.equal(list.type, 'VOD');
  const probe = await ffprobe(replay!.url);
  assert.equal(probe.streams.find((s) => s.codec_type === 'audio')?.codec_name, 'aac');
  const duration = Number(probe.format.duration);
  assert.ok(Math.abs(duration - length) <= 1, `replay ${duration} s, space ${length} s`);
  assert.ok(Math.abs(replay!.duration_ms / 1000 - length) <= 1);
  // The speaker sends until after the end, but their first packets come only
  // once they have negotiated: the stage is surely heard at the end, in the
  // last segments before the (possibly short) final one.
  const last = list.segments.slice(-4, -1).map((s) => new URL(s.uri, replay!.url).href);
  const pcm = await decodeSegments(
    await Promise.all(last.map(async (u) => Buffer.from(await (await fetch(u)).arrayBuffer()))),
  );
  assert.ok(hasTone(pcm, 660), 'the stage is in the replay');
  assert.equal((await anyone.post(`/api/v1/spaces/${space.id}/replay/plays`)).body.plays, 1);
  await voice.close();
  await host.rt.close();
});

test('an unrecorded space is not publicly playable, but its audio is in the moderation archive', async () => {
  const { host, space, voice } = await speaking('Off the record', false, 880);
  await eventually(() => segmentsIn(archivePlaylist(space.id)) >= 3, 'audio archived', 20_000);
  await host.client.post(`/api/v1/spaces/${space.id}/end`);
  await t.server.services.hls.recordings.settled(space.id);
  assert.equal((await t.client().get(`/api/v1/spaces/${space.id}/replay`)).status, 404);
  assert.equal((await host.client.get(`/api/v1/spaces/${space.id}/replay`)).status, 404);
  const signer = t.server.services.hls.signer;
  const replay = signer.issue(space.id, 'replay', Date.now(), 600).path;
  assert.equal((await fetch(t.url + replay)).status, 404, 'no replay was made');
  assert.equal((await fetch(t.url + replay.replace('/replay/', '/archive/'))).status, 403);

  const archive = await t.server.services.moderation.archive(space.id);
  assert.equal(archive.dir, scopeDir(t.config.dataDir, space.id, 'archive'));
  assert.match(archivePlaylist(space.id), /#EXT-X-ENDLIST/);
  const files = readdirSync(archive.dir)
    .filter((f) => f.endsWith('.ts'))
    .sort();
  const pcm = await decodeSegments(
    files.slice(1, 3).map((f) => readFileSync(path.join(archive.dir, f))),
  );
  assert.ok(hasTone(pcm, 880), 'the archive holds the stage');
  await voice.close();
  await host.rt.close();
});

test('a packager killed with SIGKILL is restarted and the recording continues in the same archive', async () => {
  const { host, space, voice } = await speaking('Hard to kill', true, 550);
  const packagers = t.server.services.media!.hls;
  await eventually(() => segmentsIn(archivePlaylist(space.id)) >= 2, 'recording under way', 20_000);
  const packager = packagers.packager(space.id)!;
  const pid = packager.pid!;
  const before = segmentsIn(archivePlaylist(space.id));
  process.kill(pid, 'SIGKILL');
  await eventually(
    () => packager.pid !== undefined && packager.pid !== pid,
    'a new ffmpeg',
    10_000,
  );
  assert.equal(packager.restarts, 1);
  await eventually(
    () => segmentsIn(archivePlaylist(space.id)) >= before + 3,
    'new segments in the same archive',
    20_000,
  );
  const text = archivePlaylist(space.id);
  assert.match(text, /#EXT-X-DISCONTINUITY/, 'the seam is marked');
  const afterSeam = text.slice(text.indexOf('#EXT-X-DISCONTINUITY')).match(/^a\d+\.ts$/gm) ?? [];
  const dir = scopeDir(t.config.dataDir, space.id, 'archive');
  const pcm = await decodeSegments(
    afterSeam.slice(0, 2).map((f) => readFileSync(path.join(dir, f))),
  );
  assert.ok(hasTone(pcm, 550), 'the stage is recorded after the restart');

  await host.client.post(`/api/v1/spaces/${space.id}/end`);
  await t.server.services.hls.recordings.settled(space.id);
  const replay = (await t.client().get(`/api/v1/spaces/${space.id}/replay`)).body;
  assert.equal(replay.state, 'ready', `${JSON.stringify(replay)}\n${archivePlaylist(space.id)}`);
  const list = await fetchPlaylist(replay.url);
  assert.ok(list.segments.length >= before + 3, 'before and after the restart');
  await voice.close();
  await host.rt.close();
});
