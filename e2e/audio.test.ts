/**
 * The audio of a space, heard in real browsers: Debian's Chromium with fake
 * microphones fed sine tones, the server running Janus and the HLS packager,
 * all inside the media test namespace. Every check is on what a page hears
 * (its WebAudio analyser), never on packets alone.
 *
 * - Ada hosts and speaks (440 Hz), in a browser where she has interacted
 *   before (autoplay allowed);
 * - a guest opens the link in a browser that blocks autoplay (660 Hz
 *   microphone), taps "Tap to listen" and hears Ada; later signs in as Carol,
 *   asks to speak and is heard by Ada; Ada mutes her and the tone goes away;
 * - Dan finds the live WebRTC seats taken (one per space here) and hears the
 *   space over HLS through hls.js; his reactions float on Ada's screen;
 * - the space ends and its replay plays the recording.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  ABSENT_DB,
  assertInMediaNamespace,
  audioState,
  dominantFrequency,
  hears,
  launchAudioBrowser,
  levels,
  newAudioPage,
  openLinkWithoutGesture,
  startMediaServer,
  TONE_FLAGS,
} from './audio-support.ts';
import { ApiClient, eventually, type RunningServer, screenshot, text } from './support.ts';

const PHONE = { width: 412, height: 915 };
const DESKTOP = { width: 1100, height: 900 };
const ADA = 440;
const CAROL = 660;

/** Measured numbers, printed at the end (they are not assertions). */
const timings: Record<string, number> = {};

describe('the audio of a live space, heard in three browsers', { timeout: 600_000 }, () => {
  let server: RunningServer;
  const browsers: Browser[] = [];
  let host: Page;
  let guest: Page;
  let dan: Page;
  let spaceUrl = '';
  const errors: string[] = [];

  before(async () => {
    assertInMediaNamespace();
    // One WebRTC seat per space: the second listener is sent to HLS by the server.
    server = await startMediaServer({ WEBRTC_LISTENERS_PER_SPACE: '1' });
    const [adaBrowser, guestBrowser, danBrowser] = await Promise.all([
      launchAudioBrowser({ tone: ADA, autoplay: true }),
      launchAudioBrowser({ tone: CAROL, autoplay: false }),
      launchAudioBrowser({ autoplay: true }),
    ]);
    browsers.push(adaBrowser, guestBrowser, danBrowser);
    host = (await newAudioPage(adaBrowser, DESKTOP, errors)).page;
    guest = (await newAudioPage(guestBrowser, PHONE, errors)).page;
    dan = (await newAudioPage(danBrowser, PHONE, errors, { microphone: false })).page;
  });

  after(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server?.stop();
    console.log(`audio timings (ms): ${JSON.stringify(timings)}`);
  });

  const audio = (page: Page) => page.getByRole('region', { name: 'Audio' });
  const route = (page: Page) => audio(page).getAttribute('data-route', { timeout: 1000 });
  const tile = (page: Page, handle: string) => page.locator(`.stage-member[data-user="${handle}"]`);

  it('a host creates a space, unmutes and is on the stage', async () => {
    await host.goto(`${server.url}/signup?${TONE_FLAGS}`);
    await host.getByLabel('Handle').fill('ada');
    await host.getByLabel('Name').fill('Ada Lovelace');
    await host.getByLabel('Password').fill('analytical-engine');
    await host.getByRole('button', { name: 'Sign up' }).click();
    await host.getByRole('link', { name: 'Create' }).click();
    await host.getByLabel('Title').fill('Engines and poetry');
    await host.getByLabel(/Record this space/).check();
    await host.getByRole('button', { name: 'Start now' }).click();
    await host.waitForURL(/\/spaces\/[0-9a-z]{20}$/);
    spaceUrl = host.url();

    // Everyone arrives on the stage muted, the host too; the microphone is open but sends nothing.
    await eventually(() => route(host), 'stage', { timeout: 20_000, what: 'host publishes' });
    await audio(host).getByText('Your microphone is muted: nothing is sent.').waitFor();
    await host.getByRole('button', { name: 'Unmute', exact: true }).click();
    await host.getByRole('button', { name: 'Mute', exact: true }).waitFor();
    await eventually(
      () => text(host.getByTestId('audio-status')),
      'On stage: you hear everyone else',
      {
        timeout: 20_000,
        what: 'host audio state',
      },
    );
  });

  it('a guest opens the link, taps to listen (autoplay is blocked) and hears 440 Hz', async () => {
    const opened = Date.now();
    await openLinkWithoutGesture(guest, `${spaceUrl}?${TONE_FLAGS}`);
    const tap = guest.getByRole('button', { name: 'Tap to listen' });
    await tap.waitFor({ timeout: 20_000 }).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await audioState(guest)}`);
    });
    timings.guestLoadToTapButton = Date.now() - opened;
    await screenshot(guest, 'audio-tap-to-listen');
    const tapped = Date.now();
    await tap.click();
    await hears(guest, { present: [ADA] }, 'the guest hears the host');
    timings.guestTapTo440 = Date.now() - tapped;
    timings.guestLoadTo440 = Date.now() - opened;
    const dominant = await dominantFrequency(guest);
    assert.ok(dominant !== null && Math.abs(dominant - ADA) < 10, `dominant ${dominant} Hz`);
    assert.equal(await route(guest), 'webrtc');
    assert.equal(await text(guest.getByTestId('audio-status')), 'Listening live');
  });

  it('with the WebRTC seat taken, the next listener is sent to HLS and hears the host through hls.js', async () => {
    const hlsChunk = dan.waitForRequest(/\/assets\/hls[^/]*\.js$/, { timeout: 20_000 });
    const opened = Date.now();
    await dan.goto(`${spaceUrl}?audio_probe=1`);
    await eventually(() => route(dan), 'hls', { timeout: 20_000, what: 'listener tier' }).catch(
      async (error: Error) => {
        throw new Error(`${error.message}\n${await audioState(dan)}`);
      },
    );
    await hlsChunk;
    await hears(dan, { present: [ADA], timeoutMs: 30_000 }, 'the HLS listener hears the host');
    timings.hlsLoadTo440 = Date.now() - opened;
    assert.equal(
      await dan.evaluate(() => window.__salonAudioProbe?.source()),
      'element',
      'the analyser taps the element hls.js plays',
    );
    await audio(dan)
      .getByText(/the live seats of this space are taken/)
      .waitFor();
  });

  it('the guest signs in and asks to speak; the audio keeps playing meanwhile', async () => {
    const api = new ApiClient(server.url);
    await api.call('POST', '/auth/register', {
      handle: 'carol',
      display_name: 'Carol Shaw',
      password: 'river-raid-1982',
    });
    await guest.getByRole('link', { name: 'Sign in to request to speak' }).click();
    await guest.getByLabel('Handle').fill('carol');
    await guest.getByLabel('Password').fill('river-raid-1982');
    // The mini-player keeps the space playing while the sign-in page is open.
    const mini = guest.getByRole('region', { name: 'Current space' });
    await mini.locator('.audio-badge[data-phase="playing"]').waitFor();
    await hears(guest, { present: [ADA] }, 'the guest hears the host from the mini-player');
    await screenshot(guest, 'audio-mini-player');
    await guest.getByRole('button', { name: 'Sign in' }).click();
    await guest.waitForURL(spaceUrl);
    // Signing in reconnects the realtime link as Carol: the audio renegotiates by itself.
    await hears(guest, { present: [ADA] }, 'the guest hears the host after signing in');
    await guest.getByRole('button', { name: 'Request to speak' }).click();
    await guest.getByRole('button', { name: 'Cancel request' }).waitFor();
  });

  it("the host approves; Carol unmutes and the host's browser hears her tone, Carol hears the host but not herself", async () => {
    await host.getByRole('button', { name: 'Approve Carol Shaw' }).click();
    await eventually(() => route(guest), 'stage', { timeout: 20_000, what: 'Carol publishes' });
    // On stage but muted: the host must not hear her yet.
    await eventually(
      () => text(guest.getByTestId('audio-status')),
      'On stage: you hear everyone else',
      { timeout: 20_000, what: 'Carol connected to the stage' },
    );
    await hears(
      host,
      { absent: [CAROL], steadyReads: 15, timeoutMs: 15_000 },
      'the host does not hear muted Carol',
    );
    await guest.getByRole('button', { name: 'Unmute', exact: true }).click();
    const unmuted = Date.now();
    await hears(host, { present: [CAROL], absent: [ADA] }, 'the host hears Carol, not herself');
    timings.unmuteTo660AtHost = Date.now() - unmuted;
    await hears(guest, { present: [ADA], absent: [CAROL] }, 'Carol hears the host, not herself');
    await hears(dan, { present: [ADA, CAROL], timeoutMs: 30_000 }, 'the HLS listener hears both');
    await eventually(
      () => tile(host, 'carol').getAttribute('data-speaking', { timeout: 1000 }),
      'true',
      { what: 'speaking indicator of Carol on the host screen' },
    );
  });

  it('the host mutes Carol and her tone goes away', async () => {
    await tile(host, 'carol').click();
    const menu = host.getByRole('dialog', { name: 'Carol Shaw' });
    await menu.getByRole('button', { name: 'Mute', exact: true }).click();
    const muted = Date.now();
    await hears(host, { absent: [CAROL] }, 'the host no longer hears Carol');
    timings.muteToSilenceAtHost = Date.now() - muted;
    await guest.getByRole('button', { name: 'Unmute', exact: true }).waitFor();
    await audio(guest).getByText('Your microphone is muted: nothing is sent.').waitFor();
    await hears(
      dan,
      { present: [ADA], absent: [CAROL], timeoutMs: 30_000 },
      'the HLS listener no longer hears Carol',
    );
    await eventually(
      () => tile(host, 'carol').getAttribute('data-speaking', { timeout: 1000 }),
      'false',
      { what: 'Carol stops showing as speaking' },
    );
  });

  it("the listener's reactions float on the host's screen", async () => {
    const floating = host.locator('.floater', { hasText: '❤' });
    await eventually(
      async () => {
        await dan.getByRole('button', { name: 'React: Heart' }).click();
        await floating.first().waitFor({ state: 'attached', timeout: 1500 });
        return true;
      },
      true,
      { timeout: 15_000, what: 'a heart floats on the host screen' },
    );
    await screenshot(host, 'audio-space-host');
    await screenshot(guest, 'audio-space-speaker');
    assert.equal(await route(dan), 'hls');
    await screenshot(dan, 'audio-space-listener-hls');
  });

  it('a speaker whose microphone is blocked is told how to fix it, and keeps hearing the space', async () => {
    const api = new ApiClient(server.url);
    await api.call('POST', '/auth/register', {
      handle: 'erin',
      display_name: 'Erin Hale',
      password: 'no-microphone-here',
    });
    // A context where the microphone permission was refused.
    const { page: erin } = await newAudioPage(browsers[2]!, PHONE, errors, { microphone: false });
    await erin.goto(
      `${server.url}/signin?next=${encodeURIComponent(new URL(spaceUrl).pathname)}&${TONE_FLAGS}`,
    );
    await erin.getByLabel('Handle').fill('erin');
    await erin.getByLabel('Password').fill('no-microphone-here');
    await erin.getByRole('button', { name: 'Sign in' }).click();
    await erin.waitForURL(spaceUrl);
    await erin.getByRole('button', { name: 'Request to speak' }).click();
    await host.getByRole('button', { name: 'Approve Erin Hale' }).click();
    const alert = audio(erin).getByRole('alert');
    await alert.getByText('Salon cannot use your microphone').waitFor({ timeout: 20_000 });
    await alert.getByText(/allow the microphone/).waitFor();
    await alert.getByRole('button', { name: 'Try the microphone again' }).waitFor();
    await hears(erin, { present: [ADA] }, 'Erin hears the space as a listener meanwhile');
    await screenshot(erin, 'audio-microphone-blocked');
    await erin.getByRole('button', { name: 'Leave stage' }).click();
    await erin.context().close();
  });

  it('after a blip that restarts the server, every browser reconnects and hears again by itself', async () => {
    // Remember every state the audio panel goes through, to check that the blip was shown.
    await guest.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __phases: string[] }).__phases = seen;
      new MutationObserver(() => {
        const phase = document.querySelector<HTMLElement>('[aria-label="Audio"]')?.dataset.phase;
        if (phase && seen.at(-1) !== phase) seen.push(phase);
      }).observe(document.body, { subtree: true, attributes: true, childList: true });
    });
    const restarted = Date.now();
    server = await server.restart();
    timings.serverRestart = Date.now() - restarted;
    // The state is shown while it lasts: the realtime link, then the audio.
    await eventually(() => text(guest.locator('.connection')), 'Connected', {
      timeout: 30_000,
      what: "Carol's connection comes back",
    });
    timings.restartToRealtimeBack = Date.now() - restarted;
    await hears(
      guest,
      { present: [ADA], absent: [CAROL], timeoutMs: 45_000 },
      'Carol hears the host again',
    );
    timings.restartTo440AtSpeaker = Date.now() - restarted;
    await hears(
      dan,
      { present: [ADA], timeoutMs: 45_000 },
      'the HLS listener hears the host again',
    );
    timings.restartTo440AtHls = Date.now() - restarted;
    assert.equal(await route(dan), 'hls', 'an HLS listener stays on HLS');
    assert.equal(await text(host.getByTestId('audio-status')), 'On stage: you hear everyone else');
    const phases = await guest.evaluate(
      () => (window as unknown as { __phases: string[] }).__phases,
    );
    assert.deepEqual(phases.slice(-2), ['reconnecting', 'playing'], `phases seen: ${phases}`);
  });

  it('the space ends; its replay plays the recording', async () => {
    await host.getByRole('button', { name: 'End space' }).click();
    await host
      .getByRole('alertdialog', { name: 'End this space for everyone?' })
      .getByRole('button', { name: 'End for everyone' })
      .click();
    await host.getByText('This space has ended.').waitFor();
    await eventually(() => audio(dan).count(), 0, { what: 'the audio panel goes away' });
    const [danLevel] = await levels(dan, [ADA]);
    assert.ok((danLevel ?? -200) < ABSENT_DB || danLevel === -200, `still heard ${danLevel}`);

    await host.getByRole('link', { name: 'Play the replay' }).click();
    await host.waitForURL(/\/replay$/);
    const player = host.getByTestId('replay-audio');
    await player.waitFor({ timeout: 30_000 });
    // Press play once the player has loaded the start of the recording.
    await eventually(
      () => player.evaluate((element: HTMLAudioElement) => element.readyState >= 2),
      true,
      { timeout: 30_000, what: 'the replay is ready to play' },
    );
    await player.evaluate((element: HTMLAudioElement) => element.play());
    await hears(host, { present: [ADA], timeoutMs: 30_000 }, 'the replay plays the host');
    await screenshot(host, 'audio-replay');
  });

  it('no page threw an uncaught error', () => {
    assert.deepEqual(errors, []);
  });
});
