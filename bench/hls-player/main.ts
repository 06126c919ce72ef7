/**
 * The bench itself, inside the network namespace (see run.ts): a Salon server
 * with embedded Janus and the HLS packager (its ffmpeg wrapped to also write
 * the pre-issue-13 live playlist), one speaker on a stage, Chromium playing
 * both through the web app's playHls, and tone onsets until the time is up.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { cpus } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { scopeDir } from '../../server/src/streams/layout.js';
import { Publisher } from '../../server/test/media/support/publisher.js';
import { TEST_ICE_ADDRESS } from '../../server/test/media/support/stage.js';
import { RealtimeClient } from '../../server/test/support/realtime.js';
import { startTestServer } from '../../server/test/support/server.js';
import { loadHlsPlayerBenchConfig } from './config.js';
import { baselineOrigin, JitterProxy } from './network.js';

const config = loadHlsPlayerBenchConfig();
const root = path.resolve(import.meta.dirname, '../..');
const deadline = setTimeout(() => {
  console.error(`bench/hls-player: over the ${config.deadlineSeconds} s deadline`);
  process.exit(1);
}, config.deadlineSeconds * 1000);
deadline.unref();

/** The web app's live settings before issue 13 (with 1 s segments): the baseline. */
const BEFORE = {
  liveSyncDuration: 2,
  liveMaxLatencyDuration: 6,
  maxLiveSyncPlaybackRate: 1.1,
};
const now = () => performance.timeOrigin + performance.now();
const quantile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;

interface PlayerLog {
  name: string;
  changes: Array<{ on: boolean; at: number }>;
  playingAt: number | null;
  stalls: Array<{ at: number; ms: number }>;
  waitingEvents: number;
  fatal: string[];
  played: number;
}

const t = await startTestServer({
  env: {
    MEDIA: 'embedded',
    JANUS_ICE_ENFORCE_LIST: TEST_ICE_ADDRESS,
    HOST_MIN_FOLLOWERS: '0',
    FFMPEG_PATH: path.join(import.meta.dirname, 'ffmpeg-baseline.sh'),
    // One playlist URL for the whole run (the app would renew it every 30 s).
    HLS_PLAYLIST_TTL_SECONDS: '3600',
  },
});
let browser: Browser | null = null;
const closers: Array<() => Promise<void>> = [];
try {
  const host = await t.user();
  const rt = await RealtimeClient.connect(t.url, host.client);
  const space = (await host.client.post('/api/v1/spaces', { title: 'HLS player bench' })).body as {
    id: string;
  };
  await rt.subscribe(space.id);
  const voice = await Publisher.mix(rt, space.id, 440);
  await host.client.post(`/api/v1/spaces/${space.id}/stage/${host.id}/unmute`);
  const tone = voice.tone;
  tone.amplitude = 0.25;
  const hlsUrl = (await host.client.get(`/api/v1/spaces/${space.id}/listen?tier=hls`)).body
    .hls_url as string;

  const liveDir = scopeDir(t.config.dataDir, space.id, 'live');
  const baseDir = path.join(liveDir, '..', 'base');
  const listed = async (file: string) => {
    for (let i = 0; i < 200; i++) {
      if (
        await access(file).then(
          () => true,
          () => false,
        )
      )
        return;
      await sleep(100);
    }
    throw new Error(`no ${file} within 20 s`);
  };
  await listed(path.join(liveDir, 'index.m3u8'));
  await listed(path.join(baseDir, 'index.m3u8'));
  console.log('both live playlists written');

  // Both origins behind the jitter: Salon's (what listeners get) and the baseline's folder.
  const base = await baselineOrigin(baseDir);
  closers.push(base.stop);
  const salon = new URL(t.url);
  const salonProxy = await JitterProxy.start(
    { host: salon.hostname, port: Number(salon.port) },
    config.delayMs,
    config.jitterMs,
  );
  const baseProxy = await JitterProxy.start(
    { host: '127.0.0.1', port: base.port },
    config.delayMs,
    config.jitterMs,
  );
  closers.push(
    () => salonProxy.stop(),
    () => baseProxy.stop(),
  );
  const salonOrigin = `http://127.0.0.1:${salonProxy.port}`;
  const probe = await fetch(`http://127.0.0.1:${baseProxy.port}/base/index.m3u8`);
  if (!probe.ok)
    throw new Error(`the baseline origin does not serve its playlist (${probe.status})`);
  type Tuning = { replace: boolean; settings: Record<string, number> };
  const salonPlaylist = hlsUrl.replace(new URL(hlsUrl).origin, salonOrigin);
  const players: Array<{ name: string; url: string; tuning: Tuning }> = [
    {
      name: 'before',
      url: `http://127.0.0.1:${baseProxy.port}/base/index.m3u8`,
      tuning: { replace: true, settings: BEFORE },
    },
    { name: 'now', url: salonPlaylist, tuning: { replace: false, settings: {} } },
    ...config.extra.map(({ name, ...settings }) => ({
      name,
      url: salonPlaylist,
      tuning: { replace: false, settings: settings as Record<string, number> },
    })),
  ];

  const bundle = await build({
    entryPoints: [path.join(import.meta.dirname, 'page.mts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'error',
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--autoplay-policy=no-user-gesture-required',
      // Both origins are on loopback; the page (served by the route below) may reach them.
      '--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessRespectPreflightResults',
    ],
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.route(`${salonOrigin}/__bench/player.html`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html><body><script>${script.replaceAll('</script', '<\\/script')}</script></body></html>`,
    }),
  );
  await page.goto(`${salonOrigin}/__bench/player.html`);
  console.log('player page loaded');
  page.on('console', (m) => {
    if (m.type() === 'error') console.log('page:', m.text());
  });
  type PageApi = {
    benchStart(name: string, url: string, tuning: Tuning): Promise<void>;
    benchLogs: PlayerLog[];
    benchAppTuning: Record<string, number>;
  };
  // Evaluated in the page: each callback names the page's globals itself.
  for (const p of players)
    await page.evaluate(([n, u, tu]) => (globalThis as unknown as PageApi).benchStart(n, u, tu), [
      p.name,
      p.url,
      p.tuning,
    ] as const);
  const appTuning = await page.evaluate(() => (globalThis as unknown as PageApi).benchAppTuning);
  const about = (p: (typeof players)[number]) =>
    p.name === 'before'
      ? `the live playlist as before (1 s segments, 6 listed, no blocking reload), ${JSON.stringify(BEFORE)}`
      : `Salon's live playlist, ${JSON.stringify({ ...(p.tuning.replace ? {} : appTuning), ...p.tuning.settings })}` +
        (p.name === 'now' ? " (the app's LIVE_TUNING)" : '');
  const logs = () => page.evaluate(() => (globalThis as unknown as PageApi).benchLogs);
  const heard = (log: PlayerLog, on: boolean, after: number) =>
    log.changes.find((c) => c.on === on && c.at > after)?.at ?? null;

  // Warm-up: every player plays and hears the tone.
  const warm = now();
  for (;;) {
    const all = await logs();
    if (errors.length > 0) throw new Error(`page error: ${errors.join('; ')}`);
    if (all.every((l) => l.playingAt !== null && l.changes.at(-1)?.on)) break;
    if (now() - warm > 40_000)
      throw new Error(`players not all hearing the tone within 40 s: ${JSON.stringify(all)}`);
    await sleep(100);
  }
  console.log(`players started: ${players.map((p) => `${p.name} (${about(p)})`).join('; ')}`);

  const delays = new Map(players.map((p) => [p.name, [] as number[]]));
  const misses = new Map(players.map((p) => [p.name, 0]));
  const started = now();
  const measuredFrom = started;
  let seed = 7;
  const waitAll = async (on: boolean, after: number, timeoutMs: number) => {
    for (;;) {
      const all = await logs();
      const at = all.map((l) => heard(l, on, after));
      if (at.every((a) => a !== null) || now() - after > timeoutMs) return { all, at };
      await sleep(50);
    }
  };
  let onsets = 0;
  while (now() - started < config.seconds * 1000 && onsets < config.maxOnsets) {
    tone.amplitude = 0;
    const off = now();
    await waitAll(false, off, 15_000);
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    await sleep(300 + (seed % 1000));
    tone.amplitude = 0.25;
    const onset = now();
    const { all, at } = await waitAll(true, onset, 15_000);
    onsets += 1;
    const line = all.map((l, i) => {
      const a = at[i];
      if (a === null || a === undefined) {
        misses.set(l.name, (misses.get(l.name) ?? 0) + 1);
        return `${l.name} missed`;
      }
      delays.get(l.name)?.push((a - onset) / 1000);
      return `${l.name} ${((a - onset) / 1000).toFixed(2)} s`;
    });
    console.log(`onset ${onsets}: ${line.join(', ')}`);
  }
  const ended = now();
  const final = await logs();
  await voice.close();
  await rt.close();

  // ---- report -------------------------------------------------------------------------
  const minutes = (ended - measuredFrom) / 60_000;
  const rows = players.map((p) => {
    const d = [...(delays.get(p.name) ?? [])].sort((a, b) => a - b);
    const log = final.find((l) => l.name === p.name);
    const stalls = (log?.stalls ?? []).filter((s) => s.at >= measuredFrom && s.at < ended);
    const stalledMs = stalls.reduce((sum, s) => sum + s.ms, 0);
    return { p, d, log, stalls, stalledMs };
  });
  const when = new Date();
  const lines = [
    `# HLS at the player, ${when.toISOString()}`,
    '',
    `- ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, Node ${process.version}, ` +
      `Chromium (${browser.version()}) headless, hls.js light through web/src/audio/engine/hls.ts` +
      (config.quick ? '; QUICK mode' : ''),
    `- ${onsets} tone onsets over ${minutes.toFixed(1)} min at the speaker (a libwebrtc peer on the ` +
      'stage; off until every player heard it gone, then a 0.3–1.3 s pause); delay = onset → the ' +
      "page's analyser hears 440 Hz. All players in one page, the same onsets.",
    `- Between the players and the origins: ${config.delayMs} ± ${config.jitterMs} ms each way on ` +
      'every chunk (a user-space proxy: no netem in this kernel).',
    ...rows.map((r) => `- \`${r.p.name}\`: ${about(r.p)}`),
    '',
    '| Player | Delay p50 | p95 | min / max | onsets missed | Stalls | Stalled | Stalls / min | Fatal errors |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.p.name} | ${quantile(r.d, 0.5).toFixed(2)} s | ${quantile(r.d, 0.95).toFixed(2)} s | ` +
        `${r.d[0]?.toFixed(2)} / ${r.d.at(-1)?.toFixed(2)} s | ${misses.get(r.p.name)} | ` +
        `${r.stalls.length} | ${(r.stalledMs / 1000).toFixed(1)} s ` +
        `(${((100 * r.stalledMs) / (ended - measuredFrom)).toFixed(1)} %) | ` +
        `${(r.stalls.length / minutes).toFixed(2)} | ${r.log?.fatal.length ?? 0} |`,
    ),
    '',
    'Goal: p50 ≤ 2 s. A stall: playback not paused and currentTime not advancing (100 ms samples).',
    '',
  ];
  const table = lines.join('\n');
  console.log(`\n${table}`);
  for (const r of rows)
    if (r.stalls.length > 0 || (r.log?.fatal.length ?? 0) > 0)
      console.log(
        `${r.p.name} stalls (ms): ${r.stalls.map((s) => Math.round(s.ms)).join(', ')}` +
          `; waiting events ${r.log?.waitingEvents}; fatal ${JSON.stringify(r.log?.fatal)}`,
      );
  const results = path.join(root, 'bench/results');
  mkdirSync(results, { recursive: true });
  const file = path.join(
    results,
    `hls-player-${when.toISOString().slice(0, 10)}${config.quick ? '-quick' : ''}.md`,
  );
  writeFileSync(file, table);
  console.log(`written to ${path.relative(root, file)}`);
} catch (error) {
  console.error('bench/hls-player:', error);
  process.exitCode = 1;
} finally {
  await browser?.close().catch(() => {});
  for (const close of closers) await close().catch(() => {});
  await t.close();
}
process.exit(process.exitCode ?? 0);
