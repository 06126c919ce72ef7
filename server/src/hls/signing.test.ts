import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { expiryFor, HlsUrlSigner } from './signing.js';

const signer = new HlsUrlSigner(randomBytes(32));
const SPACE = '0abcdefghijklmnopqrs';
const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);

function tokenOf(path: string): string {
  return path.split('/')[4] ?? '';
}

test('a signed URL verifies for its space and scope until it expires', () => {
  const { path, expiresAt } = signer.issue(SPACE, 'live', NOW, 3600);
  assert.match(path, /^\/hls\/0abcdefghijklmnopqrs\/live\/\d+\.[A-Za-z0-9_-]{43}\/index\.m3u8$/);
  assert.ok(expiresAt >= NOW + 3600_000 && expiresAt <= NOW + 3900_000);
  const token = tokenOf(path);
  assert.equal(signer.verify(SPACE, 'live', token, NOW), 'ok');
  assert.equal(signer.verify(SPACE, 'live', token, expiresAt - 1), 'ok');
  assert.equal(signer.verify(SPACE, 'live', token, expiresAt), 'expired');
});

test('a tampered URL is refused: other space, other scope, other expiry, other key', () => {
  const token = tokenOf(signer.issue(SPACE, 'replay', NOW, 3600).path);
  const [expires, signature] = token.split('.') as [string, string];
  assert.equal(signer.verify('1abcdefghijklmnopqrs', 'replay', token, NOW), 'invalid_signature');
  assert.equal(signer.verify(SPACE, 'archive', token, NOW), 'invalid_signature');
  assert.equal(
    signer.verify(SPACE, 'replay', `${Number(expires) + 3600}.${signature}`, NOW),
    'invalid_signature',
  );
  const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
  assert.equal(signer.verify(SPACE, 'replay', `${expires}.${flipped}`, NOW), 'invalid_signature');
  assert.equal(signer.verify(SPACE, 'replay', 'garbage', NOW), 'invalid_signature');
  assert.equal(signer.verify(SPACE, 'replay', `${expires}.`, NOW), 'invalid_signature');
  const other = new HlsUrlSigner(randomBytes(32));
  assert.equal(other.verify(SPACE, 'replay', token, NOW), 'invalid_signature');
});

test('listeners admitted within the same few minutes share one URL (one CDN cache entry)', () => {
  const a = signer.issue(SPACE, 'live', NOW + 1_000, 7200);
  const b = signer.issue(SPACE, 'live', NOW + 100_000, 7200);
  assert.equal(a.path, b.path);
  assert.equal(expiryFor(NOW, 7200) % 300, 0);
  assert.ok(expiryFor(NOW, 60) * 1000 >= NOW + 60_000);
});

test('a live playlist URL names its viewer: another viewer, space or expiry does not verify', () => {
  const { path, expiresAt } = signer.issuePlaylist(SPACE, 'uabc', NOW, 60);
  assert.match(
    path,
    /^\/hls\/0abcdefghijklmnopqrs\/live\/\d+\.uabc\.[A-Za-z0-9_-]{43}\/index\.m3u8$/,
  );
  assert.ok(expiresAt >= NOW + 60_000 && expiresAt <= NOW + 75_000, 'about a minute');
  const token = tokenOf(path);
  assert.deepEqual(signer.verifyPlaylist(SPACE, token, NOW), { verdict: 'ok', viewer: 'uabc' });
  assert.deepEqual(signer.verifyPlaylist(SPACE, token, expiresAt), { verdict: 'expired' });
  const [expires, , signature] = token.split('.') as [string, string, string];
  for (const bad of [
    `${expires}.uabd.${signature}`,
    `${expires}.gabc.${signature}`,
    `${Number(expires) + 60}.uabc.${signature}`,
    `${expires}.${signature}`,
  ]) {
    assert.deepEqual(signer.verifyPlaylist(SPACE, bad, NOW), { verdict: 'invalid_signature' });
  }
  assert.deepEqual(signer.verifyPlaylist('1abcdefghijklmnopqrs', token, NOW), {
    verdict: 'invalid_signature',
  });
  // Nor is a viewer's token a shared one, for segments or anything else.
  assert.equal(signer.verify(SPACE, 'live', token, NOW), 'invalid_signature');
});
