/**
 * A guest's first visit to a space link over a slow network on a slow phone:
 * Chromium throttled through the DevTools protocol (DevTools' "Slow 3G"
 * network, the CPU four times slower), no cache, no service worker yet.
 *
 * It reports what a person waits for (first paint, first contentful paint,
 * the space's title on screen) and the bytes that crossed the network, as
 * diagnostics: times depend on the machine and are never asserted. It does
 * assert what makes the load small: scripts and styles come brotli-compressed,
 * and the page loads its own route's chunk and no other route's.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  ApiClient,
  launchBrowser,
  newPage,
  ROOT,
  type RunningServer,
  startServer,
} from './support.ts';

/** DevTools' "Slow 3G" preset: 2 s round trips, about 50 kB/s each way. */
const SLOW_3G = {
  offline: false,
  latency: 2000,
  downloadThroughput: 50_000,
  uploadThroughput: 50_000,
};
const CPU_SLOWDOWN = 4;
const PHONE = { width: 390, height: 844 };

/** Vite's manifest: source file → the chunk built from it. */
type ViteManifest = Record<string, { file: string; isDynamicEntry?: boolean; src?: string }>;

interface Transfer {
  url: string;
  type: string;
  encoding: string;
  /** Bytes on the wire (headers and compressed body). */
  wire: number;
  /** Bytes of the body once decoded. */
  body: number;
}

describe('cold load of a space link, throttled', { timeout: 300_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let spaceId = '';
  const errors: string[] = [];

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const host = new ApiClient(server.url);
    await host.call('POST', '/auth/register', {
      handle: 'hostess',
      display_name: 'Hedy Lamarr',
      password: 'hostess-password-1',
    });
    spaceId = (
      await host.call('POST', '/spaces', {
        title: 'Frequency hopping, explained',
        description: 'How a player piano became spread spectrum.',
        topics: ['science'],
      })
    ).id;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a guest opening a space link: compressed, only its route, and how long it took', async (t) => {
    const page = await newPage(browser, PHONE, errors);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });

    const transfers = new Map<string, Transfer>();
    cdp.on('Network.responseReceived', (event) => {
      const headers = Object.fromEntries(
        Object.entries(event.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]),
      );
      transfers.set(event.requestId, {
        url: event.response.url,
        type: event.type,
        encoding: headers['content-encoding'] ?? '',
        wire: 0,
        body: 0,
      });
    });
    cdp.on('Network.dataReceived', (event) => {
      const transfer = transfers.get(event.requestId);
      if (transfer) transfer.body += event.dataLength;
    });
    cdp.on('Network.loadingFinished', (event) => {
      const transfer = transfers.get(event.requestId);
      if (transfer) transfer.wire = event.encodedDataLength;
    });

    const started = Date.now();
    await page.goto(`${server.url}/spaces/${spaceId}`, { waitUntil: 'commit' });
    await page
      .getByRole('heading', { name: 'Frequency hopping, explained' })
      .waitFor({ timeout: 120_000 });
    const titleAfter = await page.evaluate(() => performance.now());
    await page.getByRole('link', { name: 'Sign in to request to speak' }).waitFor();
    const paints = await page.evaluate(() =>
      Object.fromEntries(
        performance.getEntriesByType('paint').map((entry) => [entry.name, entry.startTime]),
      ),
    );
    const wall = Date.now() - started;

    const all = [...transfers.values()].filter((x) => x.url.startsWith(server.url));
    const assets = all.filter((x) => new URL(x.url).pathname.startsWith('/assets/'));
    const scripts = assets.filter((x) => x.url.endsWith('.js'));
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    const sum = (list: Transfer[], key: 'wire' | 'body') => list.reduce((n, x) => n + x[key], 0);
    t.diagnostic(
      `network: DevTools Slow 3G (${SLOW_3G.latency} ms RTT, ${SLOW_3G.downloadThroughput / 1000} kB/s), CPU ×${CPU_SLOWDOWN} slower`,
    );
    t.diagnostic(
      `transferred: ${kb(sum(all, 'wire'))} in ${all.length} requests (${kb(sum(all, 'body'))} decoded); scripts ${kb(sum(scripts, 'wire'))} in ${scripts.length} files (${kb(sum(scripts, 'body'))} decoded)`,
    );
    for (const x of assets) {
      t.diagnostic(
        `  ${new URL(x.url).pathname}: ${kb(x.wire)} (${x.encoding || 'identity'}, ${kb(x.body)} decoded)`,
      );
    }
    t.diagnostic(
      `first paint ${Math.round(paints['first-paint'] ?? Number.NaN)} ms, first contentful paint ${Math.round(paints['first-contentful-paint'] ?? Number.NaN)} ms, the space's title shown by ${Math.round(titleAfter)} ms (from navigation start); ${wall} ms until the guest could act`,
    );

    // Compressed: every script and stylesheet of the build, and the page. The
    // build leaves files under 1 KB as they are (web/build/pwa.ts MIN_BYTES:
    // the headers would weigh more than compression saves), so a chunk that
    // small may come plain.
    assert.ok(scripts.length > 0, 'scripts were loaded');
    for (const x of assets.filter((a) => /\.(js|css)$/.test(a.url))) {
      if (x.body < 1024 && x.encoding === '') continue;
      assert.equal(x.encoding, 'br', `${x.url} is sent brotli-compressed`);
    }
    const document = all.find((x) => x.type === 'Document');
    assert.equal(document?.encoding, 'br', 'the page is sent brotli-compressed');

    // Split by route: the space page's chunk, and no other screen's.
    const manifest = JSON.parse(
      readFileSync(path.join(ROOT, 'web', 'dist', '.vite', 'manifest.json'), 'utf8'),
    ) as ViteManifest;
    const loaded = new Set(scripts.map((x) => new URL(x.url).pathname.slice(1)));
    const chunkOf = (source: string) => {
      const entry = manifest[source];
      assert.ok(entry, `${source} is a chunk of the build`);
      return entry.file;
    };
    assert.ok(loaded.has(chunkOf('src/screens/space/SpacePage.tsx')), 'the space page chunk');
    const others = Object.entries(manifest)
      .filter(([source, entry]) => entry.isDynamicEntry && source.startsWith('src/screens/'))
      .filter(([source]) => source !== 'src/screens/space/SpacePage.tsx')
      .map(([source, entry]) => ({ source, file: entry.file }));
    assert.ok(others.length >= 5, `other routes are chunks of their own: ${others.length}`);
    assert.deepEqual(
      others.filter((o) => loaded.has(o.file)).map((o) => o.source),
      [],
      'chunks of other routes loaded on a space link',
    );
    await page.context().close();
  });

  it('no page threw an uncaught error', () => {
    assert.deepEqual(errors, []);
  });
});
