/**
 * Every error code the server can send has a sentence in every language of
 * the web app (`web/src/i18n/locales/<lang>/errors.json`), so a French
 * person never reads the server's English. The codes are read from the
 * source: every `AppError` built (its factories and `new AppError`), every
 * `code: '…'` written into an error body or message, and the edge's own
 * codes in `http/errors.ts`.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = new URL('../../../', import.meta.url).pathname;
const SERVER = join(ROOT, 'server/src');
const LOCALES = join(ROOT, 'web/src/i18n/locales');
const CODE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.endsWith('.d.ts')) {
      out.push(path);
    }
  }
  return out;
}

/** The top-level arguments of the call whose `(` ends just before `from`. */
function callArguments(src: string, from: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = from;
  let quote: string | null = null;
  for (let i = from; i < src.length; i++) {
    const c = src[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '/' && src[i + 1] === '/') i = src.indexOf('\n', i);
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      if (depth === 0) {
        args.push(src.slice(start, i));
        return args;
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      args.push(src.slice(start, i));
      start = i + 1;
    }
  }
  return args;
}

/**
 * The codes an argument can be: its string literals that are results, not
 * operands of a comparison (`kind === 'guest' ? 'guest_not_allowed' : …`),
 * or the value of a constant it names.
 */
function codesOf(argument: string, constants: Map<string, string>): string[] {
  const found: string[] = [];
  for (const m of argument.matchAll(/(===?|!==?)?\s*'([^']*)'(\s*[!=]==?)?/g)) {
    if (!m[1] && !m[3] && CODE.test(m[2]!)) found.push(m[2]!);
  }
  const name = argument.trim();
  if (found.length === 0 && /^[A-Z_][A-Z0-9_]*$/.test(name)) {
    const value = constants.get(name);
    if (value) found.push(value);
  }
  return found;
}

function serverCodes(): { codes: Map<string, string>; unread: string[] } {
  const files = sources(SERVER);
  const constants = new Map<string, string>();
  for (const file of [...files, ...sources(join(ROOT, 'packages/protocol/src'))]) {
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/export const ([A-Z_][A-Z0-9_]*) = '([^']+)'/g)) {
      constants.set(m[1]!, m[2]!);
    }
  }
  const codes = new Map<string, string>();
  const unread: string[] = [];
  const add = (code: string, where: string) => {
    if (!codes.has(code)) codes.set(code, where);
  };
  for (const file of files) {
    const src = readFileSync(file, 'utf8');
    const rel = file.slice(SERVER.length + 1);
    const where = (index: number) => `${rel}:${src.slice(0, index).split('\n').length}`;
    const calls =
      /AppError\.(invalid|forbidden|conflict|notFound|unauthenticated)\(|new AppError\(/g;
    for (const m of src.matchAll(calls)) {
      if (rel === 'errors.ts') continue; // the factories themselves
      if (m[1] === 'unauthenticated') {
        add('unauthenticated', where(m.index));
        continue;
      }
      const args = callArguments(src, m.index + m[0].length);
      const argument = (m[1] ? args[0] : args[1]) ?? '';
      const found = codesOf(argument, constants);
      if (found.length === 0) unread.push(`${where(m.index)}: ${argument.trim()}`);
      for (const code of found)
        add(m[1] === 'notFound' ? `${code}_not_found` : code, where(m.index));
    }
    // Error bodies and socket messages written by hand.
    for (const m of src.matchAll(/\bcode: '([a-z0-9_]+)'/g)) add(m[1]!, where(m.index));
    if (rel === 'http/errors.ts') {
      for (const m of src.matchAll(/(?<!\[)'([a-z0-9_]+)'/g))
        if (m[1]!.includes('_')) add(m[1]!, rel);
    }
  }
  return { codes, unread };
}

function catalogue(language: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(LOCALES, language, 'errors.json'), 'utf8'));
}

describe('error codes', () => {
  const { codes, unread } = serverCodes();

  it('are all read from the source (none hidden behind a variable)', () => {
    assert.deepEqual(unread, []);
    // The reading itself works: codes of every kind of construction are found.
    for (const code of [
      'weak_password', // AppError.invalid over several lines
      'space_not_found', // AppError.notFound('space')
      'too_many_attempts', // new AppError('rate_limited', …)
      'webrtc_full_use_hls', // a constant from the protocol
      'invalid_request', // the edge's validation errors
      'body_too_large', // Fastify's own, mapped
      'binary_not_supported', // a socket message
    ]) {
      assert.ok(codes.has(code), `${code} was not found`);
    }
    assert.ok(!codes.has('guest'), 'a compared literal is not a code');
    assert.ok(codes.size > 100, `only ${codes.size} codes found`);
  });

  for (const language of readdirSync(LOCALES)) {
    it(`have a sentence in ${language}`, () => {
      const sentences = catalogue(language);
      const missing = [...codes]
        .filter(([code]) => typeof sentences[code] !== 'string' || sentences[code] === '')
        .map(([code, where]) => `${code} (${where})`);
      assert.deepEqual(missing, [], `web/src/i18n/locales/${language}/errors.json lacks`);
    });
  }

  it('translate the reasons a password is weak, by the keys the server sends', async () => {
    const { judgePassword } = await import('../../src/accounts/password-strength.js');
    const verdict = judgePassword('password1');
    assert.ok(verdict.reasonKeys.length > 0);
    assert.equal(verdict.reasonKeys.length, verdict.reasons.length);
    for (const language of readdirSync(LOCALES)) {
      const sentences = catalogue(language) as Record<string, Record<string, string>>;
      for (const key of verdict.reasonKeys) {
        const [kind, name] = key.split('.') as [string, string];
        assert.equal(typeof sentences[`password_${kind}`]?.[name], 'string', `${language}: ${key}`);
      }
    }
  });
});
