/**
 * Per-speaker volume, heard in real browsers: Debian's Chromium with fake
 * microphones fed tones, the server with Janus, inside the media test
 * namespace. Every check is on what a page hears (its WebAudio analyser,
 * which taps the output after the speakers' gains).
 *
 * - Ada hosts and speaks 440 Hz; Carol, on the stage too, speaks 660 Hz;
 *   neither publishes a feed while nobody watches the feeds;
 * - a guest listener (autoplay blocked) taps to listen and hears both, on the mix;
 * - the guest turns Ada down to 0 % with the keyboard: the page watches the
 *   speakers' feeds, which makes Ada and Carol publish theirs, and stops the
 *   mix once both play; it hears Carol and not Ada, also from
 *   the mini-player while browsing; back at 100 %, Ada is heard again, on the mix;
 * - Ada, on the stage, sets Carol to 150 % then 50 %: Carol's level follows
 *   (about 9.5 dB apart), and Ada never hears herself.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  assertInMediaNamespace,
  audioState,
  hears,
  launchAudioBrowser,
  meanLevel,
  newAudioPage,
  openLinkWithoutGesture,
  recordSentMessages,
  startMediaServer,
  TONE_FLAGS,
} from './audio-support.ts';
import { ApiClient, eventually, type RunningServer, screenshot, text } from './support.ts';

const PHONE = { width: 412, height: 915 };
const DESKTOP = { width: 1100, height: 900 };
const ADA = 440;
const CAROL = 660;

/** Measured numbers, printed at the end (they are not assertions). */
const measured: Record<string, number> = {};

describe('per-speaker volume, heard in three browsers', { timeout: 600_000 }, () => {
  let server: RunningServer;
  const browsers: Browser[] = [];
  let host: Page;
  let carol: Page;
  let guest: Page;
  let guestSent: string[] = [];
  let adaSent: string[] = [];
  let carolSent: string[] = [];
  let spaceUrl = '';
  const errors: string[] = [];

  before(async () => {
    assertInMediaNamespace();
    server = await startMediaServer();
    const [adaBrowser, carolBrowser, guestBrowser] = await Promise.all([
      launchAudioBrowser({ tone: ADA, autoplay: true }),
      launchAudioBrowser({ tone: CAROL, autoplay: true }),
      launchAudioBrowser({ autoplay: false }),
    ]);
    browsers.push(adaBrowser, carolBrowser, guestBrowser);
    host = (await newAudioPage(adaBrowser, DESKTOP, errors)).page;
    carol = (await newAudioPage(carolBrowser, PHONE, errors)).page;
    guest = (await newAudioPage(guestBrowser, PHONE, errors, { microphone: false })).page;
  });

  after(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server?.stop();
    console.log(`per-speaker volume measurements: ${JSON.stringify(measured)}`);
  });

  const audio = (page: Page) => page.getByRole('region', { name: 'Audio' });
  const attribute = (page: Page, name: string) => audio(page).getAttribute(name, { timeout: 1000 });
  const perSpeaker = (page: Page, expected: string, what: string) =>
    eventually(() => attribute(page, 'data-per-speaker'), expected, {
      timeout: 30_000,
      what,
    }).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await audioState(page)}`);
    });
  const sheet = (page: Page) => page.getByRole('dialog', { name: 'Speaker volumes' });

  it('Ada hosts and speaks; Carol joins the stage and speaks too', async () => {
    adaSent = recordSentMessages(host);
    carolSent = recordSentMessages(carol);
    await host.goto(`${server.url}/signup?${TONE_FLAGS}`);
    await host.getByLabel('Handle').fill('ada');
    await host.getByLabel('Name').fill('Ada Lovelace');
    await host.getByLabel('Password').fill('analytical-engine');
    await host.getByRole('button', { name: 'Sign up' }).click();
    await host.getByRole('link', { name: 'Create' }).click();
    await host.getByLabel('Title').fill('Two voices');
    await host.getByRole('button', { name: 'Start now' }).click();
    await host.waitForURL(/\/spaces\/[0-9a-z]{20}$/);
    spaceUrl = host.url();
    await eventually(() => attribute(host, 'data-route'), 'stage', {
      timeout: 20_000,
      what: 'Ada publishes',
    });
    await host.getByRole('button', { name: 'Unmute', exact: true }).click();

    await new ApiClient(server.url).call('POST', '/auth/register', {
      handle: 'carol',
      display_name: 'Carol Shaw',
      password: 'river-raid-1982',
    });
    await carol.goto(
      `${server.url}/signin?next=${encodeURIComponent(new URL(spaceUrl).pathname)}&${TONE_FLAGS}`,
    );
    await carol.getByLabel('Handle').fill('carol');
    await carol.getByLabel('Password').fill('river-raid-1982');
    await carol.getByRole('button', { name: 'Sign in' }).click();
    await carol.waitForURL(spaceUrl);
    await carol.getByRole('button', { name: 'Request to speak' }).click();
    await host.getByRole('button', { name: 'Approve Carol Shaw' }).click();
    await carol.getByRole('button', { name: 'Unmute', exact: true }).click();
    await hears(host, { present: [CAROL], absent: [ADA] }, 'Ada hears Carol, not herself');
    await hears(carol, { present: [ADA], absent: [CAROL] }, 'Carol hears Ada, not herself');
    // Each asked whether their feed is wanted; nobody watches the feeds, so neither publishes one.
    for (const [who, sent] of [
      ['Ada', adaSent],
      ['Carol', carolSent],
    ] as const) {
      await eventually(async () => sent.includes('feed_standby'), true, {
        what: `${who} asks whether her feed is wanted`,
      });
      assert.ok(sent.includes('media_publish'), `${who} sent: ${sent}`);
      assert.ok(!sent.includes('feed_publish'), `${who} publishes no feed yet; sent: ${sent}`);
    }
  });

  it('a guest taps to listen and hears both speakers, on the mix', async () => {
    guestSent = recordSentMessages(guest);
    await openLinkWithoutGesture(guest, `${spaceUrl}?${TONE_FLAGS}`);
    await guest.getByRole('button', { name: 'Tap to listen' }).click();
    await hears(guest, { present: [ADA, CAROL] }, 'the guest hears both speakers');
    assert.equal(await attribute(guest, 'data-route'), 'webrtc');
    assert.equal(await attribute(guest, 'data-per-speaker'), 'mix');
    assert.ok(!guestSent.includes('feeds_watch'), `sent: ${guestSent}`);
  });

  it('the guest turns Ada down to 0 % with the keyboard: Carol is heard, Ada is not', async () => {
    await audio(guest)
      .getByRole('button', { name: /Speaker volumes/ })
      .click();
    const adaSlider = sheet(guest).getByRole('slider', { name: 'Volume of Ada Lovelace' });
    await sheet(guest).getByRole('slider', { name: 'Volume of Carol Shaw' }).waitFor();
    // The sheet opens with focus on the first slider: Home takes it to 0 %.
    await eventually(
      () => adaSlider.evaluate((element) => element === document.activeElement),
      true,
      { what: "focus on Ada's slider" },
    );
    const turned = Date.now();
    await guest.keyboard.press('Home');
    assert.equal(await adaSlider.getAttribute('aria-valuetext'), '0 %');
    await perSpeaker(guest, 'feeds', 'the guest switches to the feeds');
    await hears(guest, { present: [CAROL], absent: [ADA] }, 'the guest hears Carol only');
    measured.turnDownTo440Gone = Date.now() - turned;

    // The feeds were watched first, and the mix stopped after: no gap in between.
    const watch = guestSent.indexOf('feeds_watch');
    const stop = guestSent.indexOf('media_stop_listening');
    assert.ok(watch >= 0 && stop > watch, `sent: ${guestSent}`);
    assert.ok(guestSent.includes('feeds_answer'), `sent: ${guestSent}`);
    // The watch made both speakers publish their feeds (Carol's is the one heard).
    assert.ok(adaSent.includes('feed_publish'), `Ada sent: ${adaSent}`);
    assert.ok(carolSent.includes('feed_publish'), `Carol sent: ${carolSent}`);
    await screenshot(guest, 'audio-speaker-volumes');
    await guest.keyboard.press('Escape');
    await sheet(guest).waitFor({ state: 'detached' });
  });

  it('while browsing, the mini-player keeps Ada down; the sheet remembers 0 %', async () => {
    // The top bar on a desktop, the tab bar on a phone: one of them is shown.
    await guest.getByRole('link', { name: 'Spaces', exact: true }).click();
    const mini = guest.getByRole('region', { name: 'Current space' });
    await mini.locator('.audio-badge[data-phase="playing"]').waitFor();
    await hears(guest, { present: [CAROL], absent: [ADA] }, 'the mini-player plays Carol only');
    await mini.getByRole('link').first().click();
    await guest.waitForURL(spaceUrl);
    await audio(guest)
      .getByRole('button', { name: /Speaker volumes.*1 set/ })
      .click();
    assert.equal(
      await sheet(guest)
        .getByRole('slider', { name: 'Volume of Ada Lovelace' })
        .getAttribute('aria-valuetext'),
      '0 %',
    );
  });

  it('back at 100 %, Ada is heard again, and the guest is back on the mix', async () => {
    await sheet(guest).getByRole('button', { name: 'Reset Ada Lovelace to 100 %' }).press('Enter');
    await hears(guest, { present: [ADA, CAROL] }, 'the guest hears both again');
    await perSpeaker(guest, 'mix', 'the guest goes back to the mix');
    const lastStop = guestSent.lastIndexOf('feeds_stop');
    const lastListen = guestSent.lastIndexOf('media_listen');
    assert.ok(lastListen > guestSent.indexOf('media_stop_listening'), `sent: ${guestSent}`);
    assert.ok(lastStop > lastListen, `the feeds go once the mix is back; sent: ${guestSent}`);
    await hears(guest, { present: [ADA, CAROL] }, 'the guest hears both on the mix');
    await guest.keyboard.press('Escape');
  });

  it("Ada, on the stage, sets Carol's volume: the level follows, and Ada never hears herself", async () => {
    const before = await meanLevel(host, CAROL);
    await audio(host)
      .getByRole('button', { name: /Speaker volumes/ })
      .click();
    const sliders = sheet(host).getByRole('slider');
    assert.equal(await sliders.count(), 1, 'only the others are listed');
    const carolSlider = sheet(host).getByRole('slider', { name: 'Volume of Carol Shaw' });
    await carolSlider.focus();
    for (let i = 0; i < 10; i++) await host.keyboard.press('ArrowRight');
    assert.equal(await carolSlider.getAttribute('aria-valuetext'), '150 %');
    await perSpeaker(host, 'feeds', "Ada hears the others' feeds");
    await hears(host, { present: [CAROL], absent: [ADA] }, 'Ada hears Carol louder, not herself');
    const loud = await meanLevel(host, CAROL);
    // Down to 50 %, passing 100 % on the way (the feeds stay meanwhile).
    for (let i = 0; i < 20; i++) await host.keyboard.press('ArrowLeft');
    assert.equal(await carolSlider.getAttribute('aria-valuetext'), '50 %');
    await hears(host, { present: [CAROL], absent: [ADA] }, 'Ada hears Carol quieter');
    const quiet = await meanLevel(host, CAROL);
    measured.carolOnMix = before;
    measured.carolAt150 = loud;
    measured.carolAt50 = quiet;
    // 150 % over 50 % is 20·log10(3) ≈ 9.5 dB.
    assert.ok(
      loud - quiet > 6.5 && loud - quiet < 12.5,
      `150 %: ${loud.toFixed(1)} dB, 50 %: ${quiet.toFixed(1)} dB`,
    );
    assert.equal(await attribute(host, 'data-per-speaker'), 'feeds');
    await screenshot(host, 'audio-speaker-volumes-host');
    await sheet(host).getByRole('button', { name: 'Everyone back to 100 %' }).click();
    await perSpeaker(host, 'mix', "Ada is back on the stage's return audio");
    await hears(host, { present: [CAROL], absent: [ADA] }, 'Ada hears Carol at 100 % again');
    assert.equal(await text(host.getByTestId('audio-status')), 'On stage: you hear everyone else');
  });

  it('no page threw an uncaught error', () => {
    assert.deepEqual(errors, []);
  });
});
