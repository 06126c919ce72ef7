/**
 * The bench itself, inside the network namespace (see run.ts): a Salon
 * server with embedded Janus and the HLS packager, one speaker on a stage,
 * then (1) the HLS delay over repeated tone onsets, (2) origin throughput
 * with N pollers against Salon and against nginx on the same folder.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { hlsRoot } from '../../server/src/streams/layout.js';
import {
  decodeSegments,
  fetchPlaylist,
  fetchSegment,
  PCM_RATE,
} from '../../server/test/hls/support/player.js';
import { Publisher } from '../../server/test/media/support/publisher.js';
import { TEST_ICE_ADDRESS } from '../../server/test/media/support/stage.js';
import { meanPower, toneShare } from '../../server/test/media/support/tone.js';
import { RealtimeClient } from '../../server/test/support/realtime.js';
import { startTestServer } from '../../server/test/support/server.js';
import { loadHlsBenchConfig } from './config.js';
import { Nginx } from './nginx.js';

const config = loadHlsBenchConfig();
const root = path.resolve(import.meta.dirname, '../..');
const deadline = setTimeout(() => {
  console.error(`bench/hls: over the ${config.deadlineSeconds} s deadline`);
  process.exit(1);
}, config.deadlineSeconds * 1000);
deadline.unref();

const canPin = spawnSync('taskset', ['-V']).status === 0 && cpus().length >= 2;
const pinned = config.pin && canPin;
// The server (and Janus, ffmpeg, nginx) on core 0; the load generator on core 1.
if (pinned)
  execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });

const TONE = 440;
const quantile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;

function toneIn(pcm: Int16Array): boolean {
  const block = PCM_RATE / 20; // 50 ms
  for (let i = 0; i + block <= pcm.length; i += block) {
    const window = pcm.subarray(i, i + block);
    if (meanPower(window) > 1_000 && toneShare(window, PCM_RATE, TONE) > 0.5) return true;
  }
  return false;
}

const t = await startTestServer({
  env: {
    MEDIA: 'embedded',
    JANUS_ICE_ENFORCE_LIST: TEST_ICE_ADDRESS,
    HOST_MIN_FOLLOWERS: '0',
  },
});
let nginx: Nginx | null = null;
try {
  const host = await t.user();
  const rt = await RealtimeClient.connect(t.url, host.client);
  const space = (await host.client.post('/api/v1/spaces', { title: 'HLS bench' })).body as {
    id: string;
  };
  await rt.subscribe(space.id);
  const voice = await Publisher.mix(rt, space.id, TONE);
  await host.client.post(`/api/v1/spaces/${space.id}/stage/${host.id}/unmute`);
  // The bench switches the speaker's tone on and off at the source (a test peer's generator).
  const tone = voice.tone;
  tone.amplitude = 0;
  const url = (await host.client.get(`/api/v1/spaces/${space.id}/listen?tier=hls`)).body
    .hls_url as string;

  // ---- 1. delay: tone at the speaker → tone in a segment the player fetched -------------
  const seen = new Set<string>();
  const fresh = async (): Promise<Array<{ uri: string; at: number; pcm: Int16Array }>> => {
    const list = await fetchPlaylist(url);
    const out = [];
    for (const segment of list.segments) {
      if (seen.has(segment.uri)) continue;
      seen.add(segment.uri);
      const body = await fetchSegment(url, segment.uri);
      out.push({ uri: segment.uri, at: performance.now(), pcm: await decodeSegments([body]) });
    }
    return out;
  };
  const until = async (check: (pcm: Int16Array) => boolean, timeoutMs: number) => {
    const start = performance.now();
    while (performance.now() - start < timeoutMs) {
      for (const s of await fresh()) if (check(s.pcm)) return s.at;
      await sleep(config.pollMs);
    }
    return null;
  };
  // The packager is up once a segment is listed.
  if ((await until(() => true, 20_000)) === null) throw new Error('no HLS segment within 20 s');
  const delays: number[] = [];
  let seed = 7;
  for (let i = 0; i < config.onsets; i++) {
    tone.amplitude = 0;
    if ((await until((pcm) => !toneIn(pcm), 10_000)) === null)
      throw new Error('the tone did not stop');
    // A random phase against segment boundaries, so the onsets sample every position.
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    await sleep(300 + (seed % 1000));
    await fresh();
    tone.amplitude = 0.25;
    const onset = performance.now();
    const at = await until(toneIn, 10_000);
    if (at === null) throw new Error('the tone never reached a segment');
    delays.push((at - onset) / 1000);
    process.stdout.write(
      `onset ${i + 1}/${config.onsets}: ${((at - onset) / 1000).toFixed(2)} s\n`,
    );
  }
  tone.amplitude = 0.25;
  delays.sort((a, b) => a - b);

  // ---- 2. origin throughput: Salon vs nginx on the same files ------------------------
  const load = (target: string, pollers: number) =>
    new Promise<{ rps: number; errors: number; requests: number; p50ms: number; p99ms: number }>(
      (resolve, reject) => {
        const args = [
          ...process.execArgv,
          path.join(import.meta.dirname, 'load.ts'),
          target,
          String(pollers),
          String(config.windowSeconds),
        ];
        const child = pinned
          ? spawn('taskset', ['-c', '1', process.execPath, ...args], {
              stdio: ['ignore', 'pipe', 'inherit'],
            })
          : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
        });
        child.on('close', (code) => {
          if (code !== 0) return reject(new Error(`load generator exited ${code}`));
          resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}'));
        });
      },
    );
  nginx = await Nginx.start({
    hlsRoot: hlsRoot(t.config.dataDir),
    port: 18_000 + (process.pid % 1000),
    workers: 1,
    ...(pinned ? { pinCore: 0 } : {}),
  });
  const nginxUrl = url.replace(new URL(url).origin, `http://127.0.0.1:${nginx.port}`);
  const check = await fetch(nginxUrl);
  if (!check.ok) throw new Error(`nginx does not serve the playlist (${check.status})`);
  const rows: Array<{
    pollers: number;
    salon: Awaited<ReturnType<typeof load>>;
    nginx: Awaited<ReturnType<typeof load>>;
  }> = [];
  for (const pollers of config.pollerLevels) {
    const salon = await load(url, pollers);
    const base = await load(nginxUrl, pollers);
    rows.push({ pollers, salon, nginx: base });
    console.log(
      `${pollers} pollers: Salon ${salon.rps.toFixed(0)} req/s, nginx ${base.rps.toFixed(0)} req/s`,
    );
  }

  await voice.close();
  await rt.close();

  // ---- report -------------------------------------------------------------------------
  const now = new Date();
  const p50 = quantile(delays, 0.5);
  const p95 = quantile(delays, 0.95);
  const lines = [
    `# HLS bench, ${now.toISOString()}`,
    '',
    `- ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, Node ${process.version}, ` +
      `${execFileSync('ffmpeg', ['-version']).toString().split('\n')[0]}; ` +
      (pinned
        ? 'server, Janus, ffmpeg and nginx on core 0, load generator on core 1'
        : 'not pinned') +
      (config.quick ? '; QUICK mode' : ''),
    `- Delay: ${delays.length} tone onsets at the speaker (a libwebrtc peer on the stage), ` +
      `random phase against segment boundaries; the player polls the live playlist every ` +
      `${config.pollMs} ms and fetches and decodes each new segment; delay = onset → the ` +
      'fetch of the first segment holding the tone. 0.512 s AAC segments (the live playlist).',
    `- Throughput: each poller loops "GET playlist, GET its newest segment" over keep-alive ` +
      `connections for ${config.windowSeconds} s after a 1 s warm-up; Salon serves signed URLs ` +
      '(HMAC checked per request), nginx (1 worker, sendfile) the same files ' +
      'with the token ignored.',
    '',
    '| Measure | Result | Goal |',
    '| --- | --- | --- |',
    `| HLS delay p50 | ${p50.toFixed(2)} s | ≤ 3 s |`,
    `| HLS delay p95 | ${p95.toFixed(2)} s | |`,
    `| HLS delay min / max | ${delays[0]?.toFixed(2)} / ${delays.at(-1)?.toFixed(2)} s | |`,
    '',
    '| Pollers | Salon req/s | Salon p50 / p99 ms | nginx req/s | nginx p50 / p99 ms | Salon ÷ nginx | Goal |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.pollers} | ${r.salon.rps.toFixed(0)}${r.salon.errors ? ` (${r.salon.errors} errors)` : ''} | ` +
        `${r.salon.p50ms.toFixed(1)} / ${r.salon.p99ms.toFixed(1)} | ` +
        `${r.nginx.rps.toFixed(0)}${r.nginx.errors ? ` (${r.nginx.errors} errors)` : ''} | ` +
        `${r.nginx.p50ms.toFixed(1)} / ${r.nginx.p99ms.toFixed(1)} | ` +
        `${(r.salon.rps / r.nginx.rps).toFixed(2)} | ≥ 0.5 |`,
    ),
    '',
    'A player adds its own buffer on top of the delay above: the web app keeps hls.js 1.2 s ' +
      'behind the live edge; `npm run bench hls-player` measures the delay as a listener hears ' +
      'it; X Spaces listeners are ~9–15 s behind.',
    '',
  ];
  const table = lines.join('\n');
  console.log(`\n${table}`);
  const results = path.join(root, 'bench/results');
  mkdirSync(results, { recursive: true });
  const file = path.join(
    results,
    `hls-${now.toISOString().slice(0, 10)}${config.quick ? '-quick' : ''}.md`,
  );
  writeFileSync(file, table);
  console.log(`written to ${path.relative(root, file)}`);
} catch (error) {
  console.error('bench/hls:', error);
  process.exitCode = 1;
} finally {
  await nginx?.stop();
  await t.close();
}
process.exit(process.exitCode ?? 0);
