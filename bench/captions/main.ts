/** The body of bench/captions (run.ts puts it in a network namespace). */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import pino from 'pino';
import type { CaptionEngine } from '../../server/src/captions/engines/index.js';
import { PocketsphinxEngine } from '../../server/src/captions/engines/pocketsphinx.js';
import { WhisperHttpEngine } from '../../server/src/captions/engines/whisper-http.js';
import { ForwardedSpeaker } from '../../server/src/captions/pipeline/forward.js';
import { SpeakerPipeline } from '../../server/src/captions/pipeline/speaker.js';
import type { CaptionLine } from '../../server/src/captions/pipeline/types.js';
import { JanusSession } from '../../server/src/media/janus/session.js';
import { VideoRoom } from '../../server/src/media/janus/videoroom.js';
import { SpeechPublisher } from '../../server/test/media/support/speech-peer.js';
import { startJanus } from '../../server/test/media/support/stage.js';
import { waitFor } from '../../server/test/media/support/wait.js';
import { contentRecall, sentences, speak, wordErrorRate } from './speech.js';

/** CPU seconds (user + system) of this process's children so far, from /proc. */
function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // cutime and cstime are fields 16 and 17 (1-based), 14 and 15 after the comm.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

const logger = pino({ level: 'silent' });
const SECRET = 'bench-captions';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  );
}

async function benchEngine(engine: CaptionEngine) {
  const janus = await startJanus();
  const connection = await janus.connect();
  const session = await JanusSession.create(connection);
  const control = await VideoRoom.attach(session);
  const room = await control.createRoom({ description: 'bench', publishers: 2, secret: SECRET });
  const publisher = await SpeechPublisher.publish({ session, room, id: 1 });
  await waitFor('feed live', async () =>
    (await control.listParticipants(room)).some((p) => p.id === 1 && p.publisher),
  );
  const lines: CaptionLine[] = [];
  const arrivals = new Map<CaptionLine, number>();
  const pipeline = new SpeakerPipeline({
    spaceId: 'bench',
    speakerId: 'speaker',
    language: 'en',
    engine,
    logger,
    sink: {
      publish: (l) => {
        arrivals.set(l, Date.now());
        lines.push(l);
      },
      speakerState: () => undefined,
    },
  });
  const speaker = new ForwardedSpeaker(
    { control, room, secret: SECRET, feed: 1, mid: publisher.mid },
    pipeline,
    logger,
  );
  await speaker.start();
  const set = sentences();
  const finalDelays: number[] = [];
  const partialDelays: number[] = [];
  let wer = 0;
  let recall = 0;
  let speechSeconds = 0;
  const cpuBefore = childrenCpuSeconds();
  const wallBefore = performance.now();
  for (const [i, sentence] of set.entries()) {
    const pcm = speak(sentence, 48_000);
    speechSeconds += pcm.length / 48_000;
    const startedAt = Date.now();
    const endedAt = await publisher.say(pcm);
    const final = await waitFor(
      `final ${i + 1}`,
      () => lines.filter((l) => l.kind === 'final')[i],
      { timeoutMs: 60_000, intervalMs: 10 },
    );
    finalDelays.push((arrivals.get(final) ?? Date.now()) - endedAt);
    const partial = lines.find((l) => l.kind === 'partial' && l.utteranceId === final.utteranceId);
    if (partial) partialDelays.push((arrivals.get(partial) ?? 0) - startedAt);
    wer += wordErrorRate(sentence, final.text);
    recall += contentRecall(sentence, final.text);
    console.log(`  ${sentence} => ${final.text}`);
  }
  const wall = (performance.now() - wallBefore) / 1000;
  const cpu = childrenCpuSeconds() - cpuBefore;
  await speaker.stop();
  await publisher.close();
  await control.destroyRoom(room, SECRET).catch(() => undefined);
  await connection.close();
  await janus.close();
  // Children's CPU (ffmpeg decoding the whole run, silence too, and the engine's
  // runs) plus this process's share is not separable here; the children are the cost.
  const cpuPerSpeaker = cpu / wall;
  return {
    engine: engine.name,
    sentences: set.length,
    wer: wer / set.length,
    recall: recall / set.length,
    finalP50: percentile(finalDelays, 50),
    finalP95: percentile(finalDelays, 95),
    partialP50: partialDelays.length ? percentile(partialDelays, 50) : null,
    partials: partialDelays.length,
    speechSeconds,
    cpuPerSpeakerCores: cpuPerSpeaker,
    cpuPerSpeechSecond: cpu / speechSeconds,
    speakersPerCore: 1 / cpuPerSpeaker,
  };
}

const engines: CaptionEngine[] = [];
if (await PocketsphinxEngine.available()) engines.push(new PocketsphinxEngine({ logger }));
if (process.env['CAPTIONS_URL'])
  engines.push(
    new WhisperHttpEngine({
      url: process.env['CAPTIONS_URL'],
      apiKey: process.env['CAPTIONS_API_KEY'],
      model: process.env['CAPTIONS_MODEL'] ?? 'whisper-1',
      logger,
    }),
  );
if (engines.length === 0) {
  console.log('bench/captions: no engine available (npm run setup installs pocketsphinx)');
  process.exit(1);
}
console.log(
  `bench/captions: ${availableParallelism()} cores, engines: ${engines.map((e) => e.name).join(', ')}`,
);
for (const engine of engines) {
  console.log(`\n${engine.name}:`);
  const r = await benchEngine(engine);
  await engine.close();
  console.log(
    [
      `  WER ${(r.wer * 100).toFixed(1)} %, content-word recall ${(r.recall * 100).toFixed(1)} % over ${r.sentences} sentences`,
      `  final delay (end of utterance → final line) p50 ${r.finalP50} ms, p95 ${r.finalP95} ms`,
      `  partial delay (start of speech → first partial) p50 ${r.partialP50 ?? 'n/a'} ms (${r.partials} utterances had one)`,
      `  CPU: ${(r.cpuPerSpeakerCores * 100).toFixed(1)} % of a core per captioned speaker talking in turn (${r.cpuPerSpeechSecond.toFixed(2)} CPU-s per second of speech), so ~${r.speakersPerCore.toFixed(1)} speakers per core`,
    ].join('\n'),
  );
}
process.exit(0);
