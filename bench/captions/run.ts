/**
 * bench/captions: for each engine available in the run (pocketsphinx when
 * installed; whisper-http when CAPTIONS_URL is set), espeak-ng speaks every
 * sentence of sentences.txt through a libwebrtc peer into a VideoRoom feed
 * on a real Janus; the feed is rtp_forwarded, decoded by ffmpeg, cut by the
 * VAD and transcribed, exactly as in Salon. Reported at the engine: word
 * error rate and content-word recall, final delay (end of the utterance at
 * the speaker → final line) p50/p95, partial delay (start of speech → first
 * partial), CPU per captioned speaker, and how many speakers talking at once
 * one core of decoding keeps real-time (measured level by level). Then, with
 * pocketsphinx, the same at a listener through a real Salon server (salon.ts):
 * 11 speakers in turn, delays at the listener's WebSocket, and the media
 * bench's tone check at a listener of the same node, with captions on and off.
 *
 * `npm run bench captions`. Media needs a network namespace
 * (bench/support/netns.ts): this re-runs itself through scripts/netns-run.sh
 * unless BENCH_CAPTIONS_IN_NETNS=1.
 */
import { runInNetns } from '../support/netns.js';

await runInNetns({
  name: 'captions',
  entry: import.meta.url,
  marker: 'BENCH_CAPTIONS_IN_NETNS',
  body: () => import('./main.js'),
  timeoutMs: 15 * 60_000,
});
