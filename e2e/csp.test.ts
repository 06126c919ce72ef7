/**
 * The app under its Content-Security-Policy in Chromium: it renders and works
 * with no violation, the policy is really enforced (an injected inline script
 * does not run), and another site cannot frame it (Salon itself may; the
 * embeddable player, which anyone may frame, has its own test).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, type RunningServer, startServer } from './support.ts';

describe('the app under its Content-Security-Policy', { timeout: 120_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    page = await newPage(browser, { width: 1100, height: 900 }, errors);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('serves the page with a CSP without inline script and renders with no violation', async () => {
    const response = await page.goto(`${server.url}/signup`);
    const csp = response?.headers()['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'self'/);
    assert.equal(response?.headers()['x-frame-options'], 'SAMEORIGIN');
    await page.getByLabel('Handle').fill('ada');
    await page.getByLabel('Name').fill('Ada Lovelace');
    await page.getByLabel('Password').fill('analytical-engine');
    await page.getByRole('button', { name: 'Sign up' }).click();
    // Signed in: the app's own navigation, the realtime socket and the API all ran.
    await page.getByRole('link', { name: 'Create' }).click();
    await page.getByLabel('Title').fill('Under a strict policy');
    await page.getByRole('button', { name: 'Start now' }).click();
    await page.waitForURL(/\/spaces\/[0-9a-z]{20}$/);
    await page.getByRole('heading', { name: 'Under a strict policy' }).waitFor();
    await page.locator('.badge-live').first().waitFor();
    await page.locator('.stage-member[data-user="ada"]').waitFor();
    assert.deepEqual(errors, []);
  });

  it('refuses an injected inline script, and says so', async () => {
    const ran = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true;';
      document.body.append(script);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    assert.equal(ran, false);
    // The violation is reported (bounded wait: the event is queued, not synchronous).
    for (let i = 0; i < 50 && errors.length === 0; i += 1) await page.waitForTimeout(20);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0]!, /CSP violation: script-src/);
    errors.length = 0;
  });

  it('the API docs (Swagger UI) still render under their policy', async () => {
    await page.goto(`${server.url}/docs`);
    await page.getByText('Salon API').first().waitFor();
    assert.deepEqual(errors, []);
  });

  it('another site cannot frame the app; Salon may frame its own pages', async () => {
    // A page on another origin (another port of 127.0.0.1) that frames the app.
    const other = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(
        `<!doctype html><title>elsewhere</title><iframe src="${server.url}/signup"></iframe>`,
      );
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { port } = other.address() as AddressInfo;
    const framer = await newPage(browser, { width: 800, height: 600 }, []);
    try {
      await framer.goto(`http://127.0.0.1:${port}/`, { waitUntil: 'load' });
      const child = framer.mainFrame().childFrames()[0];
      assert.ok(child, 'the page holds its iframe');
      // A frame refused by frame-ancestors holds Chromium's error page, not the app.
      assert.equal(await child.locator('#root').count(), 0, 'the app did not load in the frame');
      assert.doesNotMatch(child.url(), /\/signup$/, `refused: ${child.url()}`);

      // Salon itself may frame its pages (frame-ancestors 'self').
      await framer.goto(`${server.url}/signup`);
      await framer.getByLabel('Handle').waitFor();
      const framed = await framer.evaluate(async () => {
        const frame = document.createElement('iframe');
        const loaded = new Promise((resolve) => frame.addEventListener('load', resolve));
        frame.src = '/signup';
        document.body.append(frame);
        await loaded;
        return frame.contentDocument?.querySelector('#root') != null;
      });
      assert.equal(framed, true);
    } finally {
      await framer.context().close();
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
