import assert from 'node:assert/strict';
import { REACTION_EMOJI, type ServerMessage } from '@salon/protocol';
import fc from 'fast-check';
import WebSocket from 'ws';
import { KNOWN_CLIENT_TYPES } from '../../src/realtime/messages.js';
import { liveSpace, user } from './factories.js';
import type { TestServer } from './server.js';

/**
 * The realtime WebSocket under fuzz: every client message type with bad
 * fields (wrong types, huge and odd strings, NUL and lone surrogates, edge
 * numbers, missing and extra fields), malformed JSON, binary frames, and
 * sequences (subscribe → media → react), sent under every role. Shared by
 * the control-plane run (test/realtime) and the media run (test/media).
 *
 * What must hold: every message that carries a `request_id` is answered
 * (its reply, an `ack`, or an `error`) with that id within a bounded wait;
 * no answer is `internal_error` (that is a bug, logged); every socket still
 * answers a ping after each sequence; the server keeps serving afterwards.
 */

/** The seed of this run: FUZZ_SEED to replay one, else new each run. Printed either way. */
export function fuzzSeed(name: string): number {
  const fixed = process.env['FUZZ_SEED'];
  const seed = fixed ? Number(fixed) : Math.floor(Math.random() * 2 ** 31);
  console.log(`${name}: seed ${seed} (replay with FUZZ_SEED=${seed})`);
  return seed;
}

/** Strings that have broken parsers, logs and databases. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83dy',
  '\ufeff',
  '\u202e',
  '💯'.repeat(40),
  '👍🏽',
  '✋\ufe0f',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "'; drop table spaces; --",
  '%',
  '%00',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'toString',
  'null',
  'undefined',
  '0',
  '-1',
  '1e309',
  'x'.repeat(2000),
  'é'.repeat(1000),
];

const EDGE_NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.5,
  2 ** 31,
  2 ** 53,
  -(2 ** 53),
  2 ** 63,
  1e308,
  -1e308,
  Number.MIN_VALUE,
  Number.MAX_SAFE_INTEGER + 2,
];

export const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
);

/** Any JSON value a client could send in a field, with the edges above mixed in. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(...EDGE_NUMBERS, true, false, null) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constant({ toString: 1 }) },
  { weight: 1, arbitrary: fc.constant({ valueOf: 'x', length: -1 }) },
  { weight: 1, arbitrary: fc.array(fc.string(), { maxLength: 3 }) },
);

/** Frames that are not one well-formed message object. */
export const RAW_FRAMES = [
  '',
  ' ',
  'null',
  '[]',
  '[{"type":"ping","request_id":"x"}]',
  '"ping"',
  '123',
  'true',
  '{',
  '{"type":',
  '{"type":"ping"',
  'undefined',
  '\u0000',
  '{"type":null}',
  '{"type":123}',
  '{"type":{"toString":1}}',
  '{"type":"ping","request_id":5}',
  '{"type":"ping","request_id":{}}',
  '{"type":"ping","request_id":""}',
  `{"type":"ping","request_id":"${'x'.repeat(65)}"}`,
  '{"type":"react","emoji":{"toString":1}}',
  '{"type":"subscribe","space_id":{"length":20}}',
  '{"__proto__":{"type":"ping"}}',
  '{"type":"ping","type":"react"}',
  '{"type":"ping"}garbage',
  `{"type":"${'t'.repeat(5000)}"}`,
  JSON.stringify({ type: 'react', space_id: 'a'.repeat(20), emoji: '\ud800' }),
];

export interface FuzzContext {
  /** Live spaces the roles are in (the first is everyone's). */
  spaceIds: string[];
  /** SDPs worth trying: garbage for the control plane; what reaches Janus in the media run. */
  sdp: fc.Arbitrary<string>;
}

/** One frame to send; `requestId` when it carries one that must be answered. */
export type Frame =
  | { kind: 'json'; text: string; requestId: string }
  | { kind: 'raw'; text: string }
  | { kind: 'binary'; data: Buffer };

let counter = 0;

/** A well-formed JSON message object, with each field of the right type or not. */
function messageArb(ctx: FuzzContext): fc.Arbitrary<Frame> {
  const maybe = <T>(arb: fc.Arbitrary<T>, weight = 4) =>
    fc.oneof(
      { weight, arbitrary: arb as fc.Arbitrary<unknown> },
      { weight: 1, arbitrary: anyValue },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
  return fc
    .record({
      type: fc.oneof(
        { weight: 10, arbitrary: fc.constantFrom(...KNOWN_CLIENT_TYPES) },
        { weight: 1, arbitrary: nastyString },
      ),
      space_id: maybe(
        fc.oneof(
          { weight: 5, arbitrary: fc.constantFrom(...ctx.spaceIds) },
          { weight: 1, arbitrary: fc.constant('zzzzzzzzzzzzzzzzzzzz') },
        ),
      ),
      emoji: maybe(fc.constantFrom<string>(...REACTION_EMOJI, '✋', '❤')),
      sdp: maybe(ctx.sdp),
      incognito: maybe(fc.boolean()),
      extra: fc.dictionary(nastyString, anyValue, { maxKeys: 3 }),
      idSuffix: fc.oneof(
        fc.constant(''),
        fc.string({ unit: 'binary', maxLength: 12 }),
        fc.constantFrom('\ud800', ' ', '\u0000', '"', '\\'),
      ),
    })
    .map(({ extra, idSuffix, ...fields }): Frame => {
      const requestId = `f${++counter}-${idSuffix}`.slice(0, 64);
      const message: Record<string, unknown> = { ...extra };
      for (const [key, value] of Object.entries(fields))
        if (value !== undefined) message[key] = value;
      message['request_id'] = requestId;
      return { kind: 'json', text: JSON.stringify(message), requestId };
    });
}

export function frameArb(ctx: FuzzContext): fc.Arbitrary<Frame> {
  return fc.oneof(
    { weight: 8, arbitrary: messageArb(ctx) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.constantFrom(...RAW_FRAMES), fc.string({ unit: 'binary', maxLength: 60 }))
        .map((text): Frame => ({ kind: 'raw', text })),
    },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ maxLength: 64 })
        .map((bytes): Frame => ({ kind: 'binary', data: Buffer.from(bytes) })),
    },
  );
}

/** The flow a real client follows, with the fuzz around it: subscribe → media → react. */
export function sequenceArb(ctx: FuzzContext): fc.Arbitrary<Frame[]> {
  const scripted = (type: string, extra: Record<string, unknown> = {}): Frame => {
    const requestId = `s${++counter}`;
    const message = { type, space_id: ctx.spaceIds[0], request_id: requestId, ...extra };
    return { kind: 'json', text: JSON.stringify(message), requestId };
  };
  return fc
    .record({
      flow: fc.boolean(),
      media: fc.constantFrom('media_listen', 'feeds_watch', 'media_publish', 'feed_standby'),
      sdp: ctx.sdp,
      emoji: fc.constantFrom(...REACTION_EMOJI),
      noise: fc.array(frameArb(ctx), { minLength: 1, maxLength: 8 }),
    })
    .map(({ flow, media, sdp, emoji, noise }) =>
      flow
        ? [
            scripted('subscribe'),
            scripted(media, media === 'media_publish' ? { sdp } : {}),
            ...noise,
            scripted('react', { emoji }),
          ]
        : noise,
    );
}

/** A socket of one role that tells which requests were answered, and how. */
export class FuzzSocket {
  private ws!: WebSocket;
  private readonly waiting = new Map<string, (m: ServerMessage) => void>();
  readonly internalErrors: ServerMessage[] = [];
  /** How the requests were answered (answer type, or error code), for the run's summary. */
  readonly tally = new Map<string, number>();

  private constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
  ) {}

  static async open(
    t: TestServer,
    auth: { token?: string; cookie?: string | null } = {},
  ): Promise<FuzzSocket> {
    const url = `${t.url.replace(/^http/, 'ws')}/api/v1/realtime${auth.token ? `?token=${encodeURIComponent(auth.token)}` : ''}`;
    const socket = new FuzzSocket(url, auth.cookie ? { cookie: auth.cookie } : {});
    await socket.connect();
    return socket;
  }

  private connect(): Promise<void> {
    this.ws = new WebSocket(this.url, { headers: this.headers });
    this.ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.type === 'error' && message.code === 'internal_error')
        this.internalErrors.push(message);
      const id = 'request_id' in message ? message.request_id : undefined;
      if (id !== undefined) this.waiting.get(id)?.(message);
    });
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  /** Sends a sequence; resolves when every request in it was answered, or fails naming the first that was not. */
  async run(frames: Frame[], answerWithinMs: number): Promise<void> {
    if (this.ws.readyState !== WebSocket.OPEN) await this.connect();
    const answers: Array<Promise<void>> = [];
    for (const frame of frames) {
      if (frame.kind === 'binary') {
        this.ws.send(frame.data, { binary: true });
        continue;
      }
      if (frame.kind === 'json')
        answers.push(this.answerTo(frame.requestId, frame.text, answerWithinMs));
      this.ws.send(frame.text);
    }
    await Promise.all(answers);
    // Whatever came before, the socket still serves.
    const ping = `p${++counter}`;
    const pong = this.answerTo(ping, 'ping', answerWithinMs);
    this.ws.send(JSON.stringify({ type: 'ping', request_id: ping }));
    await pong;
  }

  private answerTo(requestId: string, text: string, ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(requestId);
        reject(new Error(`no answer within ${ms} ms to ${text.slice(0, 300)}`));
      }, ms);
      this.waiting.set(requestId, (m) => {
        const what = m.type === 'error' ? m.code : m.type;
        this.tally.set(what, (this.tally.get(what) ?? 0) + 1);
        clearTimeout(timer);
        this.waiting.delete(requestId);
        resolve();
      });
    });
  }

  close(): void {
    this.ws.terminate();
  }
}

export interface Roles {
  host: FuzzSocket;
  speaker: FuzzSocket;
  listener: FuzzSocket;
  guest: FuzzSocket;
  anonymous: FuzzSocket;
}

/**
 * A live space with a host, a speaker on its stage, a signed-in listener, a
 * guest and an anonymous visitor, each on a socket of their own.
 */
export async function castRoles(t: TestServer): Promise<{ spaceId: string; roles: Roles }> {
  const admin = await t.user('fzAdmin');
  const host = await user(t, { handle: 'fzHost', hostingGrantedBy: admin });
  const spaceId = (await liveSpace(host, { title: 'Fuzzed', topics: ['fuzz'] })).id;
  const speaker = await t.user('fzSpeaker');
  await speaker.client.post(`/api/v1/spaces/${spaceId}/requests`);
  const approved = await host.client.post(
    `/api/v1/spaces/${spaceId}/requests/${speaker.id}/approve`,
  );
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  const listener = await t.user('fzListener');
  const guest = (await t.client().post('/api/v1/auth/guest')).body.token as string;
  return {
    spaceId,
    roles: {
      host: await FuzzSocket.open(t, { cookie: host.client.cookie }),
      speaker: await FuzzSocket.open(t, { cookie: speaker.client.cookie }),
      listener: await FuzzSocket.open(t, { cookie: listener.client.cookie }),
      guest: await FuzzSocket.open(t, { token: guest }),
      anonymous: await FuzzSocket.open(t),
    },
  };
}

/**
 * Runs the fuzz: each run picks a role and sends it a sequence. Bounded by
 * `numRuns` and by `timeLimitMs` (runs stop there, and count as a pass only
 * if each finished one held).
 */
export async function fuzzRoles(
  roles: Roles,
  ctx: FuzzContext,
  o: { seed: number; numRuns: number; timeLimitMs: number; answerWithinMs: number },
): Promise<void> {
  const names = Object.keys(roles) as Array<keyof Roles>;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...names), sequenceArb(ctx), async (role, frames) => {
      await roles[role].run(frames, o.answerWithinMs);
    }),
    {
      seed: o.seed,
      numRuns: o.numRuns,
      interruptAfterTimeLimit: o.timeLimitMs,
      endOnFailure: true,
    },
  );
  const tally = new Map<string, number>();
  for (const name of names) {
    for (const [what, n] of roles[name].tally) tally.set(what, (tally.get(what) ?? 0) + n);
  }
  const answered = [...tally.values()].reduce((a, b) => a + b, 0);
  console.log(
    `${answered} requests answered: ${[...tally]
      .sort((a, b) => b[1] - a[1])
      .map(([w, n]) => `${w} ${n}`)
      .join(', ')}`,
  );
  for (const name of names) {
    assert.deepEqual(roles[name].internalErrors, [], `${name} got internal_error answers`);
  }
}
