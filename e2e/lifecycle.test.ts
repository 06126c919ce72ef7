/**
 * The lifecycle of a space in browsers: a host who closes the tab (listeners
 * see "The host is reconnecting…", then the end with "host left"), a host
 * who leaves with the confirmation, a handover to a co-host, an ended
 * space's page, guests refused once the host turns them off, and the
 * notices people get when something is done to them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
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
const GRACE_S = 3;

interface Person {
  id: string;
  handle: string;
  call<T = any>(method: string, route: string, body?: unknown): Promise<T>;
  /** A browser page signed in as this person. */
  page(viewport?: { width: number; height: number }): Promise<Page>;
}

describe('the lifecycle of a space', { timeout: 240_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  const errors: string[] = [];

  before(async () => {
    server = await startServer({ MEDIA: 'off', HOST_GRACE_SECONDS: String(GRACE_S) });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** An account made through the API; its pages carry its session cookie. */
  async function person(handle: string, name: string): Promise<Person> {
    let cookie = '';
    const call = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${server.url}/api/v1${route}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(cookie ? { cookie } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const set = response.headers.getSetCookie().find((c) => c.startsWith('salon_session='));
      if (set) cookie = set.split(';')[0]!;
      const data = await response.json().catch(() => null);
      if (!response.ok)
        throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(data)}`);
      return data;
    };
    const me = await call('POST', '/auth/register', {
      handle,
      display_name: name,
      password: `${handle}-long-password-42`,
    });
    return {
      id: me.user?.id ?? me.id,
      handle,
      call,
      async page(viewport = DESKTOP) {
        const page = await newPage(browser, viewport, errors);
        const [nameValue, value] = cookie.split('=') as [string, string];
        await page.context().addCookies([{ name: nameValue, value, url: server.url }]);
        return page;
      },
    };
  }

  async function liveSpace(host: Person, title: string): Promise<string> {
    const space = await host.call('POST', '/spaces', { title });
    return `${server.url}/spaces/${space.id}`;
  }

  const endedReason = (page: Page) => text(page.getByTestId('ended-reason'));
  const open = async (page: Page, url: string) => {
    await page.goto(url);
    await page.getByRole('list', { name: 'On stage' }).waitFor();
  };

  it('the host closes the tab: listeners see "The host is reconnecting…", then the end with "host left"', async () => {
    const host = await person('gracehost', 'Grace Host');
    const listener = await person('gracelistener', 'Lena Listener');
    const url = await liveSpace(host, 'Closing the tab');
    const hostPage = await host.page();
    await open(hostPage, url);
    const page = await listener.page(PHONE);
    await open(page, url);
    await hostPage.close();
    await page.getByTestId('host-away').waitFor();
    assert.match(await text(page.getByTestId('host-away')), /The host is reconnecting…/);
    await screenshot(page, 'lifecycle-host-reconnecting');
    await page.getByTestId('ended-reason').waitFor({ timeout: GRACE_S * 1000 + 15_000 });
    assert.equal(await endedReason(page), 'It ended because the host left.');
    assert.equal(await page.getByTestId('host-away').count(), 0);
    assert.equal(await page.getByTestId('counts').count(), 0, 'no "people here" once ended');
    assert.equal(await page.locator('[data-speaking="true"]').count(), 0, 'no speaking ring');
    await screenshot(page, 'lifecycle-ended-host-left');
    await page.close();
  });

  it('the host presses Leave: a confirmation says it ends the space, then it ends for everyone', async () => {
    const host = await person('leavehost', 'Leo Host');
    const listener = await person('leavelistener', 'Lou Listener');
    const url = await liveSpace(host, 'Leaving on purpose');
    const hostPage = await host.page();
    await open(hostPage, url);
    const page = await listener.page(PHONE);
    await open(page, url);
    await eventually(() => text(page.getByTestId('now-total')), '2', { what: 'people here' });

    await hostPage.getByRole('button', { name: 'Leave', exact: true }).click();
    const dialog = hostPage.getByRole('alertdialog', {
      name: 'Leave and end the space for everyone?',
    });
    await dialog.waitFor();
    assert.match(await text(dialog), /Make someone co-host to be able to hand the space over/);
    await screenshot(hostPage, 'lifecycle-leave-confirmation');
    // Staying changes nothing.
    await dialog.getByRole('button', { name: 'Stay' }).click();
    assert.equal(await page.getByTestId('ended-reason').count(), 0);
    await hostPage.getByRole('button', { name: 'Leave', exact: true }).click();
    await dialog.getByRole('button', { name: 'Leave and end' }).click();

    await page.getByTestId('ended-reason').waitFor();
    assert.equal(await endedReason(page), 'The host ended it.');
    assert.match(await text(page.getByTestId('ended-total')), /^2 people listened in total$/);
    assert.match(await text(page.locator('.ended-summary')), /Ended .*Lasted /s);
    assert.match(await text(page.locator('.ended-summary')), /not recorded/);
    await screenshot(page, 'lifecycle-ended-space');
    // A fresh visit to the link shows the same summary.
    const later = await listener.page();
    await later.goto(url);
    await later.getByTestId('ended-reason').waitFor();
    assert.equal(await later.getByTestId('counts').count(), 0);
    await Promise.all([hostPage.close(), page.close(), later.close()]);
  });

  it('the host hands the space to a co-host, who has every host power and ends it', async () => {
    const host = await person('handhost', 'Hana Host');
    const cohost = await person('handcohost', 'Carl Cohost');
    const url = await liveSpace(host, 'Passing the baton');
    const spaceId = url.split('/').pop()!;
    await host.call('POST', `/spaces/${spaceId}/invitations`, {
      user_id: cohost.id,
      role: 'cohost',
    });
    await cohost.call('POST', `/spaces/${spaceId}/invitation/accept`);
    const hostPage = await host.page();
    await open(hostPage, url);
    const coPage = await cohost.page(PHONE);
    await open(coPage, url);
    assert.equal(await coPage.getByRole('button', { name: 'End space' }).count(), 0);

    await hostPage.getByRole('button', { name: 'Leave', exact: true }).click();
    const dialog = hostPage.getByRole('alertdialog');
    await dialog.getByRole('button', { name: 'Hand over to Carl Cohost' }).click();
    await coPage.getByText('You are now the host of this space.').waitFor();
    const stage = coPage.getByRole('list', { name: 'On stage' });
    await eventually(
      () => text(stage.locator('.stage-member[data-user="handcohost"] .stage-role')),
      'Host',
      { what: "the co-host's role" },
    );
    assert.equal(await stage.locator('.stage-member[data-user="handhost"]').count(), 0);
    await screenshot(coPage, 'lifecycle-handover-new-host');
    // The former host stays, as a listener, without the host's tools.
    await hostPage.getByRole('button', { name: 'Request to speak' }).waitFor();
    assert.equal(await hostPage.getByRole('button', { name: 'End space' }).count(), 0);

    await coPage.getByRole('button', { name: 'End space' }).click();
    await coPage
      .getByRole('alertdialog', { name: 'End this space for everyone?' })
      .getByRole('button', { name: 'End for everyone' })
      .click();
    await hostPage.getByTestId('ended-reason').waitFor();
    assert.equal(await endedReason(hostPage), 'The host ended it.');
    await Promise.all([hostPage.close(), coPage.close()]);
  });

  it('turning off listeners without an account sends the guests away and keeps new ones out', async () => {
    const host = await person('guesthost', 'Gus Host');
    const url = await liveSpace(host, 'Raid shield');
    const hostPage = await host.page();
    await open(hostPage, url);
    const guestPage = await newPage(browser, PHONE, errors);
    await open(guestPage, url);

    const toggle = hostPage.getByRole('checkbox', { name: 'Allow listeners without an account' });
    assert.equal(await toggle.isChecked(), true);
    // The box follows the space: it turns off when the server's event arrives.
    await toggle.click();
    await eventually(() => toggle.isChecked(), false, { what: 'the setting off' });
    const refusal = 'The host allows only listeners with an account in this space.';
    await guestPage.getByText(refusal).waitFor();
    await screenshot(guestPage, 'lifecycle-guests-refused');
    const fresh = await newPage(browser, PHONE, errors);
    await fresh.goto(url);
    await fresh.getByText(refusal).waitFor();
    assert.equal(await fresh.getByRole('list', { name: 'On stage' }).count(), 0);
    await Promise.all([hostPage.close(), guestPage.close(), fresh.close()]);
  });

  it('people are told when the host mutes them, moves them off the stage or declines their request', async () => {
    const host = await person('noticehost', 'Nora Host');
    const speaker = await person('noticespeaker', 'Sam Speaker');
    const asker = await person('noticeasker', 'Ari Asker');
    const url = await liveSpace(host, 'Telling people');
    const spaceId = url.split('/').pop()!;
    await speaker.call('POST', `/spaces/${spaceId}/requests`);
    await host.call('POST', `/spaces/${spaceId}/requests/${speaker.id}/approve`);
    await speaker.call('POST', `/spaces/${spaceId}/stage/${speaker.id}/unmute`);
    const hostPage = await host.page();
    await open(hostPage, url);
    const speakerPage = await speaker.page(PHONE);
    await open(speakerPage, url);
    const askerPage = await asker.page(PHONE);
    await open(askerPage, url);

    // Muted by the host, from the speaker's tile.
    await hostPage.locator('.stage-member[data-user="noticespeaker"]').click();
    await hostPage.getByRole('dialog').getByRole('button', { name: 'Mute', exact: true }).click();
    await speakerPage.getByText('The host muted your microphone.').waitFor();
    await screenshot(speakerPage, 'lifecycle-notice-muted');

    // Moved off the stage.
    await hostPage.locator('.stage-member[data-user="noticespeaker"]').click();
    await hostPage.getByRole('dialog').getByRole('button', { name: 'Remove from stage' }).click();
    await speakerPage.getByText('You were moved off the stage. You are listening again.').waitFor();

    // A request declined.
    await askerPage.getByRole('button', { name: 'Request to speak' }).click();
    await askerPage.getByText('Request sent').waitFor();
    await hostPage.getByRole('button', { name: 'Decline Ari Asker' }).click();
    await askerPage.getByText('Your request to speak was declined.').waitFor();

    // Removing asks first and says what it covers.
    const listItem = hostPage.getByRole('button', { name: 'Ari Asker' });
    await listItem.click();
    await hostPage.getByRole('dialog').getByRole('button', { name: 'Remove from space' }).click();
    const confirm = hostPage.getByRole('alertdialog', {
      name: 'Remove Ari Asker from this space?',
    });
    assert.match(await text(confirm), /new browser used without an account/);
    await screenshot(hostPage, 'lifecycle-remove-confirmation');
    await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
    await askerPage.getByText('You were removed from this space.').waitFor();
    await Promise.all([hostPage.close(), speakerPage.close(), askerPage.close()]);
    assert.deepEqual(errors, []);
  });
});
