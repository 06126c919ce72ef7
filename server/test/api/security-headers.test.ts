import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { createServer } from '../../src/server.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

function directives(csp: string | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of (csp ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out.set(name, values);
  }
  return out;
}

test('every response carries the CSP, no framing but our own pages, nosniff, a Referrer-Policy and Permissions-Policy microphone=(self)', async () => {
  const client = t.client();
  for (const path of ['/api/v1/spaces', '/api/v1/me', '/api/v1/no-such-route', '/healthz']) {
    const reply = await client.get(path);
    const h = reply.headers;
    assert.equal(h.get('x-content-type-options'), 'nosniff', path);
    assert.equal(h.get('x-frame-options'), 'SAMEORIGIN', path);
    assert.equal(h.get('referrer-policy'), 'strict-origin-when-cross-origin', path);
    assert.match(h.get('permissions-policy') ?? '', /(^|, )microphone=\(self\)/, path);
    const csp = directives(h.get('content-security-policy'));
    // Only the embeddable player may be framed by others (test/replays/embed.test.ts).
    assert.deepEqual(csp.get('frame-ancestors'), ["'self'"], path);
    assert.deepEqual(csp.get('script-src'), ["'self'"], `${path}: no inline script`);
    assert.deepEqual(csp.get('style-src'), ["'self'"], `${path}: no inline style`);
    assert.deepEqual(csp.get('object-src'), ["'none'"], path);
    assert.ok(csp.get('connect-src')?.includes(t.url.replace(/^http/, 'ws')), path);
    assert.ok(csp.get('worker-src')?.includes('blob:'), `${path}: hls.js worker`);
    assert.ok(csp.get('media-src')?.includes('blob:'), `${path}: Media Source playback`);
    // Served over http: no HSTS, no upgrade-insecure-requests.
    assert.equal(h.get('strict-transport-security'), null, path);
    assert.equal(csp.has('upgrade-insecure-requests'), false, path);
  }
});

test('a URL Fastify cannot even route (bad percent-encoding) is answered with nosniff and no framing too', async () => {
  const reply = await t.client().get('/api/v1/users/%E0%A4%A');
  assert.equal(reply.status, 400);
  assert.equal(reply.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(reply.headers.get('x-frame-options'), 'SAMEORIGIN');
  assert.match(reply.headers.get('content-security-policy') ?? '', /frame-ancestors 'self'/);
});

test('HLS files stay shareable through a CDN: no cookie, CORS open, loadable cross-origin, no Referer', async () => {
  const reply = await t.client().get('/hls/nope/live/bad/index.m3u8');
  assert.equal(reply.status, 404);
  assert.equal(reply.headers.get('set-cookie'), null);
  assert.equal(reply.headers.get('access-control-allow-origin'), '*');
  assert.equal(reply.headers.get('cross-origin-resource-policy'), 'cross-origin');
  assert.equal(reply.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(reply.headers.get('x-content-type-options'), 'nosniff');
});

test('HSTS only when PUBLIC_URL is https', async () => {
  const https = await startTestServer({ env: { PUBLIC_URL: 'https://salon.example' } });
  try {
    const reply = await https.client().get('/api/v1/spaces');
    assert.match(reply.headers.get('strict-transport-security') ?? '', /max-age=31536000/);
    const csp = directives(reply.headers.get('content-security-policy'));
    assert.ok(csp.get('connect-src')?.includes('wss://salon.example'));
    assert.equal(csp.has('upgrade-insecure-requests'), true);
  } finally {
    await https.close();
  }
});

test('a ?token= (and its kin) in a request URL never reaches the request log', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: `${t.config.dataDir}-log`,
    LOG_LEVEL: 'info',
    MEDIA: 'off',
  });
  const server = await createServer(config, {
    logger: pino({ level: 'info' }, sink),
    processMetrics: false,
  });
  const url = await server.start();
  try {
    const secrets = ['s3cr3t-token-value', 'sig-value-4711', 'access-value-0815'];
    const reply = await fetch(
      `${url}/api/v1/spaces?token=${secrets[0]}&sig=${secrets[1]}&ACCESS_TOKEN=${secrets[2]}&limit=5`,
    );
    await reply.text();
    // The request line is logged when the response completes: wait for it, bounded.
    for (let i = 0; i < 200 && !lines.some((l) => l.includes('request completed')); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const log = lines.join('');
    const incoming = lines.find((l) => l.includes('incoming request') && l.includes('/spaces'));
    assert.ok(incoming, 'the request was logged');
    assert.match(incoming, /token=\[redacted\]/);
    assert.match(incoming, /sig=\[redacted\]/);
    assert.match(incoming, /limit=5/, 'other parameters stay readable');
    for (const secret of secrets) assert.equal(log.includes(secret), false, secret);
  } finally {
    await server.stop();
    rmSync(config.dataDir, { recursive: true, force: true });
  }
});
