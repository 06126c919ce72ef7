import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { IMMUTABLE, registerWebApp } from '../../src/http/web.js';

/** A build as `vite build` leaves it: hashed assets with their `.br` and `.gz`, the worker, the page. */
function fakeBuild(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'salon-web-'));
  mkdirSync(path.join(dir, 'assets'));
  mkdirSync(path.join(dir, 'icons'));
  const script = `console.log(${JSON.stringify('x'.repeat(4000))});`;
  const files: Record<string, string> = {
    'index.html': `<!doctype html><script type="module" src="/assets/index-abc123.js"></script>${' '.repeat(2000)}`,
    'assets/index-abc123.js': script,
    'sw.js': `self.addEventListener('fetch', () => {});${' '.repeat(2000)}`,
    'manifest.webmanifest': JSON.stringify({ name: 'Salon', padding: ' '.repeat(2000) }),
    'icons/icon-192.png': 'png',
  };
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(path.join(dir, name), content);
    if (/\.(js|html|webmanifest)$/.test(name)) {
      writeFileSync(path.join(dir, `${name}.br`), brotliCompressSync(content));
      writeFileSync(path.join(dir, `${name}.gz`), gzipSync(content));
    }
  }
  return dir;
}

describe('the built web app', () => {
  let dir: string;
  let app: FastifyInstance;
  before(async () => {
    dir = fakeBuild();
    app = Fastify();
    await registerWebApp(app, { dir });
    await app.ready();
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (url: string, encoding?: string) =>
    app.inject({ method: 'GET', url, headers: encoding ? { 'accept-encoding': encoding } : {} });

  test('a hashed script is sent brotli-compressed to a browser that takes br, gzip to one that takes only gzip, plain otherwise', async () => {
    const br = await get('/assets/index-abc123.js', 'gzip, deflate, br, zstd');
    assert.equal(br.statusCode, 200);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.match(String(br.headers['content-type']), /javascript/);
    assert.match(String(br.headers.vary), /accept-encoding/i);
    assert.match(brotliDecompressSync(br.rawPayload).toString(), /^console\.log/);
    assert.ok(br.rawPayload.length < 200, `compressed: ${br.rawPayload.length} bytes`);

    const gzip = await get('/assets/index-abc123.js', 'gzip');
    assert.equal(gzip.headers['content-encoding'], 'gzip');
    assert.match(gunzipSync(gzip.rawPayload).toString(), /^console\.log/);

    const plain = await get('/assets/index-abc123.js');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.match(String(plain.headers.vary), /accept-encoding/i);
    assert.match(plain.body, /^console\.log/);
  });

  test('hashed files are cached for a year as immutable; the page, the worker and the manifest are revalidated', async () => {
    assert.equal(IMMUTABLE, 'public, max-age=31536000, immutable');
    assert.equal((await get('/assets/index-abc123.js', 'br')).headers['cache-control'], IMMUTABLE);
    for (const url of ['/', '/spaces/abc', '/index.html', '/sw.js', '/manifest.webmanifest']) {
      const reply = await get(url, 'br');
      assert.equal(reply.statusCode, 200, url);
      assert.equal(reply.headers['cache-control'], 'no-cache', url);
      assert.equal(reply.headers['content-encoding'], 'br', url);
    }
    assert.match(
      String((await get('/manifest.webmanifest')).headers['content-type']),
      /application\/manifest\+json/,
    );
    assert.match(
      String((await get('/icons/icon-192.png')).headers['cache-control']),
      /max-age=86400/,
    );
  });

  test('the app’s routes get the page; a missing asset and the server’s paths do not', async () => {
    const route = await get('/spaces/%25%25%25', 'br');
    assert.equal(route.statusCode, 200);
    assert.match(String(route.headers['content-type']), /text\/html/);
    assert.equal((await get('/assets/missing-123.js', 'br')).statusCode, 404);
    assert.equal((await get('/api/v1/nothing')).statusCode, 404);
  });
});
