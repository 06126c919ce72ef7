import fc from 'fast-check';

/**
 * Bad values for the HTTP fuzzer (see fuzz-inputs.ts): text PostgreSQL cannot
 * hold, strings of odd sizes and scripts, numbers at the edges, malformed
 * JSON, wrong content types and headers.
 */

/** A body as sent: serialized text or bytes, and a content type when not JSON. */
export type Body = { text?: string | Buffer; contentType?: string; what: string };

export const EVIL_TEXT = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\udc00y',
  '\ud83d',
  '',
  ' ',
  '\u202e\u200b\ufeff',
  '%00',
  '%',
  '../../../etc/passwd',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-0',
  '1e21',
  '9223372036854775808',
  '-9223372036854775809',
  '0x10',
  '1.5',
  '٣',
  '𝟘',
  '\ud83d\ude00'.repeat(40),
  'e\u0301'.repeat(50),
  '2030-01-01T23:59:60Z',
  '__proto__',
  'constructor',
];

/** Any UTF-16 code unit, lone surrogates and NUL included. */
export const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));

export const evilString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EVIL_TEXT) },
  // Otherwise valid text with one character PostgreSQL cannot store, at a random place.
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.string({ maxLength: 20 }),
        fc.constantFrom('\u0000', '\ud800', '\udc00'),
        fc.string({ maxLength: 20 }),
      )
      .map(([a, bad, b]) => a + bad + b),
  },
  { weight: 2, arbitrary: fc.string({ unit: codeUnit, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(71, 101, 281, 1001, 2049, 5000, 70_000)
      .map((n) => 'x'.repeat(n - 1) + '\u0000'),
  },
  { weight: 1, arbitrary: fc.constantFrom(31, 71, 281, 2049, 5000).map((n) => 'y'.repeat(n)) },
);

export const edgeNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -1,
    1.5,
    1e21,
    2 ** 63,
    -(2 ** 63),
    2 ** 31,
    2 ** 53 + 2,
    Number.MAX_SAFE_INTEGER,
    1e308,
    -1e308,
    5e-324,
    101,
    1001,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Numbers JSON.stringify cannot write: sent as raw JSON tokens. */
export const RAW_NUMBERS = [
  '-0',
  '1e400',
  '-1e400',
  'NaN',
  'Infinity',
  '1e-400',
  '123456789012345678901234567890',
  '0x10',
  '01',
];

export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: evilString },
  { weight: 3, arbitrary: edgeNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom({}, [], [[]], { a: { b: { c: {} } } }) },
  { weight: 1, arbitrary: fc.array(evilString, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.dictionary(evilString, evilString, { maxKeys: 3 }) },
);

/** Query-string values: what a URL can carry, edges included. */
export const evilQueryValue: fc.Arbitrary<string> = fc.oneof(
  evilString,
  fc.constantFrom(
    'NaN',
    'Infinity',
    '-0',
    '1e21',
    '1.5',
    '-1',
    '0',
    '9223372036854775808',
    ' 1',
    'true',
    '[]',
    '{}',
  ),
  edgeNumber.map(String),
);

/**
 * Percent-encodes every UTF-16 code unit the way a careless client would:
 * well-formed text as UTF-8, a lone surrogate as its (invalid) three bytes.
 */
export function pct(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    const next = value.charCodeAt(i + 1);
    let bytes: Buffer;
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      bytes = Buffer.from(value.slice(i, i + 2), 'utf8');
      i += 1;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      bytes = Buffer.from([0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]);
    } else if (/[A-Za-z0-9_.~-]/.test(value[i]!)) {
      out += value[i];
      continue;
    } else {
      bytes = Buffer.from(value[i]!, 'utf8');
    }
    for (const b of bytes) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A character PostgreSQL cannot store in text. */
export const unstorable = fc.constantFrom('\u0000', '\u0000', '\ud800', '\udfff');

/** A valid value made unstorable: the bad character inside the string (or the first string of a list). */
export function spoil(value: unknown, bad: string): unknown {
  if (typeof value === 'string') {
    const at = Math.floor(value.length / 2);
    return value.slice(0, at) + bad + value.slice(at);
  }
  if (Array.isArray(value) && value.length > 0) return [spoil(value[0], bad), ...value.slice(1)];
  return `ok${bad}`;
}

export function valueAt(body: unknown, path: string[]): unknown {
  let at: unknown = body;
  for (const key of path)
    at = at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}

export const WRONG_CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/jsonx',
  'application/xml',
  '*/*',
  'application/json, text/plain',
];

export const malformedJson: fc.Arbitrary<Body> = fc.oneof(
  fc
    .constantFrom(
      '{"a":',
      '{',
      '',
      ' ',
      'null',
      '"\\ud800"',
      '{"a":1,"a":2}',
      '{"__proto__":{"polluted":1}}',
      '{"constructor":{"prototype":{"polluted":1}}}',
      '\ufeff{}',
      '['.repeat(5000) + ']'.repeat(5000),
      '{"a":'.repeat(3000) + '1' + '}'.repeat(3000),
      '{"a":"\\u0000"}',
      "{'a':1}",
    )
    .map((text) => ({ text, what: `malformed JSON ${text.slice(0, 20)}` })),
  fc
    .uint8Array({ minLength: 1, maxLength: 64 })
    .map((bytes) => ({ text: Buffer.from(bytes), what: 'random bytes as JSON' })),
  fc.constant({
    text: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
    what: 'invalid UTF-8 in JSON',
  }),
);

/** Headers a client may get wrong; fetch itself refuses CR, LF and NUL, as would any proxy. */
export const oddHeaders: fc.Arbitrary<Record<string, string>> = fc.constantFrom<
  Record<string, string>
>(
  { 'x-request-id': '../../\u00ff' },
  { 'x-request-id': 'x'.repeat(500) },
  { accept: 'application/xml' },
  { authorization: 'Bearer' },
  { authorization: 'Bearer s_%00' },
  { authorization: `Bearer s_${'a'.repeat(5000)}` },
  { authorization: 'Basic YTpi' },
  { cookie: 'salon_session=%' },
  { cookie: 'salon_session=s_%00; salon_device=%E0%A4%A' },
  { cookie: `salon_device=${'d'.repeat(4000)}` },
  { origin: 'null' },
  { origin: 'http://evil.invalid' },
);
