/**
 * A profile as its owner and visitors use it: editing the name, bio and
 * picture (previewed, placed and cut in the browser, then uploaded and shown
 * on a post), the follower and following lists behind the counts, and a new
 * user finding someone through people search and following them from the
 * result, starting from the empty Home.
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

const DESKTOP = { width: 1100, height: 900 };

describe('profiles and people', { timeout: 180_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let ines: Page;
  const errors: string[] = [];
  const ids: Record<string, string> = {};
  const apis: Record<string, ApiClient> = {};

  const register = async (handle: string, name: string, bio = '') => {
    const api = new ApiClient(server.url);
    const { user } = await api.call('POST', '/auth/register', {
      handle,
      display_name: name,
      password: `${handle}-password-1`,
    });
    if (bio) await api.call('PATCH', '/me', { bio });
    ids[handle] = user.id;
    apis[handle] = api;
  };

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await register('ines', 'Ines');
    await register('bastien', 'Bastien Roux', 'Jazz pianist, Lyon. Late-night sessions.');
    await register('camille', 'Camille Duval');
    await register('bassline', 'Bass Line');
    await apis.camille!.call('POST', `/users/${ids.ines}/follow`);
    ines = await newPage(browser, DESKTOP, errors);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    assert.deepEqual(errors, [], 'no script errors or CSP violations');
  });

  async function signIn(page: Page, handle: string) {
    await page.goto(`${server.url}/signin`);
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Password').fill(`${handle}-password-1`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Profile', exact: true }).waitFor();
  }

  /** A 600×300 PNG drawn by the browser: left half purple, right half orange. */
  async function picture(page: Page): Promise<Buffer> {
    const dataUrl = await page.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 600;
      canvas.height = 300;
      const c = canvas.getContext('2d')!;
      c.fillStyle = '#7c3aed';
      c.fillRect(0, 0, 300, 300);
      c.fillStyle = '#f97316';
      c.fillRect(300, 0, 300, 300);
      return canvas.toDataURL('image/png');
    });
    return Buffer.from(dataUrl.split(',')[1]!, 'base64');
  }

  it('the empty Home points a new user to people search; they find someone and follow them', async () => {
    await signIn(ines, 'ines');
    await ines.getByText('Your timeline is empty for now.').waitFor();
    await ines.getByRole('link', { name: 'Find people to follow' }).click();
    await ines.getByRole('heading', { name: 'Find people' }).waitFor();
    await ines.getByLabel('Search people').fill('bas');
    await ines.getByRole('button', { name: 'Search', exact: true }).click();
    const results = ines.getByRole('list', { name: 'People matching “bas”' });
    await results.getByText('Jazz pianist, Lyon.', { exact: false }).waitFor();
    assert.equal(await results.getByRole('listitem').count(), 2, 'Bass Line and Bastien Roux');
    assert.match(ines.url(), /\/people\?q=bas$/, 'the search is in the address');
    await screenshot(ines, 'profile-people-search');

    const follow = results.getByRole('button', { name: 'Follow Bastien Roux' });
    await follow.click();
    const following = results.getByRole('button', { name: 'Following Bastien Roux' });
    await following.waitFor();
    const bastien = await apis.ines!.call('GET', `/users/${ids.bastien}`);
    assert.equal(bastien.followers_count, 1);
    assert.equal(bastien.relationship.following, true);

    await ines.getByLabel('Search people').fill('nobody-like-this');
    await ines.getByRole('button', { name: 'Search', exact: true }).click();
    await ines.getByText('Nobody matches “nobody-like-this”.').waitFor();
  });

  it('edits the name, bio and picture: a preview, cropped in the browser, shown on a post', async () => {
    await ines.getByRole('link', { name: 'Profile', exact: true }).click();
    await ines.getByRole('heading', { name: 'Ines', exact: true }).waitFor();
    await ines.getByRole('button', { name: 'Edit profile' }).click();
    const dialog = ines.getByRole('dialog', { name: 'Edit profile' });
    await dialog.getByText('Your handle is @ines; it stays the same.').waitFor();
    await dialog.getByLabel('Display name').fill('Inès Martin');
    await dialog.getByLabel('Bio').fill('Podcasts et jazz — Montréal.');
    await dialog.getByText('28 of 160 characters').waitFor();

    await dialog.locator('input[type=file]').setInputFiles({
      name: 'me.png',
      mimeType: 'image/png',
      buffer: await picture(ines),
    });
    const preview = dialog.getByRole('img', { name: 'Preview of your new profile picture' });
    await preview.waitFor();
    // The preview starts as the centred square: purple on the left, orange on the right.
    const pixel = (x: number) =>
      preview.evaluate((canvas: HTMLCanvasElement, fx) => {
        const c = canvas.getContext('2d')!;
        const d = c.getImageData(Math.floor(canvas.width * fx), canvas.height / 2, 1, 1).data;
        return `${d[0]},${d[1]},${d[2]}`;
      }, x);
    await eventually(() => pixel(0.25), '124,58,237', { what: 'left of the preview' });
    assert.equal(await pixel(0.75), '249,115,22');
    // Zoomed in and dragged right, the square moves onto the purple half only.
    await dialog.getByLabel('Zoom').fill('2');
    const box = (await preview.boundingBox())!;
    await ines.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await ines.mouse.down();
    await ines.mouse.move(box.x + box.width - 2, box.y + box.height / 2, { steps: 5 });
    await ines.mouse.up();
    await eventually(() => pixel(0.9), '124,58,237', { what: 'right of the preview after a drag' });
    await screenshot(ines, 'profile-edit');

    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await ines.getByRole('heading', { name: 'Inès Martin' }).waitFor();
    await ines.getByText('Podcasts et jazz — Montréal.').waitFor();

    const me = (await apis.ines!.call('GET', '/me')).user;
    assert.equal(me.display_name, 'Inès Martin');
    assert.match(me.avatar_url, /^\/media\/avatars\/[0-9a-z]{20}$/);
    const head = ines.locator('.profile-head img.avatar');
    await eventually(() => head.getAttribute('src'), me.avatar_url, { what: 'profile picture' });
    // What was uploaded is the square the browser cut: 400×400, purple where the original's centre was orange.
    const uploaded = await ines.evaluate(async (src) => {
      const img = new Image();
      img.src = src;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const c = canvas.getContext('2d')!;
      c.drawImage(img, 0, 0);
      const right = c.getImageData(img.naturalWidth * 0.85, img.naturalHeight / 2, 1, 1).data;
      return {
        w: img.naturalWidth,
        h: img.naturalHeight,
        right: `${right[0]},${right[1]},${right[2]}`,
      };
    }, me.avatar_url as string);
    assert.equal(uploaded.w, 400);
    assert.equal(uploaded.h, 400);
    const [r, g, b] = uploaded.right.split(',').map(Number) as [number, number, number];
    assert.ok(
      Math.abs(r - 124) < 12 && Math.abs(g - 58) < 12 && Math.abs(b - 237) < 12,
      uploaded.right,
    );

    // A post carries the new picture and name.
    await ines.getByRole('link', { name: 'Home', exact: true }).first().click();
    await ines.getByLabel('Write a post').fill('Nouvelle photo !');
    await ines.getByRole('button', { name: 'Post', exact: true }).click();
    const post = ines.locator('.post', { hasText: 'Nouvelle photo !' });
    await post.getByRole('link', { name: 'Inès Martin' }).waitFor();
    assert.equal(await post.locator('img.avatar').getAttribute('src'), me.avatar_url);
  });

  it('the counts open the follower and following lists, with Follow in each row', async () => {
    await ines.goto(`${server.url}/u/ines`);
    await ines.getByRole('link', { name: '1 Follower', exact: true }).click();
    await ines.getByRole('heading', { name: 'People following Inès Martin' }).waitFor();
    const followers = ines.getByRole('list', { name: 'Followers' });
    await followers.getByRole('link', { name: 'Camille Duval' }).waitFor();
    await followers.getByRole('button', { name: 'Follow Camille Duval' }).waitFor();
    await followers.getByText('Follows you').waitFor();
    await screenshot(ines, 'profile-followers');

    await ines.getByRole('link', { name: '1 Following', exact: true }).click();
    await ines.getByRole('heading', { name: 'People Inès Martin follows' }).waitFor();
    const following = ines.getByRole('list', { name: 'Following' });
    await following.getByRole('link', { name: 'Bastien Roux' }).waitFor();
    await following.getByRole('button', { name: 'Following Bastien Roux' }).click();
    await following.getByRole('button', { name: 'Follow Bastien Roux' }).waitFor();
    assert.equal((await apis.ines!.call('GET', `/users/${ids.bastien}`)).followers_count, 0);

    // Someone else's lists, signed out: the people, without buttons.
    const visitor = await newPage(browser, DESKTOP, errors);
    await visitor.goto(`${server.url}/u/camille/following`);
    const list = visitor.getByRole('list', { name: 'Following' });
    await list.getByRole('link', { name: 'Inès Martin' }).waitFor();
    assert.equal(await list.getByRole('button').count(), 0);
    await visitor.getByRole('link', { name: '0 Followers', exact: true }).click();
    await visitor.getByText('Nobody follows this account yet.').waitFor();
    await visitor.context().close();
  });
});
