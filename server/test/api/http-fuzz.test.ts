import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { Client } from '../support/client.js';
import { liveSpace } from '../support/factories.js';
import { type FuzzRequest, type KnownIds, requestArbitrary } from '../support/fuzz-inputs.js';
import { type Operation, operations } from '../support/openapi.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * HTTP fuzzing from the OpenAPI document, on SQLite and PostgreSQL: every
 * route and method gets generated bad input (see support/fuzz-inputs.ts) as a
 * signed-in normal user (bearer token) and as an anonymous browser. No answer
 * may be a 5xx or missing, every refusal under /api/ carries an error code,
 * and what other people stored before the fuzz is intact after it.
 *
 * The seed is fixed per run: FUZZ_SEED, or else today's date (UTC), printed
 * with the results so that a failure can be replayed with FUZZ_SEED=<seed>.
 * FUZZ_RUNS sets the requests per operation and caller (default 20); FUZZ_ONLY
 * (a regular expression over "METHOD /path") limits the run to some operations
 * and prints every request and answer.
 */
const SEED = Number(
  process.env['FUZZ_SEED'] ?? new Date().toISOString().slice(0, 10).replace(/-/g, ''),
);
if (!Number.isSafeInteger(SEED))
  throw new Error(`FUZZ_SEED must be an integer, not ${process.env['FUZZ_SEED']}`);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 20);
/** To replay a finding: only the operations whose "METHOD path" matches, each request printed. */
const ONLY = process.env['FUZZ_ONLY'] ? new RegExp(process.env['FUZZ_ONLY']) : null;

/** The `/2/` API speaks Twitter's shapes and is left out of the document; it is fuzzed all the same. */
const TWITTER_OPS: Operation[] = [
  ['/2/spaces/{id}', []],
  ['/2/spaces', ['ids']],
  ['/2/spaces/by/creator_ids', ['user_ids', 'max_results']],
  ['/2/spaces/search', ['query', 'state', 'max_results']],
  ['/2/spaces/{id}/buyers', ['pagination_token', 'max_results']],
  ['/2/spaces/{id}/tweets', ['max_results']],
].map(([path, query]) => {
  const names = [...(query as string[]), 'space.fields', 'expansions', 'user.fields'];
  const params = (path as string).includes('{id}')
    ? [{ name: 'id', in: 'path' as const, schema: {} }]
    : [];
  return {
    method: 'GET',
    path: path as string,
    query: names,
    parameters: [
      ...params,
      ...names.map((name) => ({ name, in: 'query' as const, schema: { type: 'string' } })),
    ],
  };
});

/** A stable number per operation, so that adding a route does not change the inputs of the others. */
function opSeed(op: Operation, salt: number): number {
  let h = SEED ^ salt;
  for (const ch of `${op.method} ${op.path}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return h | 0;
}

interface Finding {
  request: FuzzRequest;
  caller: string;
  status: number | string;
  body: string;
}

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`HTTP fuzz on ${backend}`, () => {
    let t: TestServer;
    let alice: { client: Client; id: string };
    let bob: { client: Client; id: string };
    let mallory: Client;
    let ids: KnownIds;
    let seeded: { post: string; space: string };
    let before_: Awaited<ReturnType<typeof readBack>>;

    /** What the fuzzing caller must not be able to change, read as its owner sees it. */
    async function readBack() {
      const profile = (await alice.client.get(`/api/v1/users/${alice.id}`)).body;
      const { followers_count: _followers, relationship: _self, ...stableProfile } = profile;
      const snapshot = (await alice.client.get(`/api/v1/spaces/${seeded.space}/snapshot`)).body;
      return {
        me: (await alice.client.get('/api/v1/me')).status,
        profile: stableProfile,
        post: (await alice.client.get(`/api/v1/posts/${seeded.post}`)).body,
        space: {
          space: snapshot.space,
          stage: snapshot.stage,
          pins: snapshot.pins,
          recording: snapshot.recording,
        },
        follow: (await alice.client.get(`/api/v1/users/${bob.id}`)).body.relationship,
        following: (await bob.client.get(`/api/v1/users/${bob.id}/following`)).body.data.map(
          (u: { id: string }) => u.id,
        ),
      };
    }

    before(async () => {
      t = await startTestServer({ backend, env: { HOST_MIN_FOLLOWERS: '0' } });
      // The owner of the seeded data is the instance's first account (its admin); the fuzz acts as someone else.
      alice = await t.user('fz_alice');
      bob = await t.user('fz_bob');
      const m = await t.user('fz_mallory');
      await alice.client.patch('/api/v1/me', { bio: 'Seeded before the fuzz' });
      const post = await alice.client.post('/api/v1/posts', { text: 'A post that must survive' });
      const space = await liveSpace(alice, {
        title: 'Seeded space',
        description: 'Must survive the fuzz',
        topics: ['music'],
      });
      seeded = { post: post.body.id, space: space.id };
      assert.equal((await bob.client.post(`/api/v1/users/${alice.id}/follow`)).status, 200);
      assert.equal((await alice.client.post(`/api/v1/users/${bob.id}/follow`)).status, 200);
      assert.equal((await bob.client.post(`/api/v1/spaces/${seeded.space}/requests`)).status, 200);
      const approve = await alice.client.post(
        `/api/v1/spaces/${seeded.space}/requests/${bob.id}/approve`,
      );
      assert.equal(approve.status, 200);
      assert.equal(
        (await alice.client.post(`/api/v1/spaces/${seeded.space}/pins`, { post_id: seeded.post }))
          .status,
        200,
      );

      // The fuzzing user's own things, so that generated requests also reach owners' handlers.
      const own = await m.client.post('/api/v1/spaces', { title: 'Mallory’s space' });
      const ownPost = await m.client.post('/api/v1/posts', { text: 'mine' });
      mallory = t.client();
      mallory.bearer = (await m.client.post('/api/v1/auth/tokens', { name: 'fuzz' })).body.token;
      // The fuzzing user's own things first: the handlers of an owner are the deepest.
      ids = {
        users: [m.id, bob.id, alice.id],
        spaces: [own.body.id, own.body.id, seeded.space],
        posts: [ownPost.body.id, ownPost.body.id, seeded.post],
        hints: {
          handle: [m.handle, 'nobody_here'],
          password: ['correct horse battery'],
          language: ['en', 'fr'],
          emoji: ['👍', '❤️'],
          topic: ['music'],
          topics: ['music', 'tech talk'],
          q: ['Seeded', 'space'],
          endpoint: ['https://push.invalid/subscription/1'],
        },
      };
      before_ = await readBack();
      assert.equal(before_.me, 200);
      assert.equal(before_.space.stage.length, 2);
    });
    after(() => t?.close());

    test(`no generated request gets a 5xx or no answer (seed ${SEED})`, async (ctx) => {
      const doc = (await t.client().get('/openapi.json')).body;
      // Ending or deleting the fuzzing user's own space or post comes last, or every later
      // command on them would only be refused as too late (a stable sort keeps the rest in order).
      const ending = (op: Operation) =>
        /\/(end|cancel|logout)$/.test(op.path) ||
        (op.method === 'DELETE' && /^\/api\/v1\/(spaces|posts)\/\{id\}$/.test(op.path));
      const ops = [...operations(doc), ...TWITTER_OPS].sort(
        (a, b) => Number(ending(a)) - Number(ending(b)),
      );
      assert.ok(ops.length >= 90, `the whole API: ${ops.length} operations`);
      const anonymous = t.client();
      const origin = t.url;
      const findings: Finding[] = [];
      const statuses = new Map<number, number>();
      const started = Date.now();
      let sent = 0;
      /** Operations the fuzz got a 2xx from, i.e. whose handler it reached and got past. */
      const reached = new Set<Operation>();

      const send = async (op: Operation, caller: string, client: Client, request: FuzzRequest) => {
        sent += 1;
        try {
          const reply = await fetchReply(client, request);
          statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
          if (reply.status < 300) reached.add(op);
          if (ONLY) {
            ctx.diagnostic(
              `${reply.status} as ${caller}: ${request.method} ${request.path} [${request.what}] ${String(request.body ?? '').slice(0, 160)} -> ${JSON.stringify(reply.body).slice(0, 160)}`,
            );
          }
          const coded =
            reply.status < 400 ||
            !request.path.startsWith('/api/') ||
            /^[a-z][a-z0-9_]*$/.test(String(reply.body?.error?.code ?? ''));
          // With MEDIA=off (as here) audio is honestly unavailable: the one 5xx that is an answer.
          const mediaOff = reply.status === 503 && reply.body?.error?.code === 'media_unavailable';
          // oEmbed 1.0 says 501 for a format the provider does not serve (xml): an answer too.
          const oembedFormat =
            reply.status === 501 && reply.body?.error?.code === 'format_not_implemented';
          if ((reply.status >= 500 && !mediaOff && !oembedFormat) || !coded) {
            findings.push({
              request,
              caller,
              status: reply.status,
              body: JSON.stringify(reply.body).slice(0, 300),
            });
          }
        } catch (error) {
          findings.push({ request, caller, status: 'no answer', body: String(error) });
        }
      };

      for (const op of ops) {
        if (ONLY && !ONLY.test(`${op.method} ${op.path}`)) continue;
        const arbitrary = requestArbitrary(op, ids, origin);
        // Signing out (here, or everywhere) would end the fuzzing session and leave the rest to
        // the anonymous pass, which covers it.
        if (!/\/auth\/(logout|sessions\/sign_out_all)$/.test(op.path)) {
          for (const request of fc.sample(arbitrary, { seed: opSeed(op, 1), numRuns: RUNS }))
            await send(op, 'user', mallory, request);
        }
        for (const request of fc.sample(arbitrary, {
          seed: opSeed(op, 2),
          numRuns: Math.ceil(RUNS / 2),
        }))
          await send(op, 'anonymous', anonymous, request);
      }

      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const histogram = [...statuses]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}:${n}`)
        .join(' ');
      ctx.diagnostic(
        `seed ${SEED} (replay with FUZZ_SEED=${SEED}); ${sent} requests over ${ops.length} operations in ${seconds} s on ${backend}; statuses ${histogram}`,
      );
      const unreached = ops.filter((op) => !reached.has(op)).map((op) => `${op.method} ${op.path}`);
      ctx.diagnostic(
        `${reached.size} operations answered a 2xx at least once; never: ${unreached.join(', ')}`,
      );
      for (const f of findings.slice(0, 20)) {
        ctx.diagnostic(
          `${f.status} as ${f.caller}: ${f.request.method} ${f.request.path.slice(0, 200)} [${f.request.what}] headers=${JSON.stringify(f.request.headers).slice(0, 200)} body=${JSON.stringify(String(f.request.body ?? '')).slice(0, 200)} -> ${f.body}`,
        );
      }
      assert.deepEqual(
        findings.map(
          (f) =>
            `${f.status} ${f.request.method} ${f.request.path.slice(0, 100)} [${f.request.what}]`,
        ),
        [],
        `seed ${SEED}: every finding is listed above`,
      );
      // The fuzz stayed signed in throughout, so its requests reached the handlers of a signed-in user.
      assert.equal((await mallory.get('/api/v1/me')).status, 200);
      if (!ONLY) assert.ok(sent >= ops.length * RUNS, `sent ${sent}`);
    });

    test('what was stored before the fuzz is intact after it', async () => {
      assert.deepEqual(await readBack(), before_);
      assert.equal((await t.client().get('/healthz')).status, 200);
    });
  });
}

async function fetchReply(client: Client, request: FuzzRequest) {
  const headers: Record<string, string> = { ...request.headers };
  if (client.cookie && !headers['cookie']) headers['cookie'] = client.cookie;
  if (client.bearer && !headers['authorization'])
    headers['authorization'] = `Bearer ${client.bearer}`;
  const response = await fetch(client.baseUrl + request.path, {
    method: request.method,
    headers,
    ...(request.body !== undefined ? { body: request.body } : {}),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  let body: any = text;
  if ((response.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
  return { status: response.status, body };
}
