/**
 * bench/captions: for each engine available in the run (pocketsphinx when
 * installed; whisper-http when CAPTIONS_URL is set), espeak-ng speaks every
 * sentence of sentences.txt through a libwebrtc peer into a VideoRoom feed
 * on a real Janus; the feed is rtp_forwarded, decoded by ffmpeg, cut by the
 * VAD and transcribed, exactly as in Salon. Reported: word error rate and
 * content-word recall, final delay (end of the utterance at the speaker →
 * final line) p50/p95, partial delay (start of speech → first partial),
 * the CPU the captions cost per captioned speaker (this process's ffmpeg
 * and engine children, per second of speech), and so how many speakers one
 * core keeps real-time. The listener's fan-out (CaptionsService, the bus,
 * the socket) is not in these numbers: see bench/realtime.
 *
 * `npm run bench captions`. Media needs a network namespace (Janus and
 * libwebrtc never use loopback for ICE): this re-runs itself through
 * scripts/netns-run.sh unless BENCH_CAPTIONS_IN_NETNS=1.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const INSIDE = 'BENCH_CAPTIONS_IN_NETNS';

if (process.env[INSIDE] === '1') {
  await import('./main.js');
} else {
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
      timeout: 30 * 60_000,
      killSignal: 'SIGKILL',
    },
  );
  if (result.error) console.error('bench/captions:', result.error.message);
  process.exit(result.status ?? 1);
}
