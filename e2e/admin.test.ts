/**
 * The admin console, walked as an instance's people would:
 * - the first account is told once that it administers the instance;
 * - someone reports a live space; the admin opens the report, ends the space,
 *   plays the audio kept for review, and upholds with a reason;
 * - the reported host reads the decision and appeals; the admin grants the
 *   appeal; the decision log shows both;
 * - someone who may not host is told so on the create screen, asks an admin,
 *   the admin grants it, and they start a space;
 * - the admin makes someone a moderator and suspends a spammer;
 * - a member cannot open /admin, and sees no Admin link.
 * Real server (hosting needs 5 followers here), real Chromium.
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
} from './support.ts';

const DESKTOP = { width: 1280, height: 900 };

describe('admin console', () => {
  let server: RunningServer;
  let browser: Browser;
  const errors: string[] = [];
  const pages: Record<string, Page> = {};
  let spaceId = '';
  const api: Record<string, ApiClient> = {};

  async function register(handle: string, name: string) {
    const client = new ApiClient(server.url);
    const { user } = await client.call('POST', '/auth/register', {
      handle,
      display_name: name,
      password: `${handle}-password-1`,
    });
    api[handle] = client;
    return user.id as string;
  }

  async function signIn(handle: string): Promise<Page> {
    const page = await newPage(browser, DESKTOP, errors);
    pages[handle] = page;
    await page.goto(`${server.url}/signin`);
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Password').fill(`${handle}-password-1`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Profile', exact: true }).waitFor();
    return page;
  }

  before(async () => {
    server = await startServer({ HOST_MIN_FOLLOWERS: '5', HOST_GRACE_SECONDS: '3600' });
    browser = await launchBrowser();
    // The first account of the instance: its admin.
    await register('olive', 'Olive Owner');
    const rex = await register('rex', 'Rex Loud');
    await register('rita', 'Rita Porter');
    await register('hope', 'Hope Newcomer');
    await register('spammer', 'Sam Spammer');
    await api.olive!.call('PUT', `/admin/users/${rex}/hosting`, { can_host: true });
    spaceId = (await api.rex!.call('POST', '/spaces', { title: 'Loud room' })).id;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('tells the first account, once, that it administers the instance', async () => {
    const olive = await signIn('olive');
    const notice = olive.getByRole('region', { name: "You are this instance's admin" });
    await notice.waitFor();
    // The notice goes at once; the server is told alongside. Reload only once
    // it has answered, or the reload can read the notices before the dismissal.
    const told = olive.waitForResponse(
      (r) => r.request().method() === 'DELETE' && r.url().includes('/me/notices/instance_admin'),
    );
    await notice.getByRole('button', { name: 'Got it' }).click();
    await notice.waitFor({ state: 'detached' });
    assert.ok((await told).ok(), 'the server took the dismissal');
    await olive.reload();
    await olive.getByRole('link', { name: 'Admin', exact: true }).waitFor();
    assert.equal(
      await olive.getByRole('region', { name: "You are this instance's admin" }).count(),
      0,
      'dismissed for good (remembered by the server)',
    );
  });

  it('someone reports a live space', async () => {
    const rita = await signIn('rita');
    await rita.goto(`${server.url}/spaces/${spaceId}`);
    await rita.getByRole('button', { name: 'Report', exact: true }).click();
    const dialog = rita.getByRole('dialog', { name: /^Report/ });
    await dialog.getByLabel('Reason').selectOption('abuse');
    await dialog.getByLabel(/Details/).fill('Shouting insults at the audience');
    await dialog.locator('button[type="submit"]').click();
    await dialog.getByRole('status').waitFor();
    await rita.keyboard.press('Escape');
  });

  it('the admin opens the report, ends the space, plays the kept audio and upholds with a reason', async () => {
    const olive = pages.olive!;
    await olive.getByRole('link', { name: 'Admin', exact: true }).click();
    await olive.getByRole('heading', { name: 'Admin console' }).waitFor();
    const card = olive.getByRole('article', { name: 'Abuse or harassment · Loud room' });
    await card.getByText('Shouting insults at the audience').waitFor();
    await card.getByRole('link', { name: /Rex Loud/ }).waitFor();
    await card.getByRole('link', { name: /Rita Porter/ }).waitFor();
    await card.getByText('Live', { exact: true }).waitFor();
    await screenshot(olive, 'admin-reports');

    // A few seconds of audio archived before the end, so there is something to hear.
    await eventually(
      async () => {
        const { url } = await api.olive!.call('GET', `/moderation/archives/${spaceId}/audio`);
        const playlist = await (await fetch(url)).text();
        return (playlist.match(/#EXTINF/g) ?? []).length >= 3;
      },
      true,
      { timeout: 20_000, what: 'archived segments' },
    );

    await card.getByRole('button', { name: 'End the space' }).click();
    const confirm = olive.getByRole('alertdialog', { name: 'End this space for a violation?' });
    await confirm.getByLabel('Reason (kept in the decision log)').fill('Insults at the audience');
    await confirm.getByRole('button', { name: 'End it for everyone' }).click();
    await card.getByText('Ended', { exact: true }).waitFor();
    const space = await api.olive!.call('GET', `/spaces/${spaceId}`);
    assert.equal(space.state, 'ended');

    await card.getByRole('button', { name: 'Listen to the kept audio' }).click();
    const audio = card.getByTestId('archive-audio');
    await audio.waitFor();
    await eventually(() => audio.evaluate((a: HTMLAudioElement) => a.duration > 2), true, {
      timeout: 20_000,
      what: 'the archive has a duration',
    });
    await audio.evaluate((a: HTMLAudioElement) => a.play());
    await eventually(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime > 0.5), true, {
      timeout: 20_000,
      what: 'the archive plays',
    });
    await audio.evaluate((a: HTMLAudioElement) => a.pause());

    // No decision without a reason: the person concerned reads it.
    await card.getByRole('button', { name: 'Uphold' }).click();
    await card.getByText('Give a reason: the person concerned will read it.').waitFor();
    await card.getByLabel('Reason for your decision').fill('Insults on stage, heard in the audio');
    await card.getByRole('button', { name: 'Uphold' }).click();
    await olive.getByText('No open reports: nothing is waiting for a decision.').waitFor();
    await olive.getByRole('button', { name: 'Upheld' }).click();
    await olive
      .getByRole('article', { name: 'Abuse or harassment · Loud room' })
      .getByText('Insults on stage, heard in the audio')
      .waitFor();
  });

  it('the reported host reads the decision and appeals', async () => {
    const rex = await signIn('rex');
    const notice = rex.getByRole('region', { name: 'A moderator upheld a report about you' });
    await notice.getByRole('link', { name: 'Read the decision' }).click();
    await rex.getByRole('heading', { name: 'Decisions about your account' }).waitFor();
    await rex.getByText('Insults on stage, heard in the audio').waitFor();
    await rex
      .getByLabel('Why should this decision be reviewed?')
      .fill('It was a scripted comedy sketch, announced at the start');
    await rex.getByRole('button', { name: 'Send the appeal' }).click();
    await rex
      .getByText('You appealed. A moderator will review it and you will be notified.')
      .waitFor();
  });

  it('the admin decides the appeal, and the decision log shows it all', async () => {
    const olive = pages.olive!;
    await olive.getByRole('link', { name: 'Appeals', exact: true }).click();
    const card = olive.getByRole('article', { name: 'Appeal from Rex Loud' });
    await card.getByText('It was a scripted comedy sketch, announced at the start').waitFor();
    await card.getByText('Insults on stage, heard in the audio').waitFor();
    await screenshot(olive, 'admin-appeals');
    await card.getByLabel('Reason for your decision').fill('Satire, announced as such; overturned');
    await card.getByRole('button', { name: 'Grant (overturn)' }).click();
    await olive.getByText('No appeals are waiting.').waitFor();

    await olive.getByRole('link', { name: 'Decision log', exact: true }).click();
    const log = olive.locator('ol.admin-log');
    const upheld = log.locator('li[data-action="report_upheld"]');
    await upheld.getByText('upheld a report about').waitFor();
    await upheld.getByRole('link', { name: /Rex Loud/ }).waitFor();
    await upheld.getByText('Insults on stage, heard in the audio').waitFor();
    const granted = log.locator('li[data-action="appeal_granted"]');
    await granted.getByText('granted the appeal of').waitFor();
    await granted.getByText('Satire, announced as such; overturned').waitFor();
    await log.locator('li[data-action="appeal_filed"]').waitFor();
    const ended = log.locator('li[data-action="space_ended"]');
    await ended.getByText('ended a space of').waitFor();
    await ended.getByText('Insults at the audience').waitFor();
    await screenshot(olive, 'admin-log');

    const rex = pages.rex!;
    await rex.reload();
    await rex.getByText('Your appeal was granted: the decision was overturned.').waitFor();
  });

  it('someone who may not host is told at once, asks an admin, is granted, and starts a space', async () => {
    const hope = await signIn('hope');
    await hope.getByRole('link', { name: 'Create', exact: true }).click();
    await hope.getByRole('heading', { name: 'You cannot host a space yet' }).waitFor();
    await hope.getByText('Hosting on this instance needs 5 followers. You have 0.').waitFor();
    assert.equal(await hope.getByLabel('Title').count(), 0, 'no form to fill in vain');
    await hope.getByLabel('A word for the admins (optional)').fill('I run the jazz club downtown');
    await hope.getByRole('button', { name: 'Ask an admin to let me host' }).click();
    await hope.getByText(/Your request is with the admins/).waitFor();
    await screenshot(hope, 'create-eligibility');

    const olive = pages.olive!;
    await olive.getByRole('link', { name: 'Hosting requests', exact: true }).click();
    const card = olive.getByRole('article', { name: 'Hope Newcomer asks to host' });
    await card.getByText('I run the jazz club downtown').waitFor();
    await card.getByLabel('A word for them (optional)').fill('Welcome, have fun');
    await card.getByRole('button', { name: 'Grant hosting' }).click();
    await olive.getByText('No requests to host are waiting.').waitFor();

    await hope.reload();
    await hope.getByLabel('Title').fill('Jazz club night');
    await hope.getByRole('button', { name: 'Start now' }).click();
    await hope.waitForURL(/\/spaces\/[0-9a-z]{20}$/);
    const kinds = (await api.hope!.call('GET', '/notifications')).data.map((n: any) => n.kind);
    assert.ok(kinds.includes('hosting_granted'), 'told of the answer');
  });

  it('the admin finds people, makes a moderator and suspends a spammer', async () => {
    const olive = pages.olive!;
    await olive.getByRole('link', { name: 'People', exact: true }).click();
    const search = olive.getByRole('searchbox', { name: 'Search people' });
    await search.fill('rita');
    await search.press('Enter');
    const rita = olive.getByRole('article', { name: 'Rita Porter' });
    await rita.getByRole('button', { name: 'Make Rita Porter a moderator' }).click();
    await rita.getByText('Moderator', { exact: true }).waitFor();

    await search.fill('spam');
    await search.press('Enter');
    const sam = olive.getByRole('article', { name: 'Sam Spammer' });
    await sam.getByRole('button', { name: 'Suspend Sam Spammer' }).click();
    const dialog = olive.getByRole('dialog', { name: 'Suspend Sam Spammer?' });
    await dialog.getByLabel('Reason for the suspension').fill('Links to scams in every space');
    await dialog.getByRole('button', { name: 'Suspend the account' }).click();
    await sam.getByText('Suspended', { exact: true }).waitFor();
    await sam.getByRole('button', { name: 'Lift the suspension of Sam Spammer' }).waitFor();
    await screenshot(olive, 'admin-people');

    // The new moderator has the console, without the admins' hosting requests.
    const page = pages.rita!;
    await page.goto(`${server.url}/admin`);
    await page.getByRole('heading', { name: 'Admin console' }).waitFor();
    await page.getByRole('link', { name: 'Reports', exact: true }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Hosting requests' }).count(), 0);
  });

  it('a member cannot open the console, and sees no Admin link', async () => {
    const hope = pages.hope!;
    await hope.goto(`${server.url}/admin/reports`);
    await hope.getByRole('heading', { name: 'You are not allowed here' }).waitFor();
    assert.equal(await hope.getByRole('link', { name: 'Admin', exact: true }).count(), 0);
    const refused = await fetch(`${server.url}/api/v1/moderation/reports`, {
      headers: { authorization: 'Bearer nope' },
    });
    assert.equal(refused.status, 401);
  });

  it('no page threw an uncaught error', () => {
    assert.deepEqual(errors, []);
  });
});
