import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { scopeDir } from '../../src/streams/layout.js';
import { probeSeconds } from '../clips/archive.js';
import { PCM_RATE } from '../hls/support/player.js';
import type { Client } from '../support/client.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { Publisher } from './support/publisher.js';
import { TEST_ICE_ADDRESS } from './support/stage.js';
import { meanPower, toneShare } from './support/tone.js';

/**
 * Clips of what a stage really said: a Salon with Janus and the packager, a
 * host sending a tone, and the clip file decoded by ffmpeg and measured. The
 * live clip must hold the tone of its 30 s and none of the tone before them.
 */
const run = promisify(execFile);
let t: TestServer;
let scratch: string;
before(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'salon-clips-'));
  t = await startTestServer({
    env: {
      MEDIA: 'embedded',
      JANUS_ICE_ENFORCE_LIST: TEST_ICE_ADDRESS,
      HOST_MIN_FOLLOWERS: '0',
      HLS_FORWARD_HOST: TEST_ICE_ADDRESS,
    },
  });
});
after(async () => {
  await t.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function speaking(title: string, recording: boolean, frequency: number) {
  const host = await t.user();
  const rt = await RealtimeClient.connect(t.url, host.client);
  const space = (await host.client.post('/api/v1/spaces', { title, recording })).body as {
    id: string;
  };
  await rt.subscribe(space.id);
  const voice = await Publisher.mix(rt, space.id, frequency);
  await host.client.post(`/api/v1/spaces/${space.id}/stage/${host.id}/unmute`);
  return { host, rt, space, voice };
}

const archived = (spaceId: string): number => {
  const file = path.join(scopeDir(t.config.dataDir, spaceId, 'archive'), 'index.m3u8');
  return existsSync(file) ? (readFileSync(file, 'utf8').match(/^a\d+\.ts$/gm)?.length ?? 0) : 0;
};

/** Makes a clip and waits for its cut; returns the clip and its decoded audio. */
async function clipOf(who: Client, spaceId: string, body: object) {
  const asked = performance.now();
  const made = await who.post(`/api/v1/spaces/${spaceId}/clips`, body);
  assert.equal(made.status, 201, JSON.stringify(made.body));
  let clip: any;
  await eventually(
    async () => {
      clip = (await who.get(`/api/v1/clips/${made.body.id}`)).body;
      return clip.state !== 'processing';
    },
    'the clip is cut',
    20_000,
  );
  assert.equal(clip.state, 'ready', JSON.stringify(clip));
  const readyMs = Math.round(performance.now() - asked);
  const audio = await fetch(clip.audio_url, { headers: { cookie: who.cookie ?? '' } });
  assert.equal(audio.status, 200);
  const file = path.join(scratch, `${clip.id}.m4a`);
  writeFileSync(file, Buffer.from(await audio.arrayBuffer()));
  const { stdout } = await run(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-f', 's16le', '-ac', '1', '-ar', String(PCM_RATE), 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  const pcm = new Int16Array(stdout.buffer, stdout.byteOffset, Math.floor(stdout.length / 2));
  const row = await t.server.services.storage.db
    .selectFrom('clips')
    .select(['method', 'bytes'])
    .where('id', '=', clip.id)
    .executeTakeFirstOrThrow();
  // What the docs quote: request to ready, the file's size, how it was cut.
  console.log(
    `clip ${clip.source} ${clip.duration_ms} ms: ${row.method}, ${row.bytes} bytes, ready ${readyMs} ms after the request`,
  );
  return { clip, pcm, file, seconds: await probeSeconds(file) };
}

/**
 * The share of `frequency` in each loud quarter second of `pcm` (quiet ones
 * are left out). Quarter seconds, so that a glitch of the live path (a click
 * when the busy machine delays a packet) spoils one window, not a second.
 */
function perWindow(pcm: Int16Array, frequency: number): { shares: number[]; windows: number } {
  const size = PCM_RATE / 4;
  const shares: number[] = [];
  let windows = 0;
  for (let at = 0; at + size <= pcm.length; at += size) {
    windows += 1;
    const window = pcm.subarray(at, at + size);
    if (meanPower(window) > 1_000) shares.push(toneShare(window, PCM_RATE, frequency));
  }
  return { shares, windows };
}

const share = (values: number[], above: number) =>
  values.filter((v) => v > above).length / Math.max(1, values.length);

test('a live clip holds the tone of the last 30 s, and none of the tone that played before them', async () => {
  const { host, rt, space, voice } = await speaking('Clip the end', false, 440);
  await eventually(() => archived(space.id) >= 6, 'six seconds of 440 Hz archived', 30_000);
  voice.tone.frequency = 660;
  const atSwitch = archived(space.id);
  // 30 s of 660 Hz and a margin of 3 s for the packager's delay behind the tone's switch.
  await eventually(() => archived(space.id) >= atSwitch + 33, '33 more seconds archived', 60_000);
  const listener = await t.user();
  const { clip, pcm, seconds } = await clipOf(listener.client, space.id, {});
  assert.equal(clip.source, 'live');
  assert.ok(Math.abs(seconds - 30) <= 1, `the clip lasts ${seconds} s`);
  assert.ok(meanPower(pcm) > 1_000, 'the clip is not silence');
  const now = perWindow(pcm, 660);
  const before = perWindow(pcm, 440);
  assert.ok(now.windows >= 116, `${now.windows} quarter seconds`);
  assert.ok(now.shares.length >= now.windows * 0.8, `${now.shares.length} loud quarter seconds`);
  // Not one window over the whole clip: its 0.03 Hz bins would miss a tone whose clock drifts
  // a little against the packager's wall clock (aresample), which quarter seconds tolerate.
  assert.ok(
    share(now.shares, 0.5) >= 0.8,
    `660 Hz in ${Math.round(share(now.shares, 0.5) * 100)} % of the loud quarter seconds: ${now.shares.map((v) => v.toFixed(2))}`,
  );
  assert.ok(
    before.shares.every((s) => s < 0.05),
    `no 440 Hz in any quarter second: max ${Math.max(...before.shares).toFixed(3)}`,
  );
  await voice.close();
  await host.client.post(`/api/v1/spaces/${space.id}/end`);
  await rt.close();
});

test('a replay clip has the requested duration within one segment, and holds what the stage said', async () => {
  const { host, rt, space, voice } = await speaking('Clip the replay', true, 550);
  await eventually(() => archived(space.id) >= 14, 'fourteen seconds recorded', 30_000);
  await voice.close();
  await host.client.post(`/api/v1/spaces/${space.id}/end`);
  let replay: any;
  await eventually(
    async () => {
      replay = (await t.client().get(`/api/v1/spaces/${space.id}/replay`)).body;
      return replay.state === 'ready';
    },
    'the replay',
    15_000,
  );
  const listener = await t.user();
  const range = { from_ms: 2_300, to_ms: 9_800 };
  const { clip, pcm, seconds } = await clipOf(listener.client, space.id, range);
  assert.equal(clip.source, 'replay');
  assert.equal(clip.start_ms, 2_300);
  assert.ok(Math.abs(seconds - 7.5) <= 1, `${seconds} s for a 7.5 s range`);
  const shares = perWindow(pcm, 550).shares;
  assert.ok(share(shares, 0.5) >= 0.8, `550 Hz in the clip: ${shares.map((v) => v.toFixed(2))}`);
  const whole = await clipOf(listener.client, space.id, { from_ms: 2_000, to_ms: 10_000 });
  assert.ok(Math.abs(whole.seconds - 8) <= 1, `${whole.seconds} s for an 8 s range on boundaries`);
  await rt.close();
});
