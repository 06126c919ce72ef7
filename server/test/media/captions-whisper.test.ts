import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { speak } from '../../../bench/captions/speech.js';
import { EngineDownError } from '../../src/captions/engines/index.js';
import { parseWav } from '../../src/captions/engines/wav.js';
import { WhisperHttpEngine } from '../../src/captions/engines/whisper-http.js';
import { SpeakerPipeline } from '../../src/captions/pipeline/speaker.js';
import type { CaptionLine } from '../../src/captions/pipeline/types.js';
import { waitFor } from './support/wait.js';

// The whisper-http engine against a server that implements OpenAI's
// POST /v1/audio/transcriptions honestly: it parses the multipart body (with
// the platform's own multipart parser), checks the WAV header, sample rate
// and duration, the model, language and response format, and answers in
// verbose_json. It can be made slow or failing.

const logger = pino({ level: 'silent' });

interface Seen {
  model: string;
  language: string;
  format: string;
  sampleRate: number;
  channels: number;
  durationMs: number;
  auth: string | undefined;
}

const server = {
  mode: 'ok' as 'ok' | 'slow' | 'down' | 'bad',
  /** Answer 503 to this many requests before answering normally. */
  failFirst: 0,
  requests: 0,
  seen: [] as Seen[],
  url: '',
};

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const http = createServer(async (req, res) => {
  server.requests++;
  const send = (status: number, value: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  };
  if (req.method !== 'POST' || req.url !== '/v1/audio/transcriptions')
    return send(404, { error: { message: 'not found' } });
  const raw = await body(req);
  if (server.mode === 'down' || server.failFirst > 0) {
    server.failFirst = Math.max(0, server.failFirst - 1);
    return send(503, { error: { message: 'overloaded' } });
  }
  if (server.mode === 'slow') {
    await new Promise((r) => setTimeout(r, 2_000));
    if (res.destroyed) return;
  }
  let form: FormData;
  try {
    form = await new Response(raw, {
      headers: { 'content-type': req.headers['content-type'] ?? '' },
    }).formData();
  } catch {
    return send(400, { error: { message: 'not multipart/form-data' } });
  }
  const file = form.get('file');
  if (!(file instanceof Blob)) return send(400, { error: { message: 'file missing' } });
  let wav: ReturnType<typeof parseWav>;
  try {
    wav = parseWav(Buffer.from(await file.arrayBuffer()));
  } catch (error) {
    return send(400, { error: { message: `bad WAV: ${String(error)}` } });
  }
  if (wav.durationMs < 100 || wav.durationMs > 30_000)
    return send(400, { error: { message: `duration ${wav.durationMs} ms` } });
  server.seen.push({
    model: String(form.get('model')),
    language: String(form.get('language')),
    format: String(form.get('response_format')),
    sampleRate: wav.sampleRate,
    channels: wav.channels,
    durationMs: wav.durationMs,
    auth: req.headers.authorization,
  });
  if (server.mode === 'bad') return send(400, { error: { message: 'refused' } });
  // What it "heard" names the audio's own length, so the test knows the right WAV arrived.
  const seconds = (wav.durationMs / 1000).toFixed(1);
  send(200, {
    task: 'transcribe',
    language: 'english',
    duration: wav.durationMs / 1000,
    text: ` heard ${seconds} seconds`,
    segments: [
      {
        id: 0,
        start: 0,
        end: wav.durationMs / 1000,
        text: ` heard ${seconds} seconds`,
        no_speech_prob: 0.01,
        avg_logprob: -0.2,
      },
      {
        id: 1,
        start: 0,
        end: 0.1,
        text: ' thank you for watching',
        no_speech_prob: 0.9,
        avg_logprob: -1.5,
      },
    ],
  });
});

before(async () => {
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  server.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => http.close(() => r())));

function reset(mode: typeof server.mode, failFirst = 0) {
  server.mode = mode;
  server.failFirst = failFirst;
  server.requests = 0;
  server.seen = [];
}

function engine(extra: Partial<ConstructorParameters<typeof WhisperHttpEngine>[0]> = {}) {
  return new WhisperHttpEngine({
    url: server.url,
    apiKey: 'sk-test',
    model: 'small.en',
    logger,
    timeoutMs: 1_000,
    backoffMs: 20,
    ...extra,
  });
}

const utterance = () => speak('we will meet at the station tomorrow morning', 16_000);

test('an utterance goes as a 16 kHz mono WAV with model, language and verbose_json; the text comes back without no-speech segments', async () => {
  reset('ok');
  const pcm = utterance();
  const text = await engine().transcribe(pcm, { language: 'en-US' });
  const durationMs = (pcm.length / 16_000) * 1000;
  assert.equal(text, `heard ${(durationMs / 1000).toFixed(1)} seconds`);
  assert.deepEqual(server.seen, [
    {
      model: 'small.en',
      language: 'en',
      format: 'verbose_json',
      sampleRate: 16_000,
      channels: 1,
      durationMs,
      auth: 'Bearer sk-test',
    },
  ]);
});

test('503s are retried with backoff: the third attempt answers', async () => {
  reset('ok', 2);
  const text = await engine({ attempts: 3 }).transcribe(utterance(), { language: 'en' });
  assert.match(text, /^heard \d+\.\d seconds$/);
  assert.equal(server.requests, 3);
});

test('a provider slower than the timeout, every time, is down (EngineDownError) after the attempts', async () => {
  reset('slow');
  await assert.rejects(
    engine({ attempts: 2, timeoutMs: 300 }).transcribe(utterance(), { language: 'en' }),
    EngineDownError,
  );
  assert.equal(server.requests, 2);
});

test('a 400 is not retried and is not "down": the line is lost, the speaker not paused', async () => {
  reset('bad');
  const e = engine();
  await assert.rejects(e.transcribe(utterance(), { language: 'en' }), (error: Error) => {
    assert.equal(error.name, 'RequestRefused');
    return true;
  });
  assert.equal(server.requests, 1);
});

test('requests in flight are bounded by the engine, whatever the speakers', async () => {
  reset('slow');
  let inFlight = 0;
  let peak = 0;
  const counting = createServer(async (req, res) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await body(req);
    await new Promise((r) => setTimeout(r, 150));
    inFlight--;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"text":"ok"}');
  });
  await new Promise<void>((r) => counting.listen(0, '127.0.0.1', r));
  const e = new WhisperHttpEngine({
    url: `http://127.0.0.1:${(counting.address() as AddressInfo).port}/v1`,
    model: 'm',
    logger,
    concurrency: 2,
  });
  const pcm = utterance();
  const texts = await Promise.all(
    Array.from({ length: 6 }, () => e.transcribe(pcm, { language: 'en' })),
  );
  await new Promise<void>((r) => counting.close(() => r()));
  assert.deepEqual(texts, Array(6).fill('ok'));
  assert.equal(peak, 2);
});

test('a language Whisper lacks is refused before any request', async () => {
  reset('ok');
  const e = engine();
  assert.equal(e.supports('tlh'), false);
  await assert.rejects(e.transcribe(utterance(), { language: 'tlh' }), /no language/);
  assert.equal(server.requests, 0);
});

test('the pipeline says paused while the provider is down and running when it is back; finals carry the speaker', async () => {
  reset('down');
  const lines: CaptionLine[] = [];
  const states: string[] = [];
  const pipeline = new SpeakerPipeline({
    spaceId: 'sp',
    speakerId: 'carol',
    language: 'en',
    engine: engine({ attempts: 2 }),
    logger,
    sink: { publish: (l) => lines.push(l), speakerState: (_s, _u, st) => states.push(st) },
  });
  const quiet = new Int16Array(16_000);
  pipeline.push(quiet);
  pipeline.push(utterance());
  pipeline.push(quiet);
  await waitFor('paused', () => states.includes('paused'));
  assert.equal(lines.length, 0);
  reset('ok');
  pipeline.push(utterance());
  pipeline.push(quiet);
  await waitFor('a final', () => lines.length === 1);
  await pipeline.stop();
  assert.deepEqual(states, ['paused', 'running']);
  assert.equal(lines[0]?.kind, 'final');
  assert.equal(lines[0]?.speakerId, 'carol');
  assert.equal(lines[0]?.engine, 'whisper-http');
  assert.match(lines[0]?.text ?? '', /^heard \d+\.\d seconds$/);
});
