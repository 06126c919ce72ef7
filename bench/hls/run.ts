/**
 * bench/hls: how far behind the stage an HLS listener is (tone at the
 * speaker → tone in a segment a player can fetch), and how many playlist +
 * segment requests Salon's origin answers per second with N concurrent
 * pollers, beside nginx serving the same folder in the same run. See
 * README.md.
 *
 * Run with `npm run bench hls`. The speaker is a libwebrtc peer and Janus
 * never uses loopback for ICE, so the bench runs in a network namespace
 * (bench/support/netns.ts): unless already inside one (BENCH_HLS_IN_NETNS=1),
 * this re-runs itself through scripts/netns-run.sh.
 */
import { runInNetns } from '../support/netns.js';
import { loadHlsBenchConfig } from './config.js';

const config = loadHlsBenchConfig(); // fail fast on a bad knob, before the namespace
await runInNetns({
  name: 'hls',
  entry: import.meta.url,
  marker: 'BENCH_HLS_IN_NETNS',
  body: () => import('./main.js'),
  timeoutMs: (config.deadlineSeconds + 60) * 1000,
});
