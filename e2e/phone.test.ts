/**
 * Salon on a phone, whatever people type: hostile text (90-character words,
 * Arabic mixed with English) in a name, a bio, a title, a description, a
 * post, a message and a pin never makes a page scroll sideways, and each is
 * marked `dir="auto"`. The bottom tab bar is there on a phone (with the
 * mini-player above it) and not on a desktop; the app is installable (its
 * manifest and icons) and its service worker keeps the app shell, never API
 * answers; addresses that name nothing say so in words; signing up from a
 * space comes back to it.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  ApiClient,
  eventually,
  launchBrowser,
  newPage,
  type RunningServer,
  SCREENSHOTS,
  screenshot,
  startServer,
} from './support.ts';

const PHONE = { width: 360, height: 780 };
const SMALL_PHONE = { width: 320, height: 640 };
const DESKTOP = { width: 1280, height: 860 };

/** One unbroken word of `length` characters, starting with `tag` so a failure says which field. */
const word = (tag: string, length: number) => tag + 'x'.repeat(length - tag.length);
const HOSTILE = {
  // Names are at most 50 characters, titles 70, bios 160.
  name: `آدا ${word('Nameword', 45)}`,
  bio: `سيرة ذاتية ${word('Bioword', 90)} end`,
  title: `عنوان ${word('Titleword', 63)}`,
  description: `وصف المساحة ${word('Descword', 90)} and English after`,
  post: `منشور ${word('Postword', 90)} https://salon.example/${'p'.repeat(90)}`,
  dm: `رسالة خاصة ${word('Dmword', 90)} ok`,
};
/** The unbroken part of each, which is what would widen a page. */
const MARKERS = {
  name: 'Nameword',
  bio: 'Bioword',
  title: 'Titleword',
  description: 'Descword',
  post: 'Postword',
  dm: 'Dmword',
} as const;
type Field = keyof typeof MARKERS;

/**
 * Fails when the page is wider than the screen, naming what sticks out; and
 * returns which of `fields` are shown on it and which of those lack dir="auto".
 */
async function checkPage(page: Page, screen: string, fields: Field[]) {
  const found = await page.evaluate(
    ({ markers }) => {
      const shown: Record<string, boolean> = {};
      const withoutDir: string[] = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const [field, marker] of Object.entries(markers)) {
          if (!node.textContent?.includes(marker)) continue;
          const el = node.parentElement;
          // Text a screen reader reads out of sight is not shown text.
          if (!el || el.closest('.visually-hidden') || el.getClientRects().length === 0) continue;
          shown[field] = true;
          if (!el.closest('[dir="auto"]'))
            withoutDir.push(`${field} in <${el.tagName.toLowerCase()} class="${el.className}">`);
        }
      }
      const wide = [...document.querySelectorAll<HTMLElement>('body *')]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
        .slice(0, 6)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
      return {
        shown,
        withoutDir,
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        wide,
      };
    },
    { markers: MARKERS },
  );
  assert.ok(
    found.scrollWidth <= found.innerWidth,
    `${screen}: scrolls sideways, ${found.scrollWidth} > ${found.innerWidth}; wide: ${found.wide.join(', ')}`,
  );
  for (const field of fields) assert.ok(found.shown[field], `${screen}: shows the ${field}`);
  assert.deepEqual(found.withoutDir, [], `${screen}: user text without dir="auto"`);
}

describe('Salon on a phone', { timeout: 300_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  const errors: string[] = [];
  let spaceId = '';
  let plainSpaceId = '';
  let adaId = '';

  const register = async (handle: string, name: string) => {
    const api = new ApiClient(server.url);
    const { user } = await api.call('POST', '/auth/register', {
      handle,
      display_name: name,
      password: `${handle}-password-1`,
    });
    return { api, id: user.id as string };
  };

  async function signIn(page: Page, handle: string) {
    await page.goto(`${server.url}/signin`);
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Password').fill(`${handle}-password-1`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Profile', exact: true }).waitFor();
  }

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const ada = await register('ada', HOSTILE.name);
    adaId = ada.id;
    await ada.api.call('PATCH', '/me', { bio: HOSTILE.bio });
    const carol = await register('carol', 'Carol Shaw');
    await carol.api.call('POST', `/users/${adaId}/follow`);
    const post = await ada.api.call('POST', '/posts', { text: HOSTILE.post });
    await ada.api.call('POST', `/dms/${carol.id}`, { text: HOSTILE.dm });
    spaceId = (
      await ada.api.call('POST', '/spaces', {
        title: HOSTILE.title,
        description: HOSTILE.description,
        topics: ['poetry'],
      })
    ).id;
    await ada.api.call('POST', `/spaces/${spaceId}/pins`, { post_id: post.id });

    // An ordinary space, for the README's picture of a phone.
    const grace = await register('grace', 'Grace Hopper');
    await carol.api.call('POST', `/users/${grace.id}/follow`);
    const note = await grace.api.call('POST', '/posts', {
      text: 'Slides from tonight: nanoseconds, bugs and the first compiler.',
    });
    plainSpaceId = (
      await grace.api.call('POST', '/spaces', {
        title: 'Compilers at midnight',
        description: 'From A-0 to COBOL: how programs learnt to write programs. Questions welcome.',
        topics: ['computing', 'history'],
      })
    ).id;
    await grace.api.call('POST', `/spaces/${plainSpaceId}/pins`, { post_id: note.id });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('no screen scrolls sideways with hostile text, and user text is dir="auto"', async () => {
    const page = await newPage(browser, PHONE, errors);
    await signIn(page, 'carol');

    await page.locator('.post', { hasText: MARKERS.post }).waitFor();
    await page.locator('.bubble', { hasText: MARKERS.title }).waitFor();
    await checkPage(page, 'home', ['post', 'title', 'name']);

    await page.getByRole('link', { name: 'Spaces', exact: true }).click();
    await page.locator('.space-card', { hasText: MARKERS.title }).waitFor();
    await checkPage(page, 'spaces tab', ['title', 'description', 'name']);

    await page.goto(`${server.url}/spaces/${spaceId}`);
    await page.getByRole('button', { name: 'Request to speak' }).waitFor();
    await page.locator('.pins', { hasText: MARKERS.post }).waitFor();
    await checkPage(page, 'space (listener)', ['title', 'description', 'post', 'name']);
    await screenshot(page, 'phone-space');

    await page.goto(`${server.url}/u/ada`);
    await page.locator('.post', { hasText: MARKERS.post }).waitFor();
    await checkPage(page, 'profile', ['name', 'bio', 'post']);

    await page.getByRole('link', { name: 'Messages' }).click();
    const conversation = page.locator('ul.conversations').getByRole('link').first();
    await conversation.waitFor();
    await checkPage(page, 'messages', ['name', 'dm']);
    await conversation.click();
    await page.locator('.message', { hasText: MARKERS.dm }).waitFor();
    await checkPage(page, 'conversation', ['name', 'dm']);

    await page.getByRole('link', { name: /Notifications/ }).click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await checkPage(page, 'notifications', []);
    await page.context().close();
  });

  it('a guest on a small phone: the space, and the bottom bar', async () => {
    const page = await newPage(browser, SMALL_PHONE, errors);
    await page.goto(`${server.url}/spaces/${spaceId}`);
    await page.getByRole('link', { name: 'Sign in to request to speak' }).waitFor();
    await checkPage(page, 'space (guest, 320 px)', ['title', 'description', 'post', 'name']);
    const tabs = page.getByRole('navigation', { name: 'Tabs' });
    await tabs.getByRole('link', { name: 'Home', exact: true }).waitFor();
    await page.context().close();

    // The first account is the admin: the most links in the top bar, still one row.
    const admin = await newPage(browser, SMALL_PHONE, errors);
    await signIn(admin, 'ada');
    await admin.getByRole('link', { name: 'Admin', exact: true }).waitFor();
    await checkPage(admin, 'home (admin, 320 px)', []);
    const topbar = await admin.locator('.topbar').boundingBox();
    assert.ok(topbar && topbar.height < 70, `top bar is one row: ${topbar?.height}px`);
    await admin.context().close();
  });

  it('a bottom tab bar on a phone, the top bar on a desktop; the mini-player sits above the tabs', async () => {
    const phone = await newPage(browser, PHONE, errors);
    await signIn(phone, 'carol');
    const tabs = phone.getByRole('navigation', { name: 'Tabs' });
    for (const name of ['Home', 'Spaces', 'Create']) {
      assert.ok(await tabs.getByRole('link', { name, exact: true }).isVisible(), `${name} tab`);
    }
    // With their unread badges ("Messages, 1 unread").
    assert.ok(await tabs.getByRole('link', { name: /^Messages/ }).isVisible(), 'Messages tab');
    assert.ok(await tabs.getByRole('link', { name: /^Notifications/ }).isVisible());
    // The top keeps one row: the brand and the profile, not the tabs again.
    const main = phone.getByRole('navigation', { name: 'Main' });
    assert.equal(await main.getByRole('link', { name: 'Home', exact: true }).count(), 0);
    assert.ok(await main.getByRole('link', { name: 'Profile', exact: true }).isVisible());
    const topbar = await phone.locator('.topbar').boundingBox();
    assert.ok(topbar && topbar.height < 70, `top bar is one row: ${topbar?.height}px`);
    const bar = await phone.locator('.tabbar').boundingBox();
    assert.ok(
      bar && Math.abs(bar.y + bar.height - PHONE.height) < 1,
      'the tab bar is at the bottom',
    );

    // A tab works, and shows which one you are on.
    await tabs.getByRole('link', { name: 'Spaces', exact: true }).click();
    await phone.waitForURL(`${server.url}/spaces`);
    await eventually(
      () => tabs.getByRole('link', { name: 'Spaces', exact: true }).getAttribute('aria-current'),
      'page',
      { what: 'the Spaces tab is the current page' },
    );

    // In a space, then browsing: the mini-player is above the tab bar, not under it.
    await phone.goto(`${server.url}/spaces/${spaceId}`);
    await phone.getByRole('button', { name: 'Request to speak' }).waitFor();
    await tabs.getByRole('link', { name: 'Home', exact: true }).click();
    const mini = phone.getByRole('region', { name: 'Current space' });
    await mini.waitFor();
    const miniBox = await mini.boundingBox();
    const barBox = await phone.locator('.tabbar').boundingBox();
    assert.ok(
      miniBox && barBox && miniBox.y + miniBox.height <= barBox.y + 0.5,
      `mini-player (${miniBox?.y}+${miniBox?.height}) above the tab bar (${barBox?.y})`,
    );
    await screenshot(phone, 'phone-home-mini-player');

    // What a phone shows of a space, as one screen (not the whole page): for the README.
    await phone.goto(`${server.url}/spaces/${plainSpaceId}`);
    await phone.getByRole('button', { name: 'Request to speak' }).waitFor();
    await phone.locator('.stage-member[data-user="grace"]').waitFor();
    await phone.evaluate(() => document.fonts.ready);
    await phone.screenshot({ path: path.join(SCREENSHOTS, 'phone-space-screen.png') });
    await phone.context().close();

    const desktop = await newPage(browser, DESKTOP, errors);
    await signIn(desktop, 'carol');
    assert.equal(await desktop.getByRole('navigation', { name: 'Tabs' }).count(), 0);
    const top = desktop.getByRole('navigation', { name: 'Main' });
    for (const name of ['Home', 'Spaces', 'Create', 'Profile']) {
      assert.ok(await top.getByRole('link', { name, exact: true }).isVisible(), `${name} on top`);
    }
    assert.ok(await top.getByRole('link', { name: /^Messages/ }).isVisible(), 'Messages on top');
    await desktop.context().close();
  });

  it('installable: the manifest and its icons are served and valid', async () => {
    const page = await newPage(browser, PHONE, errors);
    await page.goto(server.url);
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    assert.equal(href, '/manifest.webmanifest');
    const response = await page.request.get(`${server.url}${href}`);
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-type'] ?? '', /application\/manifest\+json/);
    const manifest = (await response.json()) as {
      name: string;
      short_name: string;
      start_url: string;
      display: string;
      theme_color: string;
      background_color: string;
      icons: { src: string; sizes: string; type: string; purpose?: string }[];
    };
    assert.equal(manifest.short_name, 'Salon');
    assert.equal(manifest.start_url, '/');
    assert.equal(manifest.display, 'standalone');
    assert.match(manifest.theme_color, /^#[0-9a-f]{6}$/i);
    assert.equal(
      await page.locator('meta[name="theme-color"]').getAttribute('content'),
      manifest.theme_color,
    );
    const png = manifest.icons.filter((i) => i.type === 'image/png');
    for (const need of ['192x192 any', '512x512 any', '512x512 maskable']) {
      assert.ok(
        png.some((i) => `${i.sizes} ${i.purpose ?? 'any'}` === need),
        `an icon ${need}: ${JSON.stringify(png)}`,
      );
    }
    for (const icon of png) {
      const file = await page.request.get(`${server.url}${icon.src}`);
      assert.equal(file.status(), 200, icon.src);
      const body = await file.body();
      // A PNG's IHDR holds its width and height at bytes 16–23.
      assert.equal(body.subarray(1, 4).toString(), 'PNG', icon.src);
      const size = `${body.readUInt32BE(16)}x${body.readUInt32BE(20)}`;
      assert.equal(size, icon.sizes, icon.src);
    }
    await page.context().close();
  });

  it('the service worker keeps the app shell, opens it offline, and never keeps API answers', async () => {
    const page = await newPage(browser, PHONE, errors);
    await page.goto(server.url);
    const script = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      return registration.active?.scriptURL ?? '';
    });
    assert.equal(script, `${server.url}/sw.js`);
    // It takes over the page it was installed from (clients.claim).
    await eventually(() => page.evaluate(() => navigator.serviceWorker.controller !== null), true, {
      what: 'the page is controlled by the worker',
    });

    // Some browsing that calls the API, as a guest in a space too.
    await page.goto(`${server.url}/spaces/${spaceId}`);
    await page.getByRole('link', { name: 'Sign in to request to speak' }).waitFor();
    await page.goto(`${server.url}/spaces`);
    await page.locator('.space-card', { hasText: MARKERS.title }).waitFor();
    await page.evaluate(() => fetch('/api/v1/spaces/discover?state=live').then((r) => r.json()));

    const kept = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
      }
      return urls;
    });
    assert.ok(kept.includes('/'), `the page is kept: ${kept.join(', ')}`);
    assert.ok(
      kept.some((u) => u.startsWith('/assets/') && u.endsWith('.js')),
      `scripts are kept: ${kept.join(', ')}`,
    );
    assert.deepEqual(
      kept.filter((u) => /^\/(api|hls|media)\//.test(u)),
      [],
      'no API answer, audio or media is kept',
    );

    // Offline, the app still opens (its shell, from the worker), and says what it cannot reach.
    await page.context().setOffline(true);
    await page.reload();
    await page.getByRole('link', { name: 'Salon home' }).waitFor();
    await page.context().setOffline(false);
    await page.context().close();
  });

  it('an address that names nothing says so in words', async () => {
    const page = await newPage(browser, PHONE, errors);
    for (const path of ['/spaces/%25%25%25', '/spaces/nope', '/spaces/00000000000000000000']) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { name: 'Space not found' }).waitFor();
      assert.equal(await page.getByText(/params\.|must match|invalid_request/).count(), 0, path);
      await page.getByRole('link', { name: 'Find other spaces' }).waitFor();
    }
    for (const path of ['/u/nobody_here', '/u/%25%25%25']) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { name: 'Profile not found' }).waitFor();
    }
    await page.goto(`${server.url}/spaces/nope/replay`);
    await page.getByRole('heading', { name: 'Space not found' }).waitFor();
    await checkPage(page, 'space not found', []);
    await page.context().close();
  });

  it('signing up from "Sign in to request to speak" comes back to the space', async () => {
    const page = await newPage(browser, PHONE, errors);
    await page.goto(`${server.url}/spaces/${spaceId}`);
    await page.getByRole('link', { name: 'Sign in to request to speak' }).click();
    await page.waitForURL(/\/signin\?next=/);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.waitForURL(/\/signup\?next=/);
    // The address changes before the new page is drawn, and the sign-in page
    // has a Handle field too: fill in only once the sign-up page is there.
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    await page.getByLabel('Handle').fill('newcomer');
    await page.getByLabel('Name').fill('New Comer');
    await page.getByLabel('Password').fill('quiet-lantern-47-river');
    await page.getByRole('button', { name: 'Sign up' }).click();
    // Signing up hashes the password (scrypt): under a loaded CI machine the
    // answer alone took most of the default 10 s once.
    await page.waitForURL(`${server.url}/spaces/${spaceId}`, { timeout: 30_000 });
    await page.getByRole('button', { name: 'Request to speak' }).click();
    await page.getByRole('button', { name: 'Cancel request' }).waitFor();
    await page.context().close();

    // The top bar's links come back too.
    const other = await newPage(browser, DESKTOP, errors);
    await other.goto(`${server.url}/spaces/${spaceId}`);
    await other.getByRole('link', { name: 'Sign in to request to speak' }).waitFor();
    await other
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Sign up' })
      .click();
    await other.getByRole('heading', { name: 'Create your account' }).waitFor();
    await other.getByLabel('Handle').fill('second');
    await other.getByLabel('Name').fill('Second Comer');
    await other.getByLabel('Password').fill('amber-harbour-93-kite');
    await other.getByRole('button', { name: 'Sign up' }).click();
    await other.waitForURL(`${server.url}/spaces/${spaceId}`, { timeout: 30_000 });
    await other.getByRole('button', { name: 'Request to speak' }).waitFor();
    await other.context().close();
  });

  it('no page threw an uncaught error', () => {
    assert.deepEqual(errors, []);
  });
});
