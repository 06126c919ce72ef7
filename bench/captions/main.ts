/** The body of bench/captions (run.ts puts it in a network namespace). */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
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
import { captionsCpuSoFar } from './cpu.js';
import { benchSalon, renderSalon } from './salon.js';
import { contentRecall, sentences, speak, wordErrorRate } from './speech.js';

/**
 * CPU seconds of the captions' processes so far: the ffmpeg decoders and the
 * engine's (runs, reaped or live, or a worker), from /proc (cpu.ts), whatever
 * shape the engine has; not this process, not Janus.
 */
function childrenCpuSeconds(): number {
  const c = captionsCpuSoFar();
  return c.decoders + c.engine;
}
/** The engine's part of childrenCpuSeconds(). */
function engineCpuSeconds(): number {
  return captionsCpuSoFar().engine;
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
  // espeak-ng and ffmpeg before the CPU is counted, which takes every child of this process.
  const speech = set.map((s) => speak(s, 48_000));
  const finalDelays: number[] = [];
  const partialDelays: number[] = [];
  let wer = 0;
  let recall = 0;
  let speechSeconds = 0;
  const cpuBefore = childrenCpuSeconds();
  const wallBefore = performance.now();
  for (const [i, sentence] of set.entries()) {
    const pcm = speech[i] ?? new Int16Array(0);
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

/**
 * How many speakers talking at the same time one core of decoding keeps
 * real-time: pocketsphinx limited to one run at a time (each run is
 * single-threaded), N feeds forwarded and decoded at once, every speaker
 * saying SLOTS sentences back to back (TURN_GAP_MS apart) without waiting
 * for their captions. An engine that cannot keep up builds a queue, so each
 * final comes later than the one before: a level keeps real-time when every
 * final comes and the last sentences' finals are no more than a second later
 * than the first ones'. Stops at the first level that does not.
 */
const LEVELS = [1, 2, 3, 4, 6, 8];
const SLOTS = 5;
const TURN_GAP_MS = 400;

interface Level {
  speakers: number;
  finalP50: number;
  finalP95: number;
  /** Mean final delay of the first and of the last sentence of each speaker. */
  firstMean: number;
  lastMean: number;
  missing: number;
  engineCores: number;
  decoderCores: number;
  /** pocketsphinx CPU-s per second of speech: what a core's capacity follows from, whatever the load. */
  cpuPerSpeechSecond: number;
  realtime: boolean;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

async function benchConcurrency(): Promise<Level[]> {
  const janus = await startJanus();
  const connection = await janus.connect();
  const session = await JanusSession.create(connection);
  const control = await VideoRoom.attach(session);
  const max = LEVELS.at(-1) ?? 1;
  const room = await control.createRoom({
    description: 'bench',
    publishers: max + 1,
    secret: SECRET,
  });
  const engine = new PocketsphinxEngine({ logger, concurrency: 1 });
  const set = sentences();
  const pcm = set.map((s) => speak(s, 48_000));
  const levels: Level[] = [];
  try {
    for (const n of LEVELS) {
      const publishers: SpeechPublisher[] = [];
      const speakers: ForwardedSpeaker[] = [];
      const finals: CaptionLine[][] = [];
      const arrivals = new Map<CaptionLine, number>();
      for (let i = 0; i < n; i++) {
        const publisher = await SpeechPublisher.publish({ session, room, id: 100 + i });
        publishers.push(publisher);
        const mine: CaptionLine[] = [];
        finals.push(mine);
        const pipeline = new SpeakerPipeline({
          spaceId: 'bench',
          speakerId: `speaker${i}`,
          language: 'en',
          engine,
          logger,
          sink: {
            publish: (l) => {
              if (l.kind !== 'final') return;
              arrivals.set(l, Date.now());
              mine.push(l);
            },
            speakerState: () => undefined,
          },
        });
        await waitFor('feed live', async () =>
          (await control.listParticipants(room)).some((p) => p.id === 100 + i && p.publisher),
        );
        const speaker = new ForwardedSpeaker(
          { control, room, secret: SECRET, feed: 100 + i, mid: publisher.mid },
          pipeline,
          logger,
        );
        await speaker.start();
        speakers.push(speaker);
      }
      await waitFor('decoders up', () => speakers.every((s) => s.decoderPid !== undefined));
      const pids = speakers.map((s) => s.decoderPid ?? 0);
      const decodersBefore = pids.map(cpuSecondsOf);
      const engineBefore = engineCpuSeconds();
      const wallBefore = performance.now();
      // Each speaker talks on, sentence after sentence: [start, end] of each, epoch ms.
      const said = await Promise.all(
        publishers.map(async (p, i) => {
          const spans: Array<[number, number]> = [];
          for (let slot = 0; slot < SLOTS; slot++) {
            const start = Date.now();
            const end = await p.say(pcm[(slot * max + i) % pcm.length] ?? new Int16Array(0));
            spans.push([start, end]);
            await new Promise((r) => setTimeout(r, TURN_GAP_MS));
          }
          return spans;
        }),
      );
      // A sentence's final: the last one whose utterance began within its span (the VAD may cut it in two).
      const finalOf = (i: number, slot: number) => {
        const [start, end] = said[i]?.[slot] ?? [0, 0];
        return (finals[i] ?? []).filter((l) => l.startMs >= start - 300 && l.startMs < end).at(-1);
      };
      await waitFor(
        `level ${n}: every final`,
        () => said.every((spans, i) => spans.every((_, slot) => finalOf(i, slot))),
        { timeoutMs: 30_000, intervalMs: 50 },
      ).catch(() => undefined);
      const wall = (performance.now() - wallBefore) / 1000;
      const delays: number[][] = said.map((spans, i) =>
        spans.flatMap(([, end], slot) => {
          const final = finalOf(i, slot);
          return final ? [(arrivals.get(final) ?? 0) - end] : [];
        }),
      );
      const all = delays.flat();
      const speech =
        publishers.reduce(
          (sum, _, i) =>
            sum +
            Array.from(
              { length: SLOTS },
              (_, slot) => pcm[(slot * max + i) % pcm.length]?.length ?? 0,
            ).reduce((a, b) => a + b, 0),
          0,
        ) / 48_000;
      const engineCpu = engineCpuSeconds() - engineBefore;
      const missing = n * SLOTS - all.length;
      const level: Level = {
        speakers: n,
        finalP50: percentile(all, 50),
        finalP95: percentile(all, 95),
        firstMean: mean(delays.map((d) => d[0] ?? Number.NaN)),
        lastMean: mean(delays.map((d) => d.at(-1) ?? Number.NaN)),
        missing,
        engineCores: engineCpu / wall,
        cpuPerSpeechSecond: engineCpu / speech,
        decoderCores:
          pids.reduce((sum, pid, i) => sum + cpuSecondsOf(pid) - (decodersBefore[i] ?? 0), 0) /
          wall,
        realtime: false,
      };
      level.realtime = missing === 0 && level.lastMean <= level.firstMean + 1_000;
      levels.push(level);
      console.log(
        `  ${n} at once: final p50 ${level.finalP50} ms, p95 ${level.finalP95} ms (first sentences ${Math.round(level.firstMean)} ms, last ${Math.round(level.lastMean)} ms), ${missing} missing; pocketsphinx ${(level.engineCores * 100).toFixed(0)} % of a core, ffmpeg decoders ${(level.decoderCores * 100).toFixed(0)} %, ${level.cpuPerSpeechSecond.toFixed(2)} CPU-s per second of speech => ${level.realtime ? 'real-time' : 'falls behind'}; ${loadAverage()}`,
      );
      for (const s of speakers) await s.stop({ abort: true });
      for (const p of publishers) await p.close();
      if (!level.realtime) break;
    }
  } finally {
    await engine.close();
    await control.destroyRoom(room, SECRET).catch(() => undefined);
    await connection.close();
    await janus.close();
  }
  return levels;
}

/** The machine's 1-minute load average: the bench shares 2 cores with whatever else runs. */
export function loadAverage(): string {
  return `load ${loadavg()[0]?.toFixed(1)}`;
}

/** CPU seconds of a live process, from /proc (0 once it is gone). */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
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
/** BENCH_CAPTIONS_ONLY=engine|levels|salon runs one part (all three by default). */
const only = process.env['BENCH_CAPTIONS_ONLY'];
const part = (name: string) => only === undefined || only === name;
console.log(
  `bench/captions: ${availableParallelism()} cores, engines: ${engines.map((e) => e.name).join(', ')}; ${loadAverage()}`,
);
for (const engine of engines) {
  if (!part('engine')) break;
  console.log(`\n${engine.name} (engine level, one speaker):`);
  const r = await benchEngine(engine);
  console.log(
    [
      `  WER ${(r.wer * 100).toFixed(1)} %, content-word recall ${(r.recall * 100).toFixed(1)} % over ${r.sentences} sentences`,
      `  final delay (end of utterance → final line at the engine) p50 ${r.finalP50} ms, p95 ${r.finalP95} ms`,
      `  partial delay (start of speech → first partial at the engine) p50 ${r.partialP50 ?? 'n/a'} ms (${r.partials} utterances had one)`,
      `  CPU: ${(r.cpuPerSpeakerCores * 100).toFixed(1)} % of a core while one speaker talks sentence after sentence (${r.cpuPerSpeechSecond.toFixed(2)} CPU-s per second of speech); ${loadAverage()}`,
    ].join('\n'),
  );
}
for (const engine of engines) await engine.close();

if (engines.some((e) => e.name === 'pocketsphinx')) {
  if (part('levels')) {
    console.log('\npocketsphinx, speakers talking at once on one core of decoding (engine level):');
    const levels = await benchConcurrency();
    const kept = levels.filter((l) => l.realtime).at(-1);
    console.log(
      `  => one core keeps ${kept?.speakers ?? 0} speakers talking at once real-time${levels.at(-1)?.realtime ? ` (the largest level tried; ${LEVELS.at(-1)} at most)` : ''}`,
    );
  }
  if (part('salon')) {
    console.log('\npocketsphinx through Salon (listener level):');
    const rounds = Number(process.env['BENCH_CAPTIONS_ROUNDS'] ?? 2);
    const result = await benchSalon({ rounds }).catch((error: unknown) => {
      console.error('bench/captions: the run through Salon failed:', error);
      process.exit(1);
    });
    console.log(renderSalon(result));
    console.log(`  ${loadAverage()}`);
  }
}
process.exit(0);
