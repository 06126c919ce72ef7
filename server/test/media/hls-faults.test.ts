import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fetchPlaylist, newestAudio, PCM_RATE } from '../hls/support/player.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { Publisher } from './support/publisher.js';
import { TEST_ICE_ADDRESS } from './support/stage.js';
import { meanPower, toneShare } from './support/tone.js';

/**
 * Fault injection on the HLS tier, with the real Janus and ffmpeg: the
 * packager's ffmpeg killed with SIGKILL, and DATA_DIR made read-only while a
 * space starts (a read-only bind mount, which stops root too; the media tests
 * run in a private mount namespace, so the mount touches nothing outside).
 * The database lives outside DATA_DIR, so that DATA_DIR holds only the audio,
 * as in a deployment whose audio volume fails.
 */
let t: TestServer;
let mounted = false;
const dbDir = mkdtempSync(path.join(tmpdir(), 'salon-hls-faults-db-'));
before(async () => {
  t = await startTestServer({
    env: {
      DATABASE_URL: `sqlite:${path.join(dbDir, 'salon.db')}`,
      MEDIA: 'embedded',
      JANUS_ICE_ENFORCE_LIST: TEST_ICE_ADDRESS,
      HOST_MIN_FOLLOWERS: '0',
      HLS_FORWARD_HOST: TEST_ICE_ADDRESS,
    },
  });
});
after(async () => {
  if (mounted) execFileSync('umount', [t.config.dataDir]);
  await t?.close();
  rmSync(dbDir, { recursive: true, force: true });
});

async function speaking(title: string, frequency: number) {
  const u = await t.user();
  const rt = await RealtimeClient.connect(t.url, u.client);
  const space = (await u.client.post('/api/v1/spaces', { title })).body as { id: string };
  await rt.subscribe(space.id);
  const voice = await Publisher.mix(rt, space.id, frequency);
  await u.client.post(`/api/v1/spaces/${space.id}/stage/${u.id}/unmute`);
  const tier = await u.client.get(`/api/v1/spaces/${space.id}/listen?tier=hls`);
  assert.equal(tier.status, 200);
  const url = tier.body.hls_url as string;
  return {
    space,
    url,
    async end() {
      await voice.close();
      await u.client.post(`/api/v1/spaces/${space.id}/end`);
      await rt.close();
    },
  };
}

async function hearsTone(url: string, frequency: number): Promise<boolean> {
  const pcm = await newestAudio(url, 2).catch(() => new Int16Array(0));
  return (
    pcm.length >= PCM_RATE / 2 &&
    meanPower(pcm) > 1_000 &&
    toneShare(pcm, PCM_RATE, frequency) > 0.5
  );
}

/** The number of the newest segment in the live playlist, or -1. */
async function newestSegment(url: string): Promise<number> {
  const list = await fetchPlaylist(url);
  if (list.status !== 200 || list.segments.length === 0) return -1;
  return list.mediaSequence + list.segments.length - 1;
}

function metric(text: string, name: string): number {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

async function operations() {
  const metrics = await (await fetch(`${t.url}/metrics`)).text();
  const ready = await fetch(`${t.url}/readyz`);
  return {
    failing: metric(metrics, 'salon_hls_packagers_failing'),
    startFailures: metric(metrics, 'salon_hls_packager_start_failures_total'),
    readyStatus: ready.status,
    ready: (await ready.json()) as Record<string, unknown>,
  };
}

test('kill -9 of the packager: ffmpeg is started again and the live playlist goes on, with the tone', async (t2) => {
  const on = await speaking('Killed packager', 440);
  await eventually(() => hearsTone(on.url, 440), 'the tone in the live playlist', 30_000);
  const packager = t.server.services.media!.hls.packager(on.space.id)!;
  const pid = packager.pid!;
  const lastBefore = await newestSegment(on.url);

  process.kill(pid, 'SIGKILL');
  const killedAt = Date.now();
  await eventually(
    () => packager.pid !== undefined && packager.pid !== pid,
    'a new ffmpeg for the space',
    15_000,
  );
  const restartedIn = Date.now() - killedAt;
  // Segments numbered past the last one before the kill: the new ffmpeg appends to the same list.
  await eventually(
    async () => (await newestSegment(on.url)) >= lastBefore + 2,
    'new segments listed after the kill',
    30_000,
  );
  const listedIn = Date.now() - killedAt;
  await eventually(() => hearsTone(on.url, 440), 'the tone in the segments after the kill', 30_000);
  assert.equal(packager.restarts, 1);
  const list = await fetchPlaylist(on.url);
  assert.equal(list.ended, false, 'still live');
  t2.diagnostic(
    `ffmpeg (pid ${pid}) killed: running again in ${restartedIn} ms, new segments listed ${listedIn} ms after the kill, the tone heard in them ${Date.now() - killedAt} ms after`,
  );
  await on.end();
});

test('DATA_DIR read-only while a space starts: the failure shows in /metrics and /readyz, and the packager starts once it is writable again', async (t2) => {
  // The media tests run in scripts/netns-run.sh, whose namespaces include a private mount one.
  assert.ok(
    networkInterfaces()['v0'],
    'run inside scripts/netns-run.sh (a private mount namespace)',
  );
  const dir = t.config.dataDir;
  mkdirSync(path.join(dir, 'hls'), { recursive: true });
  execFileSync('mount', ['--bind', dir, dir]);
  mounted = true;
  execFileSync('mount', ['-o', 'remount,bind,ro', dir]);
  assert.throws(
    () => writeFileSync(path.join(dir, 'probe'), 'x'),
    /EROFS/,
    'read-only, even for root',
  );
  const failuresBefore = (await operations()).startFailures;

  const on = await speaking('Read-only audio folder', 660);
  await eventually(
    async () => {
      const o = await operations();
      return o.failing === 1 && o.startFailures >= failuresBefore + 2;
    },
    'a failing packager in /metrics, tried at least twice',
    30_000,
  );
  const failed = await operations();
  assert.equal(failed.ready['hls'], 'degraded');
  assert.equal(failed.readyStatus, 200, 'WebRTC listeners are still served');
  assert.equal((await fetchPlaylist(on.url)).status, 404, 'no playlist yet');
  assert.equal(existsSync(path.join(dir, 'hls', on.space.id)), false);

  execFileSync('umount', [dir]);
  mounted = false;
  const restoredAt = Date.now();
  await eventually(
    () => hearsTone(on.url, 660),
    'the packager to start within the backoff, and the tone in its segments',
    60_000,
  );
  const heardIn = Date.now() - restoredAt;
  const recovered = await operations();
  assert.equal(recovered.failing, 0);
  assert.equal(recovered.ready['hls'], 'ok');
  // The archive's 1 s segments come after the live playlist's first 0.512 s ones.
  await eventually(
    () => existsSync(path.join(dir, 'hls', on.space.id, 'archive', 'index.m3u8')),
    'the moderation copy to be written too',
    15_000,
  );
  t2.diagnostic(
    `${failed.startFailures - failuresBefore} failed starts while read-only; after the folder was writable again the tone was in the live playlist ${heardIn} ms later`,
  );
  await on.end();
});
