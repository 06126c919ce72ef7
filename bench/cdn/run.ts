/**
 * bench/cdn: HLS at CDN scale. Players (HTTP clients that behave like hls.js)
 * behind the nginx proxy_cache of deploy/nginx/salon.conf, in front of two
 * Salon origins (real processes on PostgreSQL + Redis, one DATA_DIR), at
 * 100, 1,000 and 5,000 players; then, in the same run, the same players
 * straight to the origins (no cache) as the baseline. Counts the requests
 * that reach the origins (nginx's upstream log and Salon's /metrics), per
 * kind and per 1,000 players. 127.0.0.1 only; every phase is bounded in time.
 *
 * `npm run bench cdn`; `BENCH_QUICK=1` for a smoke run. See README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NginxEdge } from '../../server/test/deploy/support/nginx.js';
import {
  freePort,
  LIVE_SEGMENT_SECONDS,
  LiveStream,
  originRequests,
  startTopology,
} from '../../server/test/deploy/support/topology.js';
import { Client } from '../../server/test/support/client.js';
import { closePlayers, type PlayerStats, runPlayers } from './players.js';

const quick = process.env['BENCH_QUICK'] === '1';
const counts = (process.env['BENCH_CDN_PLAYERS'] ?? (quick ? '50,200' : '100,1000,5000'))
  .split(',')
  .map((s) => Number(s.trim()));
if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > 20_000))
  throw new Error('BENCH_CDN_PLAYERS must list whole numbers from 1 to 20000');
const seconds = Number(process.env['BENCH_CDN_SECONDS'] ?? (quick ? 5 : 12));
if (!Number.isFinite(seconds) || seconds < 2 || seconds > 120)
  throw new Error('BENCH_CDN_SECONDS must be from 2 to 120');
// hls.js reloads a live playlist about once per segment it adds.
const TARGET_MS = Math.round(LIVE_SEGMENT_SECONDS * 1000);
const root = path.resolve(import.meta.dirname, '../..');
const loadAtStart = loadavg()[0]!;

// Never longer than this, whatever happens.
const budgetMs = (counts.length * 3 * (seconds + 20) + 180) * 1000;
const watchdog = setTimeout(() => {
  console.error(`bench cdn: over its ${budgetMs / 1000} s budget, stopping`);
  void topology?.close().finally(() => process.exit(1));
}, budgetMs);

let topology: Awaited<ReturnType<typeof startTopology>> | undefined;
topology = await startTopology({ nginxWorkers: 1 });
const t = topology;
let stream: LiveStream | undefined;
let whatIf: NginxEdge | undefined;

/**
 * What-if, measured beside the deploy config but not shipped: the edge keeps
 * a space's live playlist for 1 s, one copy for every viewer, so their
 * tokens are no longer checked by the origin at each fetch (a removal or a
 * suspension would then stop nobody's playlist). It shows what the per-viewer
 * check costs the origins.
 */
const WHAT_IF = `    # What-if (bench only): live playlists cached 1 s per space, viewers unchecked.
    location ~ "^/hls/([0-9a-z]{20})/live/[^/]+/index\\.m3u8$" {
      proxy_pass http://salon;
      proxy_cache salon_hls;
      proxy_cache_key "live-playlist:$1";
      proxy_ignore_headers Cache-Control Expires;
      proxy_cache_valid 200 1s;
      proxy_cache_lock on;
      proxy_cache_lock_timeout 10s;
      # An expired copy is refreshed by one request while the others get the old
      # one (a second old at most while players poll; a fresh edge per phase).
      proxy_cache_use_stale updating;
      proxy_set_header Host $http_host;
      proxy_set_header Connection "";
      proxy_set_header Cookie "";
    }

    location /hls/ {`;

const PATHS = [
  'edge cache',
  'origins (no cache)',
  'what-if: edge caches live playlists 1 s',
] as const;
type Via = (typeof PATHS)[number];

interface Row {
  players: number;
  path: Via;
  stats: PlayerStats;
  seconds: number;
  originPlaylists: number;
  originSegments: number;
  /** Segments the origins answered 200 (the rest: 404 for a segment already deleted). */
  originSegmentsOk: number;
  originTotal: number;
}
const rows: Row[] = [];
const startWhatIf = async (players: number) =>
  NginxEdge.start({
    dir: path.join(t.dataDir, '..', `nginx-what-if-${players}`),
    port: await freePort(),
    upstreams: t.nodes.map((n) => new URL(n.url).host),
    workers: 1,
    transform: (conf) => {
      if (!conf.includes('    location /hls/ {')) throw new Error('no /hls/ location');
      return conf.replace('    location /hls/ {', WHAT_IF);
    },
  });

try {
  const host = new Client(t.edge.url);
  const reg = await host.post('/api/v1/auth/register', {
    handle: 'cdnhost',
    display_name: 'CDN host',
    password: 'correct horse battery',
  });
  if (reg.status !== 201) throw new Error(`register: ${reg.status}`);
  const created = await host.post('/api/v1/spaces', { title: 'CDN bench' });
  if (created.status !== 201) throw new Error(`create space: ${created.status}`);
  const spaceId = created.body.id as string;
  stream = await LiveStream.start(t.dataDir, spaceId);
  await stream.ready(3);

  const viewer = (i: number) => `g${i.toString(36)}x${Date.now().toString(36)}`;
  const playlistPath = (i: number) =>
    t.signer.issuePlaylist(spaceId, viewer(i), Date.now(), 600).path;
  const originTotal = async () =>
    (await Promise.all(t.nodes.map((n) => originRequests(n.url)))).reduce((a, b) => a + b);

  for (const players of counts) {
    for (const via of PATHS) {
      await sleep(1500); // the previous phase's stragglers drain
      if (via === PATHS[2]) whatIf = await startWhatIf(players);
      const edge = via === PATHS[0] ? t.edge : via === PATHS[1] ? null : whatIf!;
      const logBefore = edge?.lines().length ?? 0;
      const before = await originTotal();
      const started = Date.now();
      const stats = await runPlayers({
        count: players,
        seconds,
        targetDurationMs: TARGET_MS,
        playlistUrl: (i) => `${edge ? edge.url : t.nodes[i % 2]!.url}${playlistPath(i)}`,
      });
      const elapsed = (Date.now() - started) / 1000;
      await sleep(500); // nginx logs a request once it is over: let the last lines land
      const total = (await originTotal()) - before;
      const lines = edge ? edge.lines().slice(logBefore) : [];
      const fromEdge = (ext: string, ok = false) =>
        lines.filter(
          (l) => l.path.endsWith(ext) && l.upstream !== null && (!ok || l.status === 200),
        ).length;
      const row: Row = edge
        ? {
            players,
            path: via,
            stats,
            seconds: elapsed,
            originPlaylists: fromEdge('.m3u8'),
            originSegments: fromEdge('.ts'),
            originSegmentsOk: fromEdge('.ts', true),
            originTotal: total,
          }
        : {
            players,
            path: via,
            stats,
            seconds: elapsed,
            originPlaylists: stats.playlists,
            originSegments: stats.segments,
            originSegmentsOk: stats.segments,
            originTotal: total,
          };
      rows.push(row);
      await whatIf?.stop();
      whatIf = undefined;
      console.log(
        `${players} players, ${via}: ${stats.playlists} playlists + ${stats.segments} segments served, ` +
          `${stats.errors} errors ${JSON.stringify(Object.fromEntries(stats.errorKinds))}; origins answered ${total} (${row.originPlaylists} playlists, ${row.originSegments} segments; ` +
          `${stats.distinct.size} distinct segments)`,
      );
    }
  }
} finally {
  await stream?.stop();
  await whatIf?.stop();
  await t.close();
  closePlayers();
  clearTimeout(watchdog);
}

const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);
const table = [
  '| players | path | player requests/s (playlists + segments) | errors | origin requests/s: playlists | segments | total | per 1,000 players | origin 200s per distinct segment |',
  '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => {
    const perS = (n: number) => n / r.seconds;
    return `| ${r.players} | ${r.path} | ${f1(perS(r.stats.playlists))} + ${f1(perS(r.stats.segments))} | ${r.stats.errors} | ${f1(perS(r.originPlaylists))} | ${f1(perS(r.originSegments))} | ${f1(perS(r.originTotal))} | ${f1(perS(r.originTotal) / (r.players / 1000))} | ${r.stats.distinct.size ? f2(r.originSegmentsOk / r.stats.distinct.size) : '–'} |`;
  }),
].join('\n');
const machine = ` (${cpus().length} cores shared with the rest of the machine, 1-minute load ${loadAtStart.toFixed(1)} at the start)`;
const report = `# bench cdn, ${new Date().toISOString()}

${seconds} s per phase, players reload the live playlist every ${TARGET_MS} ms (${LIVE_SEGMENT_SECONDS} s segments), one nginx worker, two Salon origins, all on this machine${machine}.

${table}
`;
console.log(`\n${report}`);
const results = path.join(root, 'bench/results');
mkdirSync(results, { recursive: true });
writeFileSync(
  path.join(results, `cdn-${new Date().toISOString().replace(/[:.]/g, '-')}.md`),
  report,
);
process.exit(0);
