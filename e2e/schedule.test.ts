/**
 * Scheduled spaces and replays in the app: a listener sets and removes a
 * reminder (on the Spaces tab's card and on the space page, the count
 * following); the host edits, reschedules, cancels and starts a space from
 * its page; upcoming spaces and replays show on the host's profile, and
 * replays in the Spaces tab's "Recorded".
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
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

const DESKTOP = { width: 1100, height: 900 };
const HOUR = 3600_000;

/** What a datetime-local input shows for `ms` in this machine's (and the browser's) time zone. */
function localInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

describe('scheduled spaces and replays', { timeout: 180_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let host: Page;
  let listener: Page;
  let hana: ApiClient;
  let vic: ApiClient;
  let dataDir = '';
  const errors: string[] = [];
  let upcomingId = '';
  let laterId = '';
  let recordedId = '';

  const register = async (handle: string, name: string) => {
    const api = new ApiClient(server.url);
    await api.call('POST', '/auth/register', {
      handle,
      display_name: name,
      password: `${handle}-password-1`,
    });
    return api;
  };

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'salon-e2e-schedule-'));
    server = await startServer({ DATABASE_URL: `sqlite:${path.join(dataDir, 'salon.db')}` });
    browser = await launchBrowser();
    hana = await register('hana', 'Hana Sato');
    vic = await register('vic', 'Victor Hugo');
    const schedule = (title: string, inHours: number) =>
      hana
        .call('POST', '/spaces', {
          title,
          topics: ['books'],
          scheduled_start: new Date(Date.now() + inHours * HOUR).toISOString(),
        })
        .then((s) => s.id as string);
    upcomingId = await schedule('Reading club', 2);
    laterId = await schedule('Poetry night', 30);

    // A recorded space that ended. Making its replay needs the media server
    // (e2e/audio.test.ts plays a real one); here the packager's last step is
    // written as it would write it: the replay is ready.
    recordedId = (await hana.call('POST', '/spaces', { title: 'Last chapter', recording: true }))
      .id;
    await hana.call('POST', `/spaces/${recordedId}/end`);
    const db = new SqliteDatabase(path.join(dataDir, 'salon.db'));
    const now = Date.now();
    db.prepare(
      `insert into space_recordings (space_id, state, replay, duration_ms, plays, created_at, finalized_at, deleted_at)
       values (?, 'finalized', 'ready', 60000, 0, ?, ?, null)
       on conflict (space_id) do update set state = 'finalized', replay = 'ready', duration_ms = 60000, finalized_at = excluded.finalized_at`,
    ).run(recordedId, now, now);
    db.close();

    host = await newPage(browser, DESKTOP, errors);
    listener = await newPage(browser, DESKTOP, errors);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    assert.deepEqual(errors, [], 'no script errors or CSP violations');
  });

  async function signIn(page: Page, handle: string) {
    await page.goto(`${server.url}/signin`);
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Password').fill(`${handle}-password-1`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Profile', exact: true }).waitFor();
  }

  const reminders = async (id: string) =>
    (await vic.call('GET', `/spaces/${id}/reminder`)).reminder_count as number;

  it('a listener sets a reminder on an upcoming card and removes it on the space page', async () => {
    await signIn(listener, 'vic');
    await listener.getByRole('link', { name: 'Spaces', exact: true }).first().click();
    const upcoming = listener.getByRole('region', { name: 'Upcoming' });
    const item = upcoming.locator('.space-item', { hasText: 'Reading club' });
    await item.getByTestId('reminder-count').getByText('0 reminders set').waitFor();
    await item.getByRole('button', { name: 'Remind me when “Reading club” starts' }).click();
    await item.getByTestId('reminder-count').getByText('1 reminder set').waitFor();
    const set = item.getByRole('button', { name: 'Reminder set for “Reading club”' });
    assert.equal(await set.getAttribute('aria-pressed'), 'true');
    assert.equal(await reminders(upcomingId), 1);

    await listener.reload();
    await item.getByRole('button', { name: 'Reminder set for “Reading club”' }).waitFor();
    await item.getByRole('link', { name: 'Reading club' }).click();
    const panel = listener.getByRole('region', { name: /^Starts / });
    await panel.getByTestId('reminder-count').getByText('1 reminder set').waitFor();
    await panel.getByRole('button', { name: 'Reminder set for “Reading club”' }).click();
    await panel.getByTestId('reminder-count').getByText('0 reminders set').waitFor();
    assert.equal(await reminders(upcomingId), 0);
    await panel.getByRole('button', { name: 'Remind me when “Reading club” starts' }).click();
    await panel.getByTestId('reminder-count').getByText('1 reminder set').waitFor();
    assert.equal(await panel.getByRole('button', { name: 'Start now' }).count(), 0, 'host only');
  });

  it('the host reschedules and edits a space from its page; the listener sees it move', async () => {
    await signIn(host, 'hana');
    await host.goto(`${server.url}/spaces/${upcomingId}`);
    const panel = host.getByRole('region', { name: /^Starts / });
    await panel.getByTestId('reminder-count').getByText('1 reminder set').waitFor();
    assert.equal(await panel.getByRole('button', { name: /Remind me/ }).count(), 0);

    const target = Date.now() + 5 * HOUR;
    await panel.getByRole('button', { name: 'Reschedule' }).click();
    const dialog = host.getByRole('dialog', { name: 'Reschedule' });
    await dialog.getByLabel('New start time').fill(localInput(Date.now() - HOUR));
    await dialog.getByRole('button', { name: 'Save the new time' }).click();
    await dialog.getByText('Choose a time in the future.').waitFor();
    await dialog.getByLabel('New start time').fill(localInput(target));
    await screenshot(host, 'schedule-reschedule');
    await dialog.getByRole('button', { name: 'Save the new time' }).click();
    await dialog.waitFor({ state: 'detached' });
    const expected = new Date(localInput(target)).toISOString();
    await eventually(
      async () => (await vic.call('GET', `/spaces/${upcomingId}`)).scheduled_start,
      expected,
      { what: 'scheduled_start' },
    );
    // Both pages show the new time, from the space's realtime snapshot.
    const shown = await panel.getByRole('heading').textContent();
    await listener
      .getByRole('region', { name: /^Starts / })
      .getByRole('heading', { name: shown!, exact: true })
      .waitFor();

    await panel.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = host.getByRole('dialog', { name: 'Edit space' });
    await edit.getByLabel('Title').fill('Reading club: Les Misérables');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await host.getByRole('heading', { name: 'Reading club: Les Misérables', level: 1 }).waitFor();
    await listener
      .getByRole('heading', { name: 'Reading club: Les Misérables', level: 1 })
      .waitFor();
    await screenshot(host, 'schedule-host');
  });

  it("upcoming spaces and replays are on the host's profile; replays in the Spaces tab's Recorded", async () => {
    await listener.goto(`${server.url}/u/hana`);
    const upcoming = listener.getByRole('region', { name: 'Upcoming spaces' });
    const titles = upcoming.locator('.space-card h3');
    await titles.first().waitFor();
    assert.deepEqual(await titles.allTextContents(), [
      'Reading club: Les Misérables',
      'Poetry night',
    ]);
    await upcoming
      .locator('.space-item', { hasText: 'Reading club' })
      .getByText('1 reminder set')
      .waitFor();
    const recorded = listener.getByRole('region', { name: 'Recorded' });
    const replay = recorded.getByRole('link', { name: 'Replay of Last chapter' });
    await replay.waitFor();
    await screenshot(listener, 'profile-host');
    await replay.click();
    await listener.waitForURL(`**/spaces/${recordedId}/replay`);

    await listener.getByRole('link', { name: 'Spaces', exact: true }).first().click();
    const tab = listener.getByRole('region', { name: 'Recorded' });
    await tab.getByRole('link', { name: 'Replay of Last chapter' }).waitFor();
    assert.equal(
      await listener.getByRole('region', { name: 'Live now' }).getByText('Last chapter').count(),
      0,
    );
  });

  it('the host cancels one space and starts the other now', async () => {
    await host.goto(`${server.url}/spaces/${laterId}`);
    const panel = host.getByRole('region', { name: /^Starts / });
    await panel.getByRole('button', { name: 'Cancel space' }).click();
    const confirm = host.getByRole('alertdialog', { name: 'Cancel this space?' });
    await confirm.getByRole('button', { name: 'Keep it' }).click();
    await confirm.waitFor({ state: 'detached' });
    await panel.getByRole('button', { name: 'Cancel space' }).click();
    await confirm.getByRole('button', { name: 'Cancel the space' }).click();
    await host.getByText('This space was cancelled.').waitFor();
    assert.equal((await vic.call('GET', `/spaces/${laterId}`)).state, 'cancelled');

    await host.goto(`${server.url}/spaces/${upcomingId}`);
    await host
      .getByRole('region', { name: /^Starts / })
      .getByRole('button', { name: 'Start now' })
      .click();
    await eventually(async () => (await vic.call('GET', `/spaces/${upcomingId}`)).state, 'live', {
      what: 'state',
    });
    await host.getByRole('button', { name: 'End space' }).waitFor();
    assert.equal(await host.getByRole('region', { name: /^Starts / }).count(), 0);
    // The listener who set a reminder is told it went live.
    await eventually(
      async () =>
        ((await vic.call('GET', '/notifications')).data as { space_id?: string }[]).some((n) =>
          JSON.stringify(n).includes(upcomingId),
        ),
      true,
      { what: 'reminder notification' },
    );
  });
});
