/**
 * Settings, posts and messages as a person uses them: theme and language,
 * changing the password, signing out another browser and every browser, API
 * tokens, a notification kind turned off, Web Push turned on from a click,
 * unblocking; links in posts (and a hostile post that stays text), deleting
 * your own post; a message arriving live in an open conversation, and the
 * unread badge on Messages.
 *
 * Headless Chromium has no push service (subscribing fails with "push service
 * not available"), so the browser's PushManager is stood in for by a
 * subscription to a local push endpoint: everything else is real, the
 * permission asked from the click, the app's service worker, the server's
 * VAPID-signed, encrypted delivery to that endpoint.
 */
import assert from 'node:assert/strict';
import { createECDH, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  ApiClient,
  eventually,
  launchBrowser,
  type RunningServer,
  screenshot,
  startServer,
  text,
  watchCsp,
} from './support.ts';

const DESKTOP = { width: 1280, height: 900 };
const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const OLD_PASSWORD = 'bea-password-1';
const NEW_PASSWORD = 'quiet lanterns over the harbour';

describe('settings, posts and messages', { timeout: 240_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let pushService: Server;
  let pushUrl = '';
  const pushes: { url: string; headers: IncomingHttpHeaders; bytes: number }[] = [];
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  let bea: Page; // desktop
  let phone: Page; // the same person on an iPhone
  let ada: ApiClient; // the instance's first account: an admin, who may host
  let cal: ApiClient;
  let beaId = '';
  let adaId = '';
  let calId = '';

  async function open(options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: DESKTOP, ...options });
    contexts.push(context);
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
    await watchCsp(page, errors);
    return page;
  }

  async function signIn(page: Page, password: string, expectOk = true) {
    await page.goto(`${server.url}/signin`);
    await page.getByLabel('Handle').fill('bea');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    if (expectOk) await page.getByRole('link', { name: 'Profile' }).waitFor();
  }

  /** Signed out: the app shows the sign-in links again. */
  async function assertSignedOut(page: Page) {
    await page.reload();
    await page
      .getByRole('link', { name: 'Sign in' })
      .first()
      .waitFor()
      .catch(async (error) => {
        throw new Error(`${error}\n${page.url()}\n${await page.locator('body').textContent()}`);
      });
    assert.equal(await page.getByRole('link', { name: 'Profile' }).count(), 0);
  }

  const settings = async (page: Page) => {
    await page.goto(`${server.url}/settings`);
    await page
      .getByRole('heading', { name: 'Settings', level: 1 })
      .waitFor()
      .catch(async (error) => {
        throw new Error(`${error}\n${page.url()}\n${await page.locator('body').textContent()}`);
      });
  };
  const section = (page: Page, name: string) => page.getByRole('region', { name, exact: true });

  before(async () => {
    pushService = createServer((request, response) => {
      let bytes = 0;
      request.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      request.on('end', () => {
        pushes.push({ url: request.url ?? '', headers: request.headers, bytes });
        response.writeHead(201).end();
      });
    });
    await new Promise<void>((resolve) => pushService.listen(0, '127.0.0.1', resolve));
    pushUrl = `http://127.0.0.1:${(pushService.address() as AddressInfo).port}`;

    server = await startServer({ PUSH_ALLOW_LOCAL_ENDPOINTS: 'true' });
    browser = await launchBrowser();
    ada = new ApiClient(server.url);
    adaId = (
      await ada.call('POST', '/auth/register', {
        handle: 'ada',
        display_name: 'Ada Lovelace',
        password: 'analytical-engine',
      })
    ).user.id;
    const beaApi = new ApiClient(server.url);
    beaId = (
      await beaApi.call('POST', '/auth/register', {
        handle: 'bea',
        display_name: 'Béatrice Marin',
        password: OLD_PASSWORD,
      })
    ).user.id;
    cal = new ApiClient(server.url);
    calId = (
      await cal.call('POST', '/auth/register', {
        handle: 'cal',
        display_name: 'Calvin Ortiz',
        password: 'calvin-password',
      })
    ).user.id;
    await beaApi.call('POST', `/users/${calId}/block`);
    bea = await open();
    phone = await open({ userAgent: IPHONE_UA, viewport: { width: 390, height: 844 } });
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
    await new Promise((resolve) => pushService?.close(resolve));
  });

  it('theme and language apply at once and are remembered', async () => {
    await signIn(bea, OLD_PASSWORD);
    await bea.getByRole('link', { name: 'Settings' }).click();
    await bea.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    const theme = () => bea.evaluate(() => document.documentElement.dataset.theme);
    const background = () =>
      bea.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    assert.equal(await theme(), 'dark', 'Salon is dark until someone chooses');
    const dark = await background();

    await bea.getByRole('radio', { name: 'Light' }).check();
    assert.equal(await theme(), 'light');
    await eventually(background, 'rgb(246, 243, 252)', { what: 'light background' });
    await bea.reload();
    await bea.getByRole('radio', { name: 'Light' }).waitFor();
    assert.equal(await theme(), 'light', 'remembered');
    assert.ok(await bea.getByRole('radio', { name: 'Light' }).isChecked());
    await screenshot(bea, 'settings-light');

    // "Same as this device" follows the system's preference, as it changes.
    await bea.getByRole('radio', { name: 'Same as this device' }).check();
    await bea.emulateMedia({ colorScheme: 'light' });
    await eventually(background, 'rgb(246, 243, 252)', { what: 'system light' });
    await bea.emulateMedia({ colorScheme: 'dark' });
    await eventually(background, dark, { what: 'system dark' });
    await bea.emulateMedia({ colorScheme: 'light' });
    await bea.getByRole('radio', { name: 'Dark' }).check();
    await eventually(background, dark, { what: 'dark background again' });

    await bea.getByRole('radio', { name: 'Français' }).check();
    await bea.getByRole('heading', { name: 'Réglages', level: 1 }).waitFor();
    assert.equal(await bea.evaluate(() => document.documentElement.lang), 'fr');
    await section(bea, 'Mot de passe').waitFor();
    await bea.reload();
    await bea.getByRole('heading', { name: 'Réglages', level: 1 }).waitFor();
    await screenshot(bea, 'settings-fr');
    await bea.getByRole('radio', { name: 'English' }).check();
    await bea.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  });

  it('changing the password refuses a wrong current one, signs the other browser out, and the new one works', async () => {
    await signIn(phone, OLD_PASSWORD);
    await settings(bea);
    const form = section(bea, 'Password');
    await form.getByLabel('Current password').fill('not my password');
    await form.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await form.getByLabel('New password again').fill(NEW_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByText('The current password is not right.').waitFor();

    await form.getByLabel('Current password').fill(OLD_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form
      // The phone, and the API client that registered Bea for this test.
      .getByText('Your password was changed, and 2 other browsers were signed out.')
      .waitFor();
    await assertSignedOut(phone);

    await signIn(phone, OLD_PASSWORD, false);
    await phone.getByRole('alert').waitFor();
    assert.equal(await phone.getByRole('link', { name: 'Profile' }).count(), 0, 'old one refused');
    await signIn(phone, NEW_PASSWORD);
  });

  it('lists the browsers signed in with their device, and signs one out from here', async () => {
    await settings(bea);
    const list = section(bea, 'Where you are signed in').getByRole('list', {
      name: 'Signed-in browsers',
    });
    await list.getByText('Safari on iOS').waitFor();
    const current = list.getByRole('listitem').filter({ hasText: 'This browser' });
    assert.equal(await current.count(), 1);
    assert.match(await text(current), /Chrom(e|ium) on Linux/);
    await screenshot(bea, 'settings');
    await list.getByRole('button', { name: 'Sign out Safari on iOS' }).click();
    await list.getByText('Safari on iOS').waitFor({ state: 'detached' });
    // The phone's open page learns it at its socket's next ping (every 20 s), without a reload.
    await phone.getByRole('link', { name: 'Sign in' }).first().waitFor({ timeout: 30_000 });
    await assertSignedOut(phone);
    await bea.reload();
    await list.getByText('This browser').waitFor();
    assert.equal(await list.getByText('Safari on iOS').count(), 0);
  });

  it('creates an API token shown once, which works until it is revoked', async () => {
    await settings(bea);
    const tokens = section(bea, 'API tokens');
    await tokens.getByText('No API tokens.').waitFor();
    await tokens.getByLabel('Token name').fill('deploy bot');
    await tokens.getByRole('button', { name: 'Create token' }).click();
    const value = await tokens.getByLabel('New token').inputValue();
    assert.match(value, /^s_/);
    const me = () =>
      fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${value}` } });
    assert.equal((await me()).status, 200);

    await tokens.getByRole('button', { name: 'Revoke deploy bot' }).click();
    const dialog = bea.getByRole('alertdialog', { name: 'Revoke “deploy bot”?' });
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await dialog.waitFor({ state: 'detached' });
    await tokens.getByText('No API tokens.').waitFor();
    assert.equal((await me()).status, 401);
  });

  it('a notification kind turned off no longer arrives; turned on, it does', async () => {
    await settings(bea);
    const table = section(bea, 'Notifications').getByRole('table');
    const invites = table.getByRole('checkbox', { name: 'Invitations to a space: in the app' });
    assert.ok(await invites.isChecked());
    const saved = bea.waitForResponse(
      (r) => r.url().endsWith('/notifications/preferences') && r.request().method() === 'PATCH',
    );
    await invites.uncheck();
    assert.equal((await saved).status(), 200);
    // Follows and messages always show in the app: only their push can be turned off.
    assert.ok(
      await table.getByRole('checkbox', { name: 'New followers: in the app' }).isDisabled(),
    );

    const space = await ada.call('POST', '/spaces', { title: 'Harbour stories' });
    const first = await ada.call('POST', `/spaces/${space.id}/invites`, { user_ids: [beaId] });
    assert.deepEqual(first.skipped, [{ user_id: beaId, reason: 'notifications_off' }]);
    await bea.goto(`${server.url}/notifications`);
    await bea.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    await bea.getByText('Nothing yet.').waitFor();

    await settings(bea);
    const resaved = bea.waitForResponse(
      (r) => r.url().endsWith('/notifications/preferences') && r.request().method() === 'PATCH',
    );
    await invites.check();
    assert.equal((await resaved).status(), 200);
    const second = await ada.call('POST', `/spaces/${space.id}/invites`, { user_ids: [beaId] });
    assert.deepEqual(second.invited, [beaId]);
    // It arrives live: the badge on Notifications counts it.
    await bea.getByRole('navigation', { name: 'Main' }).getByTestId('unread').waitFor();
    await bea.goto(`${server.url}/notifications`);
    await bea.getByText('Ada Lovelace invited you to a space').click();
    await bea.waitForURL(new RegExp(`/spaces/${space.id}`));
    // The invitation also came as a message card; reading it leaves no unread message behind.
    await bea.goto(`${server.url}/messages/${adaId}`);
    await bea
      .getByRole('log', { name: 'Messages' })
      .getByText(/Harbour stories/)
      .first()
      .waitFor();
    await ada.call('POST', `/spaces/${space.id}/end`);
  });

  it('turns Web Push on from a click only, delivers alerts to this browser, and off again', async () => {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const subscription = {
      endpoint: `${pushUrl}/push/bea-laptop`,
      keys: {
        p256dh: ecdh.getPublicKey().toString('base64url'),
        auth: randomBytes(16).toString('base64url'),
      },
    };
    const page = await open({ permissions: ['notifications'] });
    // A string, not a function: the test runner's transpiler would add helpers the page lacks.
    await page.addInitScript(`(() => {
      const sub = ${JSON.stringify(subscription)};
      window.permissionAsks = 0;
      const ask = Notification.requestPermission.bind(Notification);
      Notification.requestPermission = (...args) => {
        window.permissionAsks += 1;
        return ask(...args);
      };
      // The stand-in for the browser's push service (see the top of this file).
      let current = null;
      const make = () => ({
        endpoint: sub.endpoint,
        expirationTime: null,
        toJSON: () => ({ endpoint: sub.endpoint, expirationTime: null, keys: sub.keys }),
        unsubscribe: async () => {
          current = null;
          return true;
        },
      });
      PushManager.prototype.subscribe = async () => {
        current = make();
        return current;
      };
      PushManager.prototype.getSubscription = async () => current;
    })();`);
    await page.goto(`${server.url}/signin`);
    await page.getByLabel('Handle').fill('bea');
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Profile' }).waitFor();
    await settings(page);
    const push = section(page, 'Notifications');
    await push.getByText('Push alerts are off in this browser.').waitFor();
    const asks = () =>
      page.evaluate(() => (window as unknown as { permissionAsks: number }).permissionAsks);
    assert.equal(await asks(), 0, 'no permission prompt before the click');

    await push.getByRole('button', { name: 'Turn on push alerts' }).click();
    await push
      .getByText('Push alerts are on in this browser.')
      .waitFor()
      .catch(async (error) => {
        throw new Error(`${error}\n${await push.textContent()}`);
      });
    assert.equal(await asks(), 1);
    const registered = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration('/');
      return reg?.active?.scriptURL ?? null;
    });
    assert.ok(registered?.endsWith('/sw.js'), `the app's service worker (${registered})`);
    const listed = await page.evaluate(async () =>
      (await fetch('/api/v1/push/subscriptions')).json(),
    );
    assert.deepEqual(
      listed.data.map((s: { endpoint: string }) => s.endpoint),
      [subscription.endpoint],
    );

    // Ada follows Bea: the alert is pushed to this browser's endpoint.
    const before = pushes.length;
    await ada.call('POST', `/users/${beaId}/follow`);
    await eventually(async () => pushes.length > before, true, { what: 'a push delivered' });
    const delivered = pushes.at(-1)!;
    assert.equal(delivered.url, '/push/bea-laptop');
    assert.equal(delivered.headers['content-encoding'], 'aes128gcm');
    assert.match(String(delivered.headers.authorization), /^vapid t=.+, k=.+/);
    assert.ok(delivered.bytes > 0);

    await push.getByRole('button', { name: 'Turn off push alerts' }).click();
    await push.getByText('Push alerts are off in this browser.').waitFor();
    const after = await page.evaluate(async () =>
      (await fetch('/api/v1/push/subscriptions')).json(),
    );
    assert.deepEqual(after.data, []);
  });

  it('unblocks someone from the list of blocked people', async () => {
    await settings(bea);
    const blocked = section(bea, 'Blocked people');
    const list = blocked.getByRole('list', { name: 'Blocked people' });
    await list.getByText('Calvin Ortiz').waitFor();
    await list.getByRole('button', { name: 'Unblock Calvin Ortiz' }).click();
    await blocked.getByText('You have not blocked anyone.').waitFor();
    await bea.reload();
    await blocked.getByText('You have not blocked anyone.').waitFor();
    // Unblocked for real: Cal can message Bea again.
    await cal.call('POST', `/dms/${beaId}`, { text: 'Thanks for unblocking me.' });
  });

  it('shows links in posts safely, leaves a hostile post as text, and deletes your own post', async () => {
    const beaApi = new ApiClient(server.url);
    await beaApi.call('POST', '/auth/login', { handle: 'bea', password: NEW_PASSWORD });
    await beaApi.call('POST', '/posts', {
      text: 'Notes from tonight: https://salon.example/notes?week=12. See you (https://salon.example/next)!',
    });
    const hostile =
      'javascript:alert(1) <img src=x onerror=alert(1)> <a href="javascript:alert(2)">click</a> data:text/html,<script>alert(3)</script>';
    await beaApi.call('POST', '/posts', { text: hostile });

    await bea.goto(`${server.url}/u/bea`);
    const posts = bea.locator('article.post');
    await posts.first().waitFor();
    const linked = posts.filter({ hasText: 'Notes from tonight' });
    const link = linked.getByRole('link', {
      name: 'https://salon.example/notes?week=12',
      exact: true,
    });
    assert.equal(await link.getAttribute('href'), 'https://salon.example/notes?week=12');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await link.getAttribute('rel'), 'noopener nofollow ugc');
    await linked.getByRole('link', { name: 'https://salon.example/next', exact: true }).waitFor();

    const bad = posts.filter({ hasText: 'javascript:alert(1)' });
    assert.equal(await text(bad.locator('.post-text')), hostile, 'shown as typed');
    assert.equal(await bad.locator('.post-text a, .post-text img, .post-text script').count(), 0);
    const hrefs = await bea.evaluate(() =>
      [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href') ?? ''),
    );
    assert.ok(!hrefs.some((h) => /^\s*(javascript|data):/i.test(h)), 'no script link anywhere');

    await bad.getByRole('button', { name: 'Delete post' }).click();
    const dialog = bea.getByRole('alertdialog', { name: 'Delete this post?' });
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await bad.waitFor({ state: 'detached' });
    await bea.reload();
    await linked.waitFor();
    assert.equal(
      await posts.filter({ hasText: 'javascript:alert(1)' }).count(),
      0,
      'gone for good',
    );
    // Someone else's post has no delete button.
    const calPost = await cal.call('POST', '/posts', { text: 'Not yours to delete.' });
    await bea.goto(`${server.url}/u/cal`);
    const theirs = bea.locator('article.post').filter({ hasText: calPost.text });
    await theirs.waitFor();
    assert.equal(await theirs.getByRole('button', { name: 'Delete post' }).count(), 0);
  });

  it('a message arrives live in the open conversation, and Messages shows the unread count', async () => {
    await bea.goto(`${server.url}/messages/${calId}`);
    const log = bea.getByRole('log', { name: 'Messages' });
    await log.getByText('Thanks for unblocking me.').waitFor();
    await cal.call('POST', `/dms/${beaId}`, { text: 'Are you coming to the space tonight?' });
    await log.getByText('Are you coming to the space tonight?').waitFor();
    await screenshot(bea, 'messages-live');
    // Read where it arrived: no badge on Messages.
    const badge = bea.getByRole('navigation', { name: 'Main' }).getByTestId('unread-messages');
    await eventually(() => badge.count(), 0, { what: 'no unread badge while reading' });

    await bea.goto(`${server.url}/`);
    await cal.call('POST', `/dms/${beaId}`, { text: 'It starts at nine.' });
    await cal.call('POST', `/dms/${beaId}`, { text: 'Bring questions!' });
    await eventually(() => text(badge), '2', { what: 'unread messages badge' });
    const messagesLink = bea.getByRole('navigation', { name: 'Main' }).getByRole('link', {
      name: /^Messages/,
    });
    assert.match((await messagesLink.textContent()) ?? '', /Messages.*2.*unread/);
    await messagesLink.click();
    await bea.getByRole('link', { name: /Calvin Ortiz/ }).click();
    await bea.getByRole('log', { name: 'Messages' }).getByText('Bring questions!').waitFor();
    await eventually(() => badge.count(), 0, { what: 'badge gone once read' });
  });

  it('signs out everywhere, this browser included, after a confirmation', async () => {
    await signIn(phone, NEW_PASSWORD);
    await settings(bea);
    await section(bea, 'Where you are signed in')
      .getByRole('button', { name: 'Sign out everywhere' })
      .click();
    const dialog = bea.getByRole('alertdialog', { name: 'Sign out everywhere?' });
    await dialog.getByText(/this one included/).waitFor();
    await dialog.getByRole('button', { name: 'Sign out everywhere' }).click();
    await bea.waitForURL(/\/signin/);
    await assertSignedOut(bea);
    await assertSignedOut(phone);
    assert.deepEqual(errors, []);
  });
});
