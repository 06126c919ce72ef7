/**
 * Around a space: the warning before joining when someone you blocked is on
 * stage, sharing it by message, browsing with the mini-player, live
 * notifications, and the connection coming back after the server restarts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  ApiClient,
  eventually,
  launchBrowser,
  newPage,
  type RunningServer,
  screenshot,
  startServer,
  text,
} from './support.ts';

const PHONE = { width: 412, height: 915 };

describe('browsing around a live space', { timeout: 180_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let frank: Page;
  let heidi: Page;
  let grace: ApiClient;
  let spaceId = '';
  const errors: string[] = [];

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    frank = await newPage(browser, PHONE, errors);
    heidi = await newPage(browser, PHONE, errors);

    grace = new ApiClient(server.url);
    const graceUser = await grace.call('POST', '/auth/register', {
      handle: 'grace',
      display_name: 'Grace Hopper',
      password: 'cobol-1959!',
    });
    spaceId = (await grace.call('POST', '/spaces', { title: 'Night owls', topics: ['compilers'] }))
      .id;
    const frankApi = new ApiClient(server.url);
    await frankApi.call('POST', '/auth/register', {
      handle: 'frank',
      display_name: 'Frank Allen',
      password: 'frank-password',
    });
    await frankApi.call('POST', `/users/${graceUser.user.id}/block`);
    await new ApiClient(server.url).call('POST', '/auth/register', {
      handle: 'heidi',
      display_name: 'Heidi Klum',
      password: 'heidi-password',
    });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signIn(page: Page, handle: string, password: string) {
    await page.goto(`${server.url}/signin`);
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Profile' }).waitFor();
  }

  const miniPlayer = () => frank.getByRole('region', { name: 'Current space' });

  it('warns before joining when someone you blocked is on stage', async () => {
    await signIn(frank, 'frank', 'frank-password');
    await frank.goto(`${server.url}/spaces/${spaceId}`);
    const warning = frank.getByRole('alertdialog', { name: 'Someone you blocked is on stage' });
    await warning.getByText(/Grace Hopper \(@grace\) is speaking/).waitFor();
    await screenshot(frank, 'join-warning');
    assert.equal(await frank.locator('.stage-member').count(), 0, 'not joined before choosing');
    await warning.getByRole('button', { name: 'Join anyway' }).click();
    await frank.locator('.stage-member[data-user="grace"]').waitFor();
    await eventually(() => text(frank.getByTestId('now-total')), '1', { what: 'listening now' });
  });

  it('listens incognito: counted, not listed', async () => {
    const listed = async () =>
      (await grace.call('GET', `/spaces/${spaceId}/snapshot`)).listeners.data
        .map((l: any) => l.user.handle)
        .join(',');
    await eventually(listed, 'frank', { what: 'Frank listed' });
    await frank.getByRole('button', { name: 'Incognito' }).click();
    await frank.locator('.stage-member[data-user="grace"]').waitFor();
    await eventually(listed, '', { what: 'Frank unlisted' });
    await eventually(() => text(frank.getByTestId('now-total')), '1', { what: 'still counted' });
    await frank.getByRole('button', { name: 'Incognito', pressed: true }).click();
    await eventually(listed, 'frank', { what: 'Frank listed again' });
  });

  it('shares the space by direct message', async () => {
    await frank.getByRole('button', { name: 'Share' }).click();
    const sheet = frank.getByRole('dialog', { name: 'Share this space' });
    assert.match(await sheet.getByLabel('Link').inputValue(), new RegExp(`/spaces/${spaceId}$`));
    await sheet.getByLabel('Send to').fill('@heidi');
    await sheet.getByRole('button', { name: 'Send' }).click();
    await sheet.getByText('Sent to Heidi Klum.').waitFor();
    await frank.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });
  });

  it('keeps the space in the mini-player while browsing, and notifies live', async () => {
    await signIn(heidi, 'heidi', 'heidi-password');
    await eventually(() => text(heidi.getByTestId('unread')), '1', { what: 'unread after the DM' });

    await frank.getByRole('link', { name: 'Home', exact: true }).click();
    await miniPlayer().getByText('Night owls').waitFor();
    await frank.getByRole('link', { name: 'Messages' }).click();
    await frank.getByRole('heading', { name: 'Messages', exact: true }).waitFor();
    await frank
      .locator('ul.conversations')
      .getByRole('link', { name: /Heidi Klum/ })
      .click();
    await frank.getByRole('heading', { name: 'Heidi Klum' }).getByRole('link').click();
    await frank.getByRole('button', { name: 'Follow' }).click();
    await frank.getByRole('button', { name: 'Unfollow' }).waitFor();
    await screenshot(frank, 'profile-with-mini-player');
    await miniPlayer().getByText('1 person here').waitFor();

    // Heidi's badge counts the follow without a reload.
    await eventually(() => text(heidi.getByTestId('unread')), '2', { what: 'unread after follow' });
    await heidi.getByRole('link', { name: /Notifications/ }).click();
    await heidi.getByText('Frank Allen followed you').waitFor();
    await heidi.getByText('Frank Allen sent you a message').waitFor();
    await screenshot(heidi, 'notifications');
    await heidi.getByRole('link', { name: 'Messages' }).click();
    // In the conversation list only: until the route changes, the notifications
    // page also shows links named after Frank (one per notification).
    await heidi.getByRole('heading', { name: 'Messages', exact: true }).waitFor();
    await heidi
      .locator('ul.conversations')
      .getByRole('link', { name: /Frank Allen/ })
      .click();
    await heidi.locator('.space-card', { hasText: 'Night owls' }).waitFor();
    await screenshot(heidi, 'direct-message');
  });

  it('reconnects by itself after the server restarts, and follows the space again', async () => {
    await miniPlayer().getByRole('link').click();
    await frank.getByRole('heading', { name: 'Night owls' }).waitFor();
    server = await server.restart();
    await eventually(() => text(frank.locator('.connection')), 'Connected', {
      // The restart itself takes 5–10 s here; reconnect attempts back off to at most 8 s.
      timeout: 45_000,
      what: 'connection restored',
    });
    // Changes made after the restart still arrive: the subscription was renewed.
    await grace.call('PATCH', `/spaces/${spaceId}`, { title: 'Night owls, after midnight' });
    await frank.getByRole('heading', { name: 'Night owls, after midnight' }).waitFor();
    await eventually(() => text(frank.getByTestId('now-total')), '1', { what: 'listening now' });
  });

  it('leaves from the mini-player', async () => {
    await frank.getByRole('link', { name: 'Spaces', exact: true }).click();
    await miniPlayer().getByRole('button', { name: 'Leave' }).click();
    await miniPlayer().waitFor({ state: 'detached' });
    await eventually(
      async () => (await grace.call('GET', `/spaces/${spaceId}/counts`)).now_total,
      0,
      { what: 'nobody listening after leaving' },
    );
  });

  it('no page threw an uncaught error', () => {
    assert.deepEqual(errors, []);
  });
});
