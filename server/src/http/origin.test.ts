import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRequestSource, normalizeOrigin, originPolicy } from './origin.js';

const policy = originPolicy('https://salon.example', ['https://app.example.org']);
const ok = (source: Parameters<typeof checkRequestSource>[0]) =>
  checkRequestSource(source, policy).ok;

test('an Origin must be PUBLIC_URL, an allowed origin or the request Host, by exact origin', () => {
  assert.equal(ok({ origin: 'https://salon.example' }), true);
  assert.equal(ok({ origin: 'https://SALON.example:443' }), true, 'case and default port');
  assert.equal(ok({ origin: 'https://app.example.org' }), true);
  assert.equal(ok({ origin: 'http://127.0.0.1:8080', host: '127.0.0.1:8080' }), true);
  assert.equal(ok({ origin: 'https://salon.example.evil.example' }), false);
  assert.equal(ok({ origin: 'https://evil.example', host: 'salon.example' }), false);
  assert.equal(ok({ origin: 'http://salon.example:8443' }), false, 'another port');
  assert.equal(ok({ origin: 'null' }), false);
  assert.equal(ok({ origin: '' }), false);
  assert.equal(ok({ origin: 'https://a, https://salon.example' }), false, 'a joined repeat');
});

test('the Origin decides even when a Referer or Sec-Fetch-Site says otherwise', () => {
  assert.equal(ok({ origin: 'https://evil.example', referer: 'https://salon.example/' }), false);
  assert.equal(ok({ origin: 'https://salon.example', secFetchSite: 'cross-site' }), true);
});

test('without Origin: the Referer, then Sec-Fetch-Site, then (no browser) allowed', () => {
  assert.equal(ok({ referer: 'https://salon.example/spaces/1' }), true);
  assert.equal(ok({ referer: 'https://evil.example/x' }), false);
  assert.equal(ok({ referer: 'not a url' }), false);
  assert.equal(ok({ secFetchSite: 'same-origin' }), true);
  assert.equal(ok({ secFetchSite: 'none' }), true);
  assert.equal(ok({ secFetchSite: 'same-site' }), false);
  assert.equal(ok({ secFetchSite: 'cross-site' }), false);
  assert.equal(ok({}), true);
});

test('only http(s) URLs have an origin here', () => {
  assert.equal(normalizeOrigin('file:///etc/passwd'), null);
  assert.equal(normalizeOrigin('https://x.example/path?q'), 'https://x.example');
});
