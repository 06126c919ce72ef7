/**
 * bench/media: mouth-to-ear latency (speaker → speaker, speaker → WebRTC
 * listener, and a direct wrtc call as the baseline) and Janus's CPU per
 * listener-second at 50/100/200 listeners. See README.md.
 *
 * Run with `npm run bench media` (scripts/bench.mjs runs this file with tsx
 * and a raised descriptor limit). Janus and libwebrtc never use loopback for
 * ICE, so the media must run in a network namespace with a veth pair: unless
 * already inside one (BENCH_MEDIA_IN_NETNS=1), this re-runs itself through
 * scripts/netns-run.sh, whose PID namespace takes every process left behind
 * with it when the run ends.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './config.js';

const INSIDE = 'BENCH_MEDIA_IN_NETNS';

if (process.env[INSIDE] === '1') {
  // BENCH_MEDIA_PAIRED: the paired comparison of two Janus configurations (paired.ts).
  await import(process.env['BENCH_MEDIA_PAIRED'] === undefined ? './main.js' : './paired.js');
} else {
  const config = loadConfig(); // fail fast on a bad knob, before the namespace
  const root = path.resolve(import.meta.dirname, '../..');
  const result = spawnSync(
    'bash',
    [
      path.join(root, 'scripts/netns-run.sh'),
      '--',
      process.execPath,
      ...process.execArgv,
      fileURLToPath(import.meta.url),
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, [INSIDE]: '1' },
      // The inner run has its own deadline; this one is the backstop. SIGKILL of
      // unshare (--kill-child) ends the namespace and everything in it.
      timeout: (config.deadlineSeconds + 60) * 1000,
      killSignal: 'SIGKILL',
    },
  );
  if (result.error) console.error('bench/media:', result.error.message);
  process.exit(result.status ?? 1);
}
