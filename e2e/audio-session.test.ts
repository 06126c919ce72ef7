/**
 * The lock screen and headphones, heard in a real browser (inside the media
 * namespace): while a listener hears the host, the Media Session names the
 * space and its host and plays; its pause silences the space (the listen
 * ends) and says so on the page; play, or the page's Resume, brings the
 * sound back.
 *
 * The browser's own media controls cannot be pressed from a test, so the
 * handlers the app gives `navigator.mediaSession.setActionHandler` are kept
 * (by an init script) and called as the lock screen would.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  assertInMediaNamespace,
  hears,
  launchAudioBrowser,
  newAudioPage,
  startMediaServer,
  TONE_FLAGS,
} from './audio-support.ts';
import { eventually, type RunningServer, screenshot } from './support.ts';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1100, height: 900 };
const HOST_TONE = 520;
const TITLE = 'Night shift radio';

declare global {
  interface Window {
    __mediaHandlers?: Record<string, (() => void) | null>;
  }
}

interface SessionSeen {
  title: string | null;
  artist: string | null;
  artwork: string[];
  state: string;
}

/** Keeps the handlers the app sets, to call them as the lock screen would. */
async function keepHandlers(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const kept: Record<string, (() => void) | null> = {};
    window.__mediaHandlers = kept;
    const original = MediaSession.prototype.setActionHandler;
    MediaSession.prototype.setActionHandler = function (action, handler) {
      kept[action] = handler ? () => handler({ action }) : null;
      return original.call(this, action, handler);
    };
  });
}

const handlersSet = (page: Page) =>
  page.evaluate(() =>
    Object.entries(window.__mediaHandlers ?? {})
      .filter(([, h]) => h !== null)
      .map(([a]) => a)
      .sort(),
  );

const session = (page: Page): Promise<SessionSeen> =>
  page.evaluate(() => {
    const s = navigator.mediaSession;
    return {
      title: s.metadata?.title ?? null,
      artist: s.metadata?.artist ?? null,
      artwork: [...(s.metadata?.artwork ?? [])].map((a) => a.src),
      state: s.playbackState,
    };
  });

describe('the Media Session of a space a listener hears', { timeout: 300_000 }, () => {
  let server: RunningServer;
  const browsers: Browser[] = [];
  let host: Page;
  let listener: Page;
  let spaceUrl = '';
  const errors: string[] = [];

  before(async () => {
    assertInMediaNamespace();
    server = await startMediaServer();
    const [hostBrowser, listenerBrowser] = await Promise.all([
      launchAudioBrowser({ tone: HOST_TONE, autoplay: true }),
      launchAudioBrowser({ autoplay: true }),
    ]);
    browsers.push(hostBrowser, listenerBrowser);
    host = (await newAudioPage(hostBrowser, DESKTOP, errors)).page;
    listener = (await newAudioPage(listenerBrowser, PHONE, errors, { microphone: false })).page;
    await keepHandlers(host);
    await keepHandlers(listener);
  });

  after(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server?.stop();
  });

  it('the host opens a space and speaks', async () => {
    await host.goto(`${server.url}/signup?${TONE_FLAGS}`);
    await host.getByLabel('Handle').fill('nina');
    await host.getByLabel('Name').fill('Nina Simone');
    await host.getByLabel('Password').fill('nina-password-1');
    await host.getByRole('button', { name: 'Sign up' }).click();
    await host.getByRole('link', { name: 'Create' }).click();
    await host.getByLabel('Title').fill(TITLE);
    await host.getByRole('button', { name: 'Start now' }).click();
    await host.waitForURL(/\/spaces\/[0-9a-z]{20}$/);
    spaceUrl = host.url();
    await host.getByRole('button', { name: 'Unmute', exact: true }).click();
    await host.getByRole('button', { name: 'Mute', exact: true }).waitFor();
  });

  it('while a listener hears it, the Media Session shows the title and the host, playing', async () => {
    await listener.goto(`${spaceUrl}?audio_probe=1`);
    await hears(listener, { present: [HOST_TONE] }, 'the listener hears the host');
    await eventually(async () => (await session(listener)).title, TITLE, {
      what: 'media session title',
    });
    const seen = await session(listener);
    assert.equal(seen.artist, 'Nina Simone');
    assert.equal(seen.state, 'playing');
    assert.ok(
      seen.artwork.some((src) => src.endsWith('/icons/icon-512.png')),
      `artwork: ${seen.artwork.join(', ')}`,
    );
    const handlers = await handlersSet(listener);
    assert.deepEqual(handlers, ['pause', 'play', 'stop']);
  });

  it('pause from the lock screen silences the space and says so; play brings it back', async () => {
    await listener.evaluate(() => window.__mediaHandlers?.pause?.());
    await hears(listener, { absent: [HOST_TONE] }, 'paused: the host is no longer heard');
    const paused = listener.getByRole('region', { name: 'Paused listening' });
    await paused.getByRole('button', { name: 'Resume' }).waitFor();
    assert.equal((await session(listener)).state, 'paused');
    assert.equal((await session(listener)).title, TITLE, 'still named while paused');
    await screenshot(listener, 'phone-listening-paused');

    await listener.evaluate(() => window.__mediaHandlers?.play?.());
    await hears(listener, { present: [HOST_TONE] }, 'resumed from the lock screen');
    await paused.waitFor({ state: 'detached' });
    await eventually(async () => (await session(listener)).state, 'playing', {
      what: 'playing again',
    });

    // The page's own Resume does the same.
    await listener.evaluate(() => window.__mediaHandlers?.pause?.());
    await hears(listener, { absent: [HOST_TONE] }, 'paused again');
    await paused.getByRole('button', { name: 'Resume' }).click();
    await hears(listener, { present: [HOST_TONE] }, 'resumed with the button');
  });

  it('the host is shown the space too, with no pause (the stage does not pause); leaving clears the listener’s', async () => {
    assert.equal((await session(host)).title, TITLE);
    assert.deepEqual(await handlersSet(host), []);
    await listener.getByRole('button', { name: 'Leave', exact: true }).click();
    await eventually(async () => (await session(listener)).title, null, {
      what: 'the session is cleared after leaving',
    });
    assert.equal((await session(listener)).state, 'none');
  });

  it('no page threw an uncaught error', () => {
    assert.deepEqual(errors, []);
  });
});
