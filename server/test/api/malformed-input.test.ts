import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Client, Reply } from '../support/client.js';
import { fill, operations, type Schema } from '../support/openapi.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Every route in the OpenAPI document gets malformed input: bad ids, wrong
 * types, missing and unknown fields, oversized strings, bad pagination. No
 * answer may be a 5xx, and every refusal must carry an error code and message.
 */
let t: TestServer;
let client: Client;
let validId: string;
before(async () => {
  t = await startTestServer();
  const me = await t.user('fuzzer');
  client = me.client;
  validId = (await t.user('target')).id;
});
after(() => t.close());

const BAD_IDS = [
  'x',
  'Z'.repeat(20),
  '0'.repeat(300),
  '%00',
  '..%2F..%2Fetc',
  '-1',
  '%F0%9F%98%80',
];
const WRONG_VALUES: unknown[] = [12345, true, null, {}, [], 'x'.repeat(5000)];

/** Each body property with the JSON types its schema accepts. */
function propertiesOf(schema: Schema | undefined): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const branches = schema?.properties ? [schema] : (schema?.anyOf ?? []);
  for (const branch of branches) {
    for (const [name, prop] of Object.entries(branch.properties ?? {})) {
      const types = out.get(name) ?? new Set<string>();
      for (const s of prop.anyOf ?? [prop])
        if (s.type) types.add(s.type === 'integer' ? 'number' : s.type);
      out.set(name, types);
    }
  }
  return out;
}

function jsonType(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

const replies: Array<{ what: string; reply: Reply }> = [];
async function send(
  what: string,
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) {
  const reply = await client.request(method, path, body, headers);
  replies.push({ what: `${method} ${path} ${what}`, reply });
  return reply;
}

function assertRefusal(what: string, reply: Reply) {
  assert.ok(
    reply.status >= 400 && reply.status < 500,
    `${what}: expected a 4xx, got ${reply.status} ${JSON.stringify(reply.body)}`,
  );
  assert.equal(
    typeof reply.body?.error?.code,
    'string',
    `${what}: error code (${reply.status} ${JSON.stringify(reply.body).slice(0, 200)})`,
  );
  assert.match(reply.body.error.code, /^[a-z][a-z0-9_]*$/, `${what}: snake_case code`);
  assert.ok(reply.body.error.message.length > 0, `${what}: error message`);
}

test('no route answers malformed input with a 5xx, and every refusal names the problem', async () => {
  const doc = (await client.get('/openapi.json')).body;
  const ops = operations(doc);
  assert.ok(
    ops.length >= 30,
    `expected the whole API in the document, found ${ops.length} operations`,
  );

  for (const op of ops) {
    const hasParams = op.path.includes('{');
    if (hasParams) {
      for (const bad of BAD_IDS)
        assertRefusal(`id ${bad}`, await send(`id=${bad}`, op.method, fill(op.path, bad)));
    }
    const path = fill(op.path, validId);

    if (op.body) {
      const props = propertiesOf(op.body);
      assertRefusal(
        'non-JSON body',
        await send('non-JSON', op.method, path, '{"oops', { 'content-type': 'application/json' }),
      );
      for (const body of [[], 'text', 42, null]) {
        assertRefusal(
          `body ${JSON.stringify(body)}`,
          await send(`body=${JSON.stringify(body)}`, op.method, path, JSON.stringify(body), {
            'content-type': 'application/json',
          }),
        );
      }
      for (const [prop, types] of props) {
        for (const value of WRONG_VALUES) {
          const reply = await send(
            `${prop}=${JSON.stringify(value).slice(0, 20)}`,
            op.method,
            path,
            { [prop]: value },
          );
          assert.ok(reply.status < 500, `${op.method} ${path} ${prop}: ${reply.status}`);
          // A value of the declared type may be valid (a long text, `all: true`); any other type must be refused.
          if (!types.has(jsonType(value)))
            assertRefusal(`${op.method} ${path} ${prop}=${JSON.stringify(value)}`, reply);
        }
      }
      assertRefusal(
        'unknown field',
        await send('unknown field', op.method, path, { surprise_field: 1 }),
      );
      assertRefusal(
        'oversized body',
        await send('oversized body', op.method, path, {
          [[...props.keys()][0] ?? 'x']: 'y'.repeat(200_000),
        }),
      );
    }

    if (op.query?.includes('limit')) {
      for (const q of [
        'limit=-1',
        'limit=abc',
        'limit=1000',
        'limit=1.5',
        'cursor=garbage!',
        `cursor=${Buffer.from('[1,2,3]').toString('base64url')}`,
        'cursor=',
        'no_such_param=1',
      ]) {
        assertRefusal(`query ${q}`, await send(q, op.method, `${path}?${q}`));
      }
    }
    const plain = await send('no input', op.method, path);
    assert.ok(plain.status < 500, `${op.method} ${path} with no input: ${plain.status}`);
  }

  const fiveHundreds = replies.filter((r) => r.reply.status >= 500);
  assert.deepEqual(
    fiveHundreds.map((r) => r.what),
    [],
  );
  assert.ok(replies.length > 300, `sent ${replies.length} malformed requests`);
});

test('a request without credentials is refused with a code, never an error page', async () => {
  const anonymous = t.client();
  const doc = (await anonymous.get('/openapi.json')).body;
  for (const op of operations(doc)) {
    const reply = await anonymous.request(
      op.method,
      fill(op.path, validId),
      op.body ? {} : undefined,
    );
    assert.ok(reply.status < 500, `${op.method} ${op.path}: ${reply.status}`);
    if (reply.status >= 400) assertRefusal(`${op.method} ${op.path}`, reply);
  }
  const bad = await anonymous.request('GET', '/api/v1/me', undefined, {
    authorization: 'Basic abc',
  });
  assertRefusal('basic auth', bad);
  assert.equal(bad.body.error.code, 'invalid_authorization');
});
