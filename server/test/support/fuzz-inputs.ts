import fc from 'fast-check';
import {
  type Body,
  evilQueryValue,
  evilString,
  malformedJson,
  oddHeaders,
  pct,
  RAW_NUMBERS,
  spoil,
  unstorable,
  valueAt,
  WRONG_CONTENT_TYPES,
  wrongValue,
} from './fuzz-values.js';
import type { Operation, Parameter, Schema } from './openapi.js';

/**
 * Generators of bad HTTP input for one OpenAPI operation: values of the
 * wrong type and size, text PostgreSQL cannot hold (NUL, unpaired
 * surrogates), numbers at the edges, malformed JSON, wrong content types,
 * repeated query parameters, path params that are not ids. Most requests are
 * well-formed but for one thing, so they get past the parser and the schema
 * and reach the handlers.
 */

/** A request as the fuzzer sends it; `body` is sent as is (already serialized). */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** What was mutated, for the report. */
  what: string;
}

/** Ids that exist, by kind, so that generated requests reach handlers and not only 404s. */
export interface KnownIds {
  users: string[];
  spaces: string[];
  posts: string[];
  /** Field values that let a request through (a real handle, a password), by field name. */
  hints: Record<string, readonly string[]>;
}

/** The ids a parameter or field probably wants, from its name (and the path segment before it). */
function idsFor(ids: KnownIds, name: string, segment = ''): string[] {
  const all = [...ids.users, ...ids.spaces, ...ids.posts];
  const kind = /user/.test(name)
    ? ids.users
    : /post/.test(name)
      ? ids.posts
      : /space/.test(name)
        ? ids.spaces
        : segment === 'spaces'
          ? ids.spaces
          : segment === 'users' || segment === 'dms'
            ? ids.users
            : segment === 'posts'
              ? ids.posts
              : all;
  // Now and then an id of the wrong kind, or of nothing.
  return [...kind, ...kind, ...kind, ...all, 'zzzzzzzzzzzzzzzzzzzz'];
}

/** A value the schema accepts (mostly), so that one bad field is what a request is refused for. */
export function validValue(schema: Schema, ids: KnownIds, name = ''): fc.Arbitrary<unknown> {
  if (schema.anyOf?.length) return fc.oneof(...schema.anyOf.map((s) => validValue(s, ids, name)));
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const valid = validOfType(schema, ids, name);
  return schema.nullable ? fc.option(valid, { nil: null }) : valid;
}

function validOfType(schema: Schema, ids: KnownIds, name: string): fc.Arbitrary<unknown> {
  switch (schema.type) {
    case 'string': {
      if (schema.pattern === '^[0-9a-z]{20}$') return fc.constantFrom(...idsFor(ids, name));
      const hints = ids.hints[name];
      if (hints?.length) {
        return fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...hints) },
          { weight: 1, arbitrary: validOfType({ ...schema }, { ...ids, hints: {} }, name) },
        );
      }
      if (schema.format === 'date-time') {
        return fc
          .integer({ min: -3600_000, max: 20 * 24 * 3600_000 })
          .map((ms) => new Date(Date.now() + ms).toISOString());
      }
      if (schema.pattern)
        return fc.stringMatching(new RegExp(schema.pattern), { maxLength: schema.maxLength ?? 40 });
      const size = {
        minLength: schema.minLength ?? 0,
        maxLength: Math.min(schema.maxLength ?? 40, 40),
      };
      return fc.oneof(
        { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', ...size }) },
        {
          weight: 1,
          arbitrary: fc.string({
            unit: 'grapheme',
            ...size,
            maxLength: Math.ceil(size.maxLength / 2),
          }),
        },
      );
    }
    case 'integer':
    case 'number':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1_000_000 });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validValue(schema.items ?? {}, ids, name), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case 'object': {
      const props = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, prop] of Object.entries(props)) model[key] = validValue(prop, ids, key);
      return fc.record(model, { requiredKeys: [...required].filter((k) => k in props) });
    }
    default:
      return wrongValue;
  }
}

/** Replaces the value at one (possibly nested) property path with `value`. */
function replaceAt(body: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const base = body && typeof body === 'object' && !Array.isArray(body) ? body : {};
  return { ...(base as object), [head!]: replaceAt((base as any)[head!], rest, value) };
}

/** Property paths of a body schema, nested objects included. */
function propertyPaths(schema: Schema | undefined, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  const branches = schema?.properties ? [schema] : (schema?.anyOf ?? []);
  for (const branch of branches) {
    for (const [name, prop] of Object.entries(branch.properties ?? {})) {
      out.push([...prefix, name]);
      if (prop.type === 'object' && prefix.length < 2)
        out.push(...propertyPaths(prop, [...prefix, name]));
    }
  }
  return out;
}

function bodyArbitrary(schema: Schema, ids: KnownIds): fc.Arbitrary<Body> {
  const valid = validValue(schema, ids);
  const paths = propertyPaths(schema);
  const json = (value: unknown, what: string): Body => ({ text: JSON.stringify(value), what });
  const pathArb: fc.Arbitrary<string[]> = paths.length
    ? fc.constantFrom(...paths)
    : fc.constant(['x']);
  return fc.oneof(
    { weight: 2, arbitrary: valid.map((v) => json(v, 'schema-shaped body')) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(valid, pathArb, unstorable)
        .map(([v, path, bad]) =>
          json(
            replaceAt(v, path, spoil(valueAt(v, path), bad)),
            `body.${path.join('.')} unstorable`,
          ),
        ),
    },
    {
      weight: 4,
      arbitrary: fc
        .tuple(valid, pathArb, wrongValue)
        .map(([v, path, bad]) => json(replaceAt(v, path, bad), `body.${path.join('.')} bad`)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, pathArb, fc.constantFrom(...RAW_NUMBERS))
        .map(([v, path, raw]) => ({
          text: JSON.stringify(replaceAt(v, path, '\u0001RAW\u0001')).replace(
            '"\\u0001RAW\\u0001"',
            raw,
          ),
          what: `body.${path.join('.')} = ${raw}`,
        })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, evilString, wrongValue)
        .map(([v, key, bad]) => json({ ...(v as object), [key]: bad }, 'unknown field')),
    },
    { weight: 1, arbitrary: wrongValue.map((v) => json(v, 'body of the wrong type')) },
    { weight: 2, arbitrary: malformedJson },
    {
      weight: 2,
      arbitrary: fc
        .tuple(valid, fc.constantFrom(...WRONG_CONTENT_TYPES))
        .map(([v, contentType]) => ({
          text: JSON.stringify(v),
          contentType,
          what: `content-type ${contentType}`,
        })),
    },
  );
}

function paramArbitrary(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: evilString.map(pct) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '-1',
        '0',
        '1e21',
        '-0',
        'NaN',
        '9223372036854775808',
        'Z'.repeat(20),
        '%2e%2e',
        '%2F',
        '%ZZ',
        '%',
      ),
    },
  );
}

function validQuery(params: Parameter[], ids: KnownIds): fc.Arbitrary<string[]> {
  return fc
    .tuple(
      ...params.map((p) =>
        fc.option(
          validValue(p.schema, ids, p.name).map((v) => [`${p.name}=${pct(String(v))}`]),
          { nil: [] as string[], freq: 2 },
        ),
      ),
    )
    .map((each) => each.flat());
}

/** One query parameter made bad (or an unknown one added); the others valid. */
function badQuery(params: Parameter[], ids: KnownIds): fc.Arbitrary<string[]> {
  const unknown = evilString.map((k) => [`${pct(k)}=1`]);
  if (params.length === 0) return unknown;
  const bad = (p: Parameter): fc.Arbitrary<string[]> =>
    fc.oneof(
      {
        weight: 2,
        arbitrary: fc
          .tuple(validValue(p.schema, ids, p.name), fc.constantFrom('\u0000', '%00', '\ud800'))
          .map(([v, b]) => [`${p.name}=${pct(String(spoil(String(v), b)))}`]),
      },
      { weight: 3, arbitrary: evilQueryValue.map((v) => [`${p.name}=${pct(v)}`]) },
      {
        weight: 1,
        arbitrary: fc
          .array(evilQueryValue, { minLength: 2, maxLength: 3 })
          .map((vs) => vs.map((v) => `${p.name}=${pct(v)}`)),
      },
      {
        weight: 1,
        arbitrary: validValue(p.schema, ids, p.name).map((v) => [
          `${p.name}=${pct(String(v))}`,
          `${p.name}=${pct(String(v))}`,
        ]),
      },
      { weight: 1, arbitrary: fc.constant<string[]>([`${p.name}[]=1`, `${p.name}[a]=2`]) },
    );
  return fc
    .tuple(fc.integer({ min: 0, max: params.length }), validQuery(params, ids))
    .chain(([at, valid]) => {
      if (at === params.length) return unknown.map((u) => [...valid, ...u]);
      const name = params[at]!.name;
      return bad(params[at]!).map((b) => [...valid.filter((q) => !q.startsWith(`${name}=`)), ...b]);
    });
}

type Focus = 'path' | 'query' | 'body' | 'headers' | 'none';

/**
 * Generated requests for one operation. Each request gets one thing wrong
 * (its focus: a path param, the query, the body or a header) and the rest
 * right, so that it is refused for that thing, or gets to the handler.
 * `origin` is sent with each, as a same-origin browser would.
 */
export function requestArbitrary(
  op: Operation,
  ids: KnownIds,
  origin: string,
): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const canHaveBody = op.method !== 'GET' && op.method !== 'HEAD';
  const segments = op.path.split('/');
  const validParam = (name: string) => {
    const at = segments.indexOf(`{${name}}`);
    const hints = ids.hints[name];
    return fc.constantFrom(...(hints?.length ? hints : idsFor(ids, name, segments[at - 1])));
  };
  const foci: Array<{ weight: number; arbitrary: fc.Arbitrary<Focus> }> = [
    { weight: 1, arbitrary: fc.constant('none') },
    { weight: 1, arbitrary: fc.constant('headers') },
    { weight: 2, arbitrary: fc.constant('query') },
  ];
  if (pathParams.length) foci.push({ weight: 2, arbitrary: fc.constant('path') });
  if (canHaveBody) foci.push({ weight: op.body ? 5 : 1, arbitrary: fc.constant('body') });
  return fc.oneof(...foci).chain((focus) => {
    const badParam = fc.integer({ min: 0, max: Math.max(0, pathParams.length - 1) });
    const body: fc.Arbitrary<Body> =
      focus === 'body'
        ? op.body
          ? bodyArbitrary(op.body, ids)
          : malformedJson
        : op.body && canHaveBody
          ? validValue(op.body, ids).map((v) => ({ text: JSON.stringify(v), what: 'valid body' }))
          : fc.constant<Body>({ what: 'no body' });
    return fc
      .tuple(
        fc.tuple(...pathParams.map((p) => validParam(p.name))),
        badParam,
        paramArbitrary(),
        focus === 'query' ? badQuery(queryParams, ids) : validQuery(queryParams, ids),
        body,
        focus === 'headers' ? oddHeaders : fc.constant<Record<string, string>>({}),
      )
      .map(([values, at, evil, query, b, extra]) => {
        if (focus === 'path') values[at] = evil;
        let i = 0;
        const path = op.path.replace(/\{[^}]+\}/g, () => values[i++] ?? 'x');
        const headers: Record<string, string> = { origin, ...extra };
        if (b.text !== undefined) headers['content-type'] = b.contentType ?? 'application/json';
        const what = focus === 'body' ? b.what : focus === 'none' ? 'all valid' : `bad ${focus}`;
        return {
          method: op.method,
          path: query.length ? `${path}?${query.join('&')}` : path,
          headers,
          ...(b.text !== undefined ? { body: b.text } : {}),
          what,
        };
      });
  });
}
