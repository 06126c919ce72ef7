/**
 * Accessibility of the ticket screens, as e2e/a11y.test.ts checks the rest:
 * axe-core (WCAG 2.0/2.1 A and AA) inside the real pages, at a desktop and a
 * phone viewport, and on the phone no screen scrolls sideways. The screens:
 * the create form selling tickets (and the date-of-birth step), the gate of
 * a ticketed space (guest and signed in), the buy sheet, the test checkout,
 * My tickets, Sales and payouts, and the admin console's Tickets section.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ApiClient, launchBrowser, newPage, type RunningServer, startServer } from './support.ts';

// Evaluated, not added as a <script>: the app's CSP refuses inline scripts, as it should.
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);
const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
} as const;
type ViewportName = keyof typeof VIEWPORTS;

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

async function assertAccessible(page: Page, screen: string, viewport: ViewportName) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  // Let transitions finish: axe reads the colours a person sees.
  await page.waitForTimeout(400);
  const violations: AxeViolation[] = await page.evaluate(async () => {
    const axe = (window as any).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v: any) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.map((n: any) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
  const problems = violations.map(
    (v) =>
      `- ${v.id}: ${v.help}\n${v.nodes.map((n) => `    ${JSON.stringify(n.target)} ${n.failureSummary?.split('\n').join(' ')}`).join('\n')}`,
  );
  if (viewport === 'phone') {
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    if (scrollWidth > innerWidth) problems.push(`scrolls sideways, ${scrollWidth} > ${innerWidth}`);
  }
  assert.deepEqual(problems, [], `${screen} (${viewport}):\n${problems.join('\n')}`);
}

describe('ticket screens are accessible', { timeout: 240_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  const errors: string[] = [];
  const api: Record<string, ApiClient> = {};
  let spaceId = '';

  async function register(handle: string) {
    const client = new ApiClient(server.url);
    await client.call('POST', '/auth/register', {
      handle,
      display_name: handle[0]!.toUpperCase() + handle.slice(1),
      password: `${handle}-password-1`,
    });
    api[handle] = client;
  }

  async function signIn(handle: string, viewport: ViewportName): Promise<Page> {
    const page = await newPage(browser, VIEWPORTS[viewport], errors);
    await page.goto(`${server.url}/signin`);
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Password').fill(`${handle}-password-1`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Profile', exact: true }).waitFor();
    return page;
  }

  before(async () => {
    server = await startServer({
      MEDIA: 'off',
      TICKET_SELLER_MIN_FOLLOWERS: '0',
      TICKET_SELLER_MIN_SPACES: '0',
    });
    browser = await launchBrowser();
    await register('olive'); // the instance's admin
    await register('hana');
    await register('nora'); // has not confirmed her date of birth
    await register('bob');
    await register('cleo');
    await api.hana!.call('PUT', '/tickets/seller', { birth_date: '1988-07-14' });
    spaceId = (
      await api.hana!.call('POST', '/spaces', {
        title: 'Chamber music, ticketed',
        description: 'Three string quartets.',
        ticketing: { price_minor: 1250, count: 20 },
      })
    ).id;
    // One sale, so the sales page, My tickets and the admin totals have rows.
    const { checkout } = await api.cleo!.call('POST', `/spaces/${spaceId}/tickets`);
    await api.cleo!.call('POST', `/tickets/test-checkouts/${checkout.id}/pay`);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    assert.deepEqual(errors, [], 'no script errors or CSP violations');
  });

  for (const viewport of ['desktop', 'phone'] as const) {
    it(`the create form selling tickets, and the date-of-birth step (${viewport})`, async () => {
      const nora = await signIn('nora', viewport);
      await nora.goto(`${server.url}/create`);
      await nora.getByLabel('Date of birth').waitFor();
      await assertAccessible(nora, 'create: not yet eligible', viewport);
      await nora.context().close();

      const hana = await signIn('hana', viewport);
      await hana.goto(`${server.url}/create`);
      await hana.getByLabel('Sell tickets').check();
      await hana.getByRole('button', { name: 'Start now' }).click();
      await hana.getByText('Set a price.').waitFor();
      await assertAccessible(hana, 'create: selling, with errors', viewport);
      await hana.context().close();
    });

    it(`the gate, the buy sheet and the test checkout (${viewport})`, async () => {
      const guest = await newPage(browser, VIEWPORTS[viewport], errors);
      await guest.goto(`${server.url}/spaces/${spaceId}`);
      await guest.getByRole('link', { name: 'Sign in to buy a ticket' }).waitFor();
      await assertAccessible(guest, 'gate: guest', viewport);
      await guest.context().close();

      const bob = await signIn('bob', viewport);
      await bob.goto(`${server.url}/spaces/${spaceId}`);
      await bob.getByRole('button', { name: 'Buy a ticket — $12.50' }).click();
      const sheet = bob.getByRole('dialog', { name: 'Buy a ticket' });
      await sheet.getByTestId('test-provider').waitFor();
      await assertAccessible(bob, 'buy sheet', viewport);
      await sheet.getByRole('button', { name: 'Buy for $12.50' }).click();
      await sheet.getByRole('button', { name: 'Pay $12.50 (test)' }).waitFor();
      await assertAccessible(bob, 'test checkout', viewport);
      // Escape closes the sheet (and gives the held seat back); focus returns to Buy.
      await bob.keyboard.press('Escape');
      await sheet.waitFor({ state: 'detached' });
      assert.equal(
        await bob.evaluate(() => document.activeElement?.textContent),
        'Buy a ticket — $12.50',
      );
      await bob.context().close();
    });

    it(`My tickets, Sales and payouts, the admin's Tickets (${viewport})`, async () => {
      const cleo = await signIn('cleo', viewport);
      await cleo.goto(`${server.url}/settings/tickets`);
      await cleo.getByTestId('my-ticket').waitFor();
      await assertAccessible(cleo, 'my tickets', viewport);
      await cleo.context().close();

      const hana = await signIn('hana', viewport);
      await hana.goto(`${server.url}/settings/sales`);
      await hana.getByTestId('sales-row').waitFor();
      await assertAccessible(hana, 'sales and payouts', viewport);
      await hana.context().close();

      const olive = await signIn('olive', viewport);
      await olive.goto(`${server.url}/admin/tickets`);
      await olive.getByTestId('platform-gross').waitFor();
      await assertAccessible(olive, 'admin tickets', viewport);
      await olive.context().close();
    });
  }
});
