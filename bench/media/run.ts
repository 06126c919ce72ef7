/**
 * bench/media: mouth-to-ear latency (speaker → speaker, speaker → WebRTC
 * listener, and a direct wrtc call as the baseline) and Janus's CPU per
 * listener-second at 50/100/200 listeners. See README.md.
 *
 * Run with `npm run bench media` (scripts/bench.mjs runs this file with tsx
 * and a raised descriptor limit). The media runs in a network namespace
 * (bench/support/netns.ts): unless already inside one
 * (BENCH_MEDIA_IN_NETNS=1), this re-runs itself through scripts/netns-run.sh.
 */
import { runInNetns } from '../support/netns.js';
import { loadConfig } from './config.js';

const config = loadConfig(); // fail fast on a bad knob, before the namespace
await runInNetns({
  name: 'media',
  entry: import.meta.url,
  marker: 'BENCH_MEDIA_IN_NETNS',
  // BENCH_MEDIA_PAIRED: the paired comparison of two Janus configurations (paired.ts).
  body: () => import(process.env['BENCH_MEDIA_PAIRED'] === undefined ? './main.js' : './paired.js'),
  // The inner run has its own deadline; this one is the backstop.
  timeoutMs: (config.deadlineSeconds + 60) * 1000,
});
