/**
 * Ticketed spaces in the app, walked by the people of an instance with the
 * built-in test provider (no payment account):
 * - a host confirms her date of birth once, sets a price and a count on the
 *   create form, and starts the space;
 * - a guest sees the title, host and price, and is asked to sign in to buy;
 * - a listener on a phone sees the price and Buy, buys through the buy sheet
 *   (labelled as a test payment) and is in the space's room;
 * - the last ticket goes; the space is "Sold out" on the Spaces tab and on
 *   its page, with no Buy button;
 * - the host's sales page shows the sales; an admin refunds one buyer, whose
 *   ticket says so and who is shown the gate again; the space ends and the
 *   admin marks the host paid;
 * - before a scheduled space starts its host sells tickets from its page;
 *   after a sale the price is fixed and the count may only grow.
 * Real server (no media: the audio is e2e/audio-tickets.test.ts), real Chromium.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  ApiClient,
  eventually,
  launchBrowser,
  newPage,
  ROOT,
  type RunningServer,
  SCREENSHOTS,
  screenshot,
  startServer,
  text,
} from './support.ts';

const DESKTOP = { width: 1100, height: 900 };
const PHONE = { width: 390, height: 844 };

/** The README's pictures: taken here, kept in docs/screenshots. */
function keepForReadme(name: string): void {
  const dir = path.join(ROOT, 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  copyFileSync(path.join(SCREENSHOTS, `${name}.png`), path.join(dir, `${name}.png`));
}

describe('ticketed spaces in the app', { timeout: 240_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  const errors: string[] = [];
  const api: Record<string, ApiClient> = {};
  const ids: Record<string, string> = {};
  let spaceId = '';

  async function register(handle: string, name: string): Promise<string> {
    const client = new ApiClient(server.url);
    const { user } = await client.call('POST', '/auth/register', {
      handle,
      display_name: name,
      password: `${handle}-password-1`,
    });
    api[handle] = client;
    ids[handle] = user.id;
    return user.id as string;
  }

  async function signIn(handle: string, viewport = DESKTOP): Promise<Page> {
    const page = await newPage(browser, viewport, errors);
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
      HOST_MIN_FOLLOWERS: '0',
      // Selling needs only the date of birth here (the follower and space rules are the server's tests).
      TICKET_SELLER_MIN_FOLLOWERS: '0',
      TICKET_SELLER_MIN_SPACES: '0',
      TICKET_COUNT_MIN: '1',
    });
    browser = await launchBrowser();
    await register('olive', 'Olive Owner'); // the first account: the instance's admin
    await register('hana', 'Hana Sato');
    await register('bob', 'Bob Buyer');
    await register('cleo', 'Cleo Late');
    await register('dan', 'Dan Third');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    assert.deepEqual(errors, [], 'no script errors or CSP violations');
  });

  let host: Page;
  it('a host confirms her date of birth once, sets a price and a count, and starts', async () => {
    host = await signIn('hana');
    await host.getByRole('link', { name: 'Create', exact: true }).click();
    await host.getByLabel('Title').fill('Paid jazz night');
    const sell = host.getByLabel('Sell tickets');
    await sell.waitFor();
    assert.equal(await sell.isDisabled(), true, 'not yet: the date of birth is missing');
    await host.getByTestId('not-eligible').getByText('You cannot sell tickets yet:').waitFor();

    await host.getByLabel('Date of birth').fill('2015-03-01');
    await host.getByRole('button', { name: 'Confirm' }).click();
    await host.getByText('You must be 18 or older to sell tickets.').waitFor();
    await host.getByLabel('Date of birth').fill('1990-03-01');
    await host.getByRole('button', { name: 'Confirm' }).click();
    await eventually(() => sell.isEnabled(), true, { what: 'Sell tickets enabled' });
    assert.equal(await host.getByLabel('Date of birth').count(), 0, 'asked once');

    await sell.check();
    await host.getByText('From $1.00 to $999.00.').waitFor();
    await host.getByLabel('Price (USD)').fill('0.50');
    await host.getByLabel('Number of tickets').fill('2');
    await host.getByRole('button', { name: 'Start now' }).click();
    await host.getByText('The price must be from $1.00 to $999.00.').waitFor();
    await host.getByLabel('Price (USD)').fill('4.50');
    await host.getByRole('button', { name: 'Start now' }).click();
    await host.waitForURL(/\/spaces\/[0-9a-z]{20}$/);
    spaceId = host.url().split('/').pop()!;
    const badge = host.getByTestId('ticket-badge');
    await badge.waitFor();
    assert.equal(await text(badge), '🎟Ticket price: $4.502 tickets left');
  });

  it('a guest sees the title, host and price, and is asked to sign in to buy', async () => {
    const guest = await newPage(browser, PHONE, errors);
    await guest.goto(`${server.url}/spaces/${spaceId}`);
    await guest.getByRole('heading', { name: 'Paid jazz night', level: 1 }).waitFor();
    await guest.getByText('@hana').waitFor();
    await guest.getByRole('heading', { name: 'A ticket is needed to listen' }).waitFor();
    await guest.getByRole('link', { name: 'Sign in to buy a ticket' }).click();
    await guest.waitForURL(/\/signin\?next=%2Fspaces%2F/);
    await guest.context().close();
  });

  let buyer: Page;
  it('a listener on a phone sees the price and Buy, buys with the test provider, and is in', async () => {
    buyer = await signIn('bob', PHONE);
    await buyer.goto(`${server.url}/spaces/${spaceId}`);
    await buyer.getByRole('heading', { name: 'A ticket is needed to listen' }).waitFor();
    assert.equal(await buyer.getByRole('button', { name: 'Leave' }).count(), 0, 'not in the room');
    await buyer.getByRole('button', { name: 'Buy a ticket — $4.50' }).click();
    const sheet = buyer.getByRole('dialog', { name: 'Buy a ticket' });
    await sheet.getByTestId('test-provider').waitFor();
    assert.match(await text(sheet.getByTestId('test-provider')), /Test payment — no money moves/);
    assert.equal(await text(sheet.getByTestId('buy-price')), '$4.50');
    await screenshot(buyer, 'tickets-buy-sheet');
    keepForReadme('tickets-buy-sheet');

    await sheet.getByRole('button', { name: 'Buy for $4.50' }).click();
    await sheet.getByRole('button', { name: 'Pay $4.50 (test)' }).click();
    await sheet.getByText('You have a ticket.').waitFor();
    await sheet.getByRole('button', { name: 'Go to the space' }).click();
    // In the room: the stage, the controls of a listener, the price in the header.
    await buyer.getByRole('button', { name: 'Leave' }).waitFor();
    await buyer.locator('.stage-member[data-user="hana"]').waitFor();
    await eventually(
      () => text(buyer.getByTestId('ticket-badge')),
      '🎟Ticket price: $4.501 ticket left',
      {
        what: 'the badge after the sale',
      },
    );
    await buyer.goto(`${server.url}/settings/tickets`);
    const mine = buyer.getByTestId('my-ticket');
    await mine.waitFor();
    assert.equal(await mine.getAttribute('data-state'), 'paid');
    await mine.getByText(/^Paid \$4\.50 on /).waitFor();
  });

  it('the last ticket goes: "Sold out" on the Spaces tab and the space page, and no Buy', async () => {
    // Cleo buys the last one through the API, as another browser would.
    const { checkout } = await api.cleo!.call('POST', `/spaces/${spaceId}/tickets`);
    assert.equal(checkout.provider, 'test');
    await api.cleo!.call('POST', `/tickets/test-checkouts/${checkout.id}/pay`);

    const dan = await signIn('dan', PHONE);
    await dan.goto(`${server.url}/spaces`);
    const card = dan.locator('.space-card', { hasText: 'Paid jazz night' });
    await card.getByText('Sold out').waitFor();
    await card.getByText('$4.50').waitFor();
    await card.getByRole('link', { name: 'Paid jazz night' }).click();
    await dan.getByText('Sold out: every ticket is taken.').waitFor();
    assert.equal(await dan.getByRole('button', { name: /Buy a ticket/ }).count(), 0);
    await dan.context().close();
  });

  it("the host's sales page shows the sales, pending until the space ends", async () => {
    await host.goto(`${server.url}/settings`);
    await host.getByRole('link', { name: 'Sales and payouts' }).click();
    await host.getByRole('heading', { name: 'Sales and payouts' }).waitFor();
    const row = host.getByTestId('sales-row');
    await row.waitFor();
    assert.equal(await text(row.getByRole('rowheader')), 'Paid jazz night');
    const cells = await row.getByRole('cell').allTextContents();
    assert.equal(cells[0], '2', 'two sold');
    assert.equal(cells[1], '$9.00', 'gross');
    assert.equal(cells[5], 'Pending');
    assert.equal(await text(host.getByTestId('total-gross_minor').locator('dd')), '$9.00');
    assert.equal(await text(host.getByTestId('total-pending_minor').locator('dd')), '$9.00');
  });

  it('an admin refunds one buyer, who is shown the gate again; after the end, marks the host paid', async () => {
    const { data } = await api.bob!.call('GET', '/me/tickets');
    const ticketId = data[0].id as string;
    const olive = await signIn('olive');
    await olive.goto(`${server.url}/admin/tickets`);
    await olive.getByRole('heading', { name: 'Tickets', level: 2 }).waitFor();
    assert.equal(await text(olive.getByTestId('platform-gross').locator('dd')), '$9.00');
    assert.equal(await text(olive.getByTestId('platform-escrow').locator('dd')), '$9.00');
    await olive.getByLabel('Ticket id').fill(ticketId);
    await olive.getByRole('button', { name: 'Refund', exact: true }).click();
    await olive.getByText('Refunded $4.50.').waitFor();
    await eventually(() => text(olive.getByTestId('platform-refunded').locator('dd')), '$4.50', {
      what: 'platform refunds',
    });

    await buyer.goto(`${server.url}/settings/tickets`);
    await buyer.getByText(/^\$4\.50 refunded on /).waitFor();
    await buyer.goto(`${server.url}/spaces/${spaceId}`);
    await buyer.getByRole('heading', { name: 'A ticket is needed to listen' }).waitFor();

    // The space ends: its net is the host's, and the admin pays it out.
    await api.hana!.call('POST', `/spaces/${spaceId}/end`);
    await olive.reload();
    const payable = olive.getByTestId('payable-host');
    await payable.waitFor();
    await payable.getByText('Hana Sato').waitFor();
    await payable.getByRole('button', { name: 'Mark paid' }).click();
    await olive.getByText('Hana Sato is paid.').waitFor();
    // $4.50 sold and kept, 3% fee (14 cents, half-up) → $4.36 to the host.
    await eventually(() => text(olive.getByTestId('platform-paidOut').locator('dd')), '$4.36', {
      what: 'paid out',
    });
    await host.reload();
    await eventually(() => text(host.getByTestId('total-paid_out_minor').locator('dd')), '$4.36', {
      what: "the host's paid out",
    });
    // One kept (the refunded ticket is not counted as sold), the refund beside the gross.
    const cells = await host.getByTestId('sales-row').getByRole('cell').allTextContents();
    assert.deepEqual(cells, ['1', '$9.00', '$4.50', '$0.14', '$4.36', 'Available']);
    await host.setViewportSize({ width: 900, height: 800 });
    await screenshot(host, 'tickets-sales');
    keepForReadme('tickets-sales');
  });

  it('before a scheduled space starts, its host sells, then after a sale may only add tickets', async () => {
    const scheduled = await api.hana!.call('POST', '/spaces', {
      title: 'Sunday recital',
      scheduled_start: new Date(Date.now() + 3 * 3600_000).toISOString(),
    });
    await host.setViewportSize(DESKTOP);
    await host.goto(`${server.url}/spaces/${scheduled.id}`);
    const panel = host.getByTestId('ticketing-panel');
    await panel.getByText('Free: anyone may listen.').waitFor();
    await panel.getByRole('button', { name: 'Sell tickets' }).click();
    const editor = host.getByRole('dialog', { name: 'Sell tickets' });
    await editor.getByLabel('Price (USD)').fill('10');
    await editor.getByLabel('Number of tickets').fill('3');
    await editor.getByRole('button', { name: 'Save' }).click();
    await panel.getByText('Tickets at $10.00: 0 of 3 sold.').waitFor();

    const { checkout } = await api.dan!.call('POST', `/spaces/${scheduled.id}/tickets`);
    await api.dan!.call('POST', `/tickets/test-checkouts/${checkout.id}/pay`);
    await host.reload();
    await panel.getByText('Tickets at $10.00: 1 of 3 sold.').waitFor();
    await panel.getByRole('button', { name: 'Edit tickets' }).click();
    const edit = host.getByRole('dialog', { name: 'Edit tickets' });
    await edit
      .getByText('1 ticket is sold: the price is fixed, and you can only add tickets.')
      .waitFor();
    assert.equal(await edit.getByLabel('Price (USD)').getAttribute('readonly'), '');
    assert.equal(await edit.getByRole('button', { name: 'Stop selling tickets' }).count(), 0);
    await edit.getByLabel('Number of tickets').fill('2');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.getByText('Tickets were sold: you can only add tickets (at least 3).').waitFor();
    await edit.getByLabel('Number of tickets').fill('5');
    await edit.getByRole('button', { name: 'Save' }).click();
    await panel.getByText('Tickets at $10.00: 1 of 5 sold.').waitFor();
  });
});
