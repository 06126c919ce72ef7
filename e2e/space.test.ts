/**
 * A space from three browsers: a host who signs up and opens a space, a
 * guest who opens its link without an account, and a signed-in listener who
 * asks to speak. Each step waits for what a person would see.
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
const DESKTOP = { width: 1100, height: 900 };

describe('a live space seen from three browsers', { timeout: 180_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let host: Page;
  let guest: Page;
  let carol: Page;
  let spaceUrl = '';
  const errors: string[] = [];

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    host = await newPage(browser, DESKTOP, errors);
    guest = await newPage(browser, PHONE, errors);
    carol = await newPage(browser, PHONE, errors);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const count = (page: Page) => text(page.getByTestId('now-total'));
  const tile = (page: Page, handle: string) => page.locator(`.stage-member[data-user="${handle}"]`);
  const micOf = async (page: Page, handle: string) =>
    (await tile(page, handle).locator('.mic').getAttribute('class', { timeout: 1000 }))?.includes(
      'mic-on',
    )
      ? 'on'
      : 'off';

  it('a host signs up, creates a space and sees it live', async () => {
    await host.goto(`${server.url}/signup`);
    await host.getByLabel('Handle').fill('ada');
    await host.getByLabel('Name').fill('Ada Lovelace');
    await host.getByLabel('Password').fill('analytical-engine');
    await host.getByRole('button', { name: 'Sign up' }).click();
    await host.getByRole('link', { name: 'Create' }).click();

    await host.getByLabel('Title').fill('Engines and poetry');
    await host.getByLabel('Description').fill('Can a machine compose music? Bring your questions.');
    await host.getByLabel('Topics').fill('science, music');
    await host.getByLabel(/Record this space/).check();
    await screenshot(host, 'create-space');
    await host.getByRole('button', { name: 'Start now' }).click();

    await host.waitForURL(/\/spaces\/[0-9a-z]{20}$/);
    spaceUrl = host.url();
    await host.getByRole('heading', { name: 'Engines and poetry' }).waitFor();
    await host.locator('.badge-live').first().waitFor();
    await host.locator('.badge-rec').waitFor();
    await tile(host, 'ada').waitFor();
    await eventually(() => count(host), '1', { what: 'host sees listening now' });
    await eventually(() => text(host.locator('.connection')), 'Connected', { what: 'connection' });
  });

  it('a guest opens the link without an account and sees the stage and counts update', async () => {
    await guest.goto(spaceUrl);
    await tile(guest, 'ada').waitFor();
    await guest.getByRole('link', { name: 'Sign in to request to speak' }).waitFor();
    await eventually(() => count(guest), '2', { what: 'guest sees listening now' });
    await eventually(() => count(host), '2', { what: 'host sees the guest arrive' });
    assert.equal(await text(guest.getByTestId('others')), '1 other listening');
  });

  it('a signed-in follower sees the live bubble on Home and asks to speak', async () => {
    // Setup through the API: Carol's account, following Ada, with a post of her own.
    const api = new ApiClient(server.url);
    await api.call('POST', '/auth/register', {
      handle: 'carol',
      display_name: 'Carol Shaw',
      password: 'river-raid-1982',
    });
    const ada = await api.call('GET', '/users/by-handle/ada');
    await api.call('POST', `/users/${ada.id}/follow`);
    await api.call('POST', '/posts', { text: 'Joining Ada in a minute, see you there!' });

    await carol.goto(`${server.url}/signin`);
    await carol.getByLabel('Handle').fill('carol');
    await carol.getByLabel('Password').fill('river-raid-1982');
    await carol.getByRole('button', { name: 'Sign in' }).click();
    const bubble = carol.locator('.bubble', { hasText: 'Engines and poetry' });
    await bubble.waitFor();
    await carol.locator('.post', { hasText: 'Joining Ada' }).waitFor();
    await screenshot(carol, 'home-bubbles');

    await carol.getByRole('link', { name: 'Spaces', exact: true }).click();
    await carol.getByRole('heading', { name: 'Live now' }).waitFor();
    await carol.locator('.space-card', { hasText: 'Engines and poetry' }).waitFor();
    await carol.getByLabel('Search spaces').fill('poetry');
    await screenshot(carol, 'spaces-tab');
    await carol.getByLabel('Search spaces').fill('gardening');
    await carol.getByText('No live spaces match.').waitFor();

    await carol.getByRole('link', { name: 'Home', exact: true }).click();
    await bubble.click();
    await carol.waitForURL(spaceUrl);
    await eventually(() => count(host), '3', { what: 'host sees Carol arrive' });
    await eventually(() => count(guest), '3', { what: 'guest sees Carol arrive' });
    await host.locator('.listener', { hasText: 'Carol Shaw' }).waitFor();

    await carol.getByRole('button', { name: 'Request to speak' }).click();
    await carol.getByRole('button', { name: 'Cancel request' }).waitFor();
  });

  it('the host approves; the new speaker starts muted and unmutes', async () => {
    await host.getByRole('button', { name: 'Approve Carol Shaw' }).click();
    await tile(host, 'carol').waitFor();
    await tile(guest, 'carol').waitFor();
    assert.equal(await micOf(host, 'carol'), 'off', 'a new speaker starts muted');

    await carol.getByRole('button', { name: 'Unmute', exact: true }).click();
    await carol.getByRole('button', { name: 'Mute', exact: true }).waitFor();
    await eventually(() => micOf(host, 'carol'), 'on', { what: 'host sees Carol unmuted' });
    await eventually(() => micOf(guest, 'carol'), 'on', { what: 'guest sees Carol unmuted' });
  });

  it('the host mutes the speaker', async () => {
    await tile(host, 'carol').click();
    const menu = host.getByRole('dialog', { name: 'Carol Shaw' });
    await menu.getByRole('button', { name: 'Mute', exact: true }).click();
    await menu.waitFor({ state: 'detached' });
    await eventually(() => micOf(host, 'carol'), 'off', { what: 'host sees Carol muted' });
    await carol.getByRole('button', { name: 'Unmute', exact: true }).waitFor();
    await eventually(() => micOf(guest, 'carol'), 'off', { what: 'guest sees Carol muted' });
  });

  it("a listener's reactions float on the host's screen", async () => {
    const floating = host.locator('.floater', { hasText: '❤' });
    // Aggregated reactions are best-effort: send a few until one floats.
    await eventually(
      async () => {
        await guest.getByRole('button', { name: 'React: Heart' }).click();
        await floating.first().waitFor({ state: 'attached', timeout: 1500 });
        return true;
      },
      true,
      { timeout: 10_000, what: 'a heart floats on the host screen' },
    );
    await screenshot(host, 'space-host');
    await screenshot(guest, 'space-listener');
  });

  it('the host ends the space for everyone', async () => {
    await host.getByRole('button', { name: 'End space' }).click();
    await host
      .getByRole('alertdialog', { name: 'End this space for everyone?' })
      .getByRole('button', { name: 'End for everyone' })
      .click();
    await host.getByText('This space has ended.').waitFor();
    await guest.getByText('This space has ended.').waitFor();
    await carol.getByText('This space has ended.').waitFor();
    assert.equal(await guest.getByRole('button', { name: 'React: Heart' }).count(), 0);
  });

  it('no page threw an uncaught error', () => {
    assert.deepEqual(errors, []);
  });
});
