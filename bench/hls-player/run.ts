/**
 * bench/hls-player: how far behind the stage an HLS listener *hears* it.
 * Chromium plays the live stream through the web app's own hls.js setup
 * (web/src/audio/engine/hls.ts), a WebAudio analyser in the page detects the
 * speaker's tone; the settings before issue 13 (1 s segments, hls.js 2 s
 * behind the edge) play in the same page at the same time, for the baseline.
 * Delay p50/p95 and rebuffering per player, with jitter between the players
 * and the origins. See ../hls/README.md ("At the player").
 *
 * Run with `npm run bench hls-player` (BENCH_QUICK=1 for a short check). The
 * speaker is a libwebrtc peer and Janus never uses loopback for ICE, so the
 * body runs in a network namespace (bench/support/netns.ts).
 */
import { runInNetns } from '../support/netns.js';
import { loadHlsPlayerBenchConfig } from './config.js';

const config = loadHlsPlayerBenchConfig(); // fail fast on a bad knob, before the namespace
await runInNetns({
  name: 'hls-player',
  entry: import.meta.url,
  marker: 'BENCH_HLS_PLAYER_IN_NETNS',
  body: () => import('./main.js'),
  timeoutMs: (config.deadlineSeconds + 60) * 1000,
});
