/**
 * The pocketsphinx child (started by `PocketsphinxEngine`, never imported):
 * a small pool of long-lived decoders, each loaded once and reused across
 * utterances, fed over the IPC channel as audio arrives. Out of the server's
 * event loop, and crash-isolated: a fault in the native library kills this
 * process only, and the engine starts another.
 *
 * Messages in: `open` (an utterance; `key` is the speaker, whose last decoder
 * is preferred so its cepstral normalisation stays tuned to that voice),
 * `push` (PCM), `hyp` and `end` (answered with `reply`), `abort`. When every
 * decoder is busy an utterance waits with its audio kept, and is decoded
 * once one frees or loads. Out: `ready` once the first decoder is loaded, `reply`.
 */
import { SphinxDecoder } from './sphinx.js';

export interface WorkerConfig {
  modelDir?: string;
  decoders: number;
}

export type WorkerRequest =
  | { op: 'open'; id: number; key: string }
  | { op: 'push'; id: number; pcm: Int16Array }
  | { op: 'hyp' | 'end'; id: number; req: number }
  | { op: 'abort'; id: number };

export type WorkerReply =
  | { op: 'ready' }
  | { op: 'reply'; req: number; text: string }
  | { op: 'reply'; req: number; error: string };

interface Slot {
  decoder: SphinxDecoder;
  lastKey: string | null;
  busy: boolean;
}

interface Utterance {
  key: string;
  slot: Slot | null;
  backlog: Int16Array[];
  /** `end` arrived while it waited for a decoder. */
  endReq: number | null;
}

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
const poolSize = Math.max(1, config.decoders);
const slots: Slot[] = [];
/** Decoders being loaded (each on a thread of its own). */
let loading = 0;
const utterances = new Map<number, Utterance>();
const waiting: number[] = [];

/** Decoders loaded when the child starts (the first before it says it is ready). */
const STARTUP_DECODERS = 2;

function send(message: WorkerReply): void {
  process.send?.(message);
}

function fail(error: unknown, code: number): never {
  process.stderr.write(`pocketsphinx worker: ${String(error)}\n`);
  process.exit(code);
}

/**
 * Loads one more decoder off this thread: the streams being decoded here
 * go on while it loads (a load on this thread held them all for ~0.6 s of
 * CPU, the first words of a space included). Utterances waiting for a
 * decoder get it once it is in.
 */
async function load(): Promise<void> {
  loading++;
  try {
    slots.push({ decoder: await SphinxDecoder.load(config.modelDir), lastKey: null, busy: false });
  } catch (error) {
    fail(error, 78);
  } finally {
    loading--;
  }
  drain();
}

/**
 * A free decoder: the speaker's last one, else any idle. With none, for an
 * utterance that opens (`opening`), one more is loaded while the pool has
 * room and every load under way is already owed to an utterance waiting
 * before it; it then waits.
 */
function acquire(key: string, opening = false): Slot | null {
  const idle = slots.filter((s) => !s.busy);
  const slot =
    idle.find((s) => s.lastKey === key) ?? idle.find((s) => s.lastKey === null) ?? idle[0];
  if (!slot) {
    if (opening && slots.length + loading < poolSize && waiting.length >= loading) void load();
    return null;
  }
  slot.busy = true;
  slot.lastKey = key;
  slot.decoder.start();
  return slot;
}

function release(u: Utterance): void {
  if (u.slot) u.slot.busy = false;
  u.slot = null;
  drain();
}

/** Hands free decoders to the utterances waiting, in order. */
function drain(): void {
  while (waiting.length > 0) {
    const id = waiting[0] as number;
    const next = utterances.get(id);
    if (!next) {
      waiting.shift();
      continue;
    }
    const slot = acquire(next.key);
    if (!slot) return;
    waiting.shift();
    next.slot = slot;
    for (const pcm of next.backlog) slot.decoder.push(pcm);
    next.backlog = [];
    if (next.endReq !== null) finish(id, next, next.endReq);
  }
}

function finish(id: number, u: Utterance, req: number): void {
  const text = u.slot?.decoder.end() ?? '';
  utterances.delete(id);
  release(u);
  send({ op: 'reply', req, text });
}

function handle(m: WorkerRequest): void {
  switch (m.op) {
    case 'open': {
      const u: Utterance = { key: m.key, slot: acquire(m.key, true), backlog: [], endReq: null };
      utterances.set(m.id, u);
      if (!u.slot) waiting.push(m.id);
      return;
    }
    case 'push': {
      const u = utterances.get(m.id);
      if (!u) return;
      if (u.slot) u.slot.decoder.push(m.pcm);
      else u.backlog.push(m.pcm);
      return;
    }
    case 'hyp': {
      const u = utterances.get(m.id);
      send({ op: 'reply', req: m.req, text: u?.slot?.decoder.hyp() ?? '' });
      return;
    }
    case 'end': {
      const u = utterances.get(m.id);
      if (!u) send({ op: 'reply', req: m.req, text: '' });
      else if (u.slot) finish(m.id, u, m.req);
      else u.endReq = m.req;
      return;
    }
    case 'abort': {
      const u = utterances.get(m.id);
      if (!u) return;
      utterances.delete(m.id);
      u.slot?.decoder.end();
      release(u);
      return;
    }
  }
}

// The server went away (even by kill -9: the channel closes): so does this child.
process.on('disconnect', () => process.exit(0));
process.on('message', (m: WorkerRequest) => {
  try {
    handle(m);
  } catch (error) {
    // A decoder in an unknown state: let the engine start a fresh child.
    process.stderr.write(`pocketsphinx worker: ${String(error)}\n`);
    process.exit(70);
  }
});
// One decoder, then `ready`, then a second one at once (off this thread, as
// every load): speakers in turn overlap by one (the next starts before the
// last one's final). More are loaded only when needed.
void load().then(() => {
  send({ op: 'ready' });
  if (slots.length + loading < Math.min(STARTUP_DECODERS, poolSize)) void load();
});
