/**
 * bench/hls: how far behind the stage an HLS listener is (tone at the
 * speaker → tone in a segment a player can fetch), and how many playlist +
 * segment requests Salon's origin answers per second with N concurrent
 * pollers, beside nginx serving the same folder in the same run. See
 * README.md.
 *
 * Run with `npm run bench hls`. The speaker is a libwebrtc peer and Janus
 * never uses loopback for ICE, so the bench runs in a network namespace:
 * unless already inside one (BENCH_HLS_IN_NETNS=1), this re-runs itself
 * through scripts/netns-run.sh, whose PID namespace takes every process left
 * behind (Janus, ffmpeg, nginx) with it when the run ends.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadHlsBenchConfig } from './config.js';

const INSIDE = 'BENCH_HLS_IN_NETNS';

if (process.env[INSIDE] === '1') {
  await import('./main.js');
} else {
  const config = loadHlsBenchConfig(); // fail fast on a bad knob, before the namespace
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
      timeout: (config.deadlineSeconds + 60) * 1000,
      killSignal: 'SIGKILL',
    },
  );
  if (result.error) console.error('bench/hls:', result.error.message);
  process.exit(result.status ?? 1);
}
