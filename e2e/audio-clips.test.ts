/**
 * Clips, the replay's speaker timeline and the embeddable player, in real
 * browsers on a real server (Janus, the HLS packager, ffmpeg), inside the
 * media test namespace:
 *
 * - Ada hosts (440 Hz) and Bob speaks (660 Hz), taking turns, so the live
 *   records who spoke when;
 * - Carol, listening, clips the last 30 s, shares the clip in a post from its
 *   page, and the clip plays inline in her feed;
 * - the embeddable player, in an iframe on a page served from another origin
 *   (a second HTTP server on another port), plays the live space and then its
 *   replay as a guest, and no cookie is set anywhere;
 * - in the replay, "Next speaker" moves the playhead to the start of the next
 *   speaker's span, as the server's timeline says.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import {
  assertInMediaNamespace,
  launchAudioBrowser,
  newAudioPage,
  startMediaServer,
  TONE_FLAGS,
} from './audio-support.ts';
import { ApiClient, delay, eventually, type RunningServer, screenshot, text } from './support.ts';

const DESKTOP = { width: 1100, height: 900 };
const PHONE = { width: 412, height: 915 };
const EMBED = { width: 520, height: 320 };

interface Span {
  start_ms: number;
  end_ms: number;
}
interface Timeline {
  duration_ms: number;
  speakers: { user: { id: string; handle: string }; spans: Span[] }[];
}

describe('clips, the speaker timeline and the embed', { timeout: 600_000 }, () => {
  let server: RunningServer;
  let elsewhere: Server;
  let elsewhereUrl = '';
  const browsers: Browser[] = [];
  let ada: Page;
  let bob: Page;
  let carol: Page;
  let spaceId = '';
  const apis: Record<string, ApiClient> = {};
  const ids: Record<string, string> = {};
  const errors: string[] = [];

  const register = async (handle: string, name: string) => {
    const api = new ApiClient(server.url);
    const { user } = await api.call('POST', '/auth/register', {
      handle,
      display_name: name,
      password: `${handle}-password-1`,
    });
    apis[handle] = api;
    ids[handle] = user.id;
  };

  const signIn = async (page: Page, handle: string, next: string) => {
    await page.goto(`${server.url}/signin?next=${encodeURIComponent(next)}&${TONE_FLAGS}`);
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Password').fill(`${handle}-password-1`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}${next}`);
  };

  const tile = (page: Page, handle: string) => page.locator(`.stage-member[data-user="${handle}"]`);
  const speaking = (page: Page, handle: string, value: 'true' | 'false') =>
    eventually(() => tile(page, handle).getAttribute('data-speaking', { timeout: 1000 }), value, {
      timeout: 20_000,
      what: `${handle} speaking is ${value}`,
    });
  const unmute = async (page: Page) => {
    await page.getByRole('button', { name: 'Unmute', exact: true }).click();
    await page.getByRole('button', { name: 'Mute', exact: true }).waitFor();
  };
  /**
   * Lets someone unmuted talk on for a while once they are heard speaking: the
   * turn then lasts longer than the timeline's merge gap, so it is a span of
   * its own. (This makes the audio; nothing waits on it to be done.)
   */
  const talk = () => delay(4000);
  const mute = async (page: Page) => {
    await page.getByRole('button', { name: 'Mute', exact: true }).click();
    await page.getByRole('button', { name: 'Unmute', exact: true }).waitFor();
  };

  /** Waits until a media element plays and its time has moved on by `seconds`. */
  const plays = async (element: Locator, seconds: number, what: string) => {
    await eventually(
      () =>
        element.evaluate(
          (audio: HTMLAudioElement, s: number) =>
            !audio.paused && audio.readyState >= 3 && audio.currentTime >= s,
          seconds,
        ),
      true,
      { timeout: 45_000, what },
    );
  };

  before(async () => {
    assertInMediaNamespace();
    server = await startMediaServer();
    // Another origin: the same machine, another port, serving a page that frames the player.
    elsewhere = createServer((request, response) => {
      const id = new URL(request.url ?? '/', 'http://x').searchParams.get('space') ?? '';
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(
        `<!doctype html><html lang="en"><head><title>A blog</title></head><body>` +
          `<h1>A blog post about a space</h1>` +
          `<iframe src="${server.url}/embed/spaces/${id}" title="The space" width="480" height="200" style="border:0" allow="autoplay"></iframe>` +
          `</body></html>`,
      );
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;

    const [adaBrowser, bobBrowser, carolBrowser] = await Promise.all([
      launchAudioBrowser({ tone: 440, autoplay: true }),
      launchAudioBrowser({ tone: 660, autoplay: true }),
      launchAudioBrowser({ autoplay: true }),
    ]);
    browsers.push(adaBrowser, bobBrowser, carolBrowser);
    ada = (await newAudioPage(adaBrowser, DESKTOP, errors)).page;
    bob = (await newAudioPage(bobBrowser, PHONE, errors)).page;
    carol = (await newAudioPage(carolBrowser, DESKTOP, errors, { microphone: false })).page;
    await register('ada', 'Ada Lovelace');
    await register('bob', 'Bob Moog');
    await register('carol', 'Carol Shaw');
  });

  after(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server?.stop();
    await new Promise((resolve) => elsewhere?.close(resolve));
  });

  it('Ada and Bob take turns on the stage of a recorded space', async () => {
    const space = await apis.ada!.call('POST', '/spaces', {
      title: 'Synths and engines',
      recording: true,
    });
    // Without a start time, a new space is live at once.
    spaceId = space.id;
    const path = `/spaces/${spaceId}`;
    await signIn(ada, 'ada', path);
    await unmute(ada);
    await apis.ada!.call('POST', `/spaces/${spaceId}/invitations`, {
      user_id: ids.bob,
      role: 'speaker',
    });
    await signIn(bob, 'bob', path);
    await apis.bob!.call('POST', `/spaces/${spaceId}/invitation/accept`);
    await bob.getByRole('button', { name: 'Unmute', exact: true }).waitFor({ timeout: 20_000 });
    await signIn(carol, 'carol', path);
    await speaking(carol, 'ada', 'true');
    await talk();

    // Turns: Ada, then Bob, then Ada again.
    await mute(ada);
    await speaking(carol, 'ada', 'false');
    await unmute(bob);
    await speaking(carol, 'bob', 'true');
    await talk();
    await mute(bob);
    await speaking(carol, 'bob', 'false');
    await unmute(ada);
    await speaking(carol, 'ada', 'true');
    await talk();
  });

  it('Carol clips the last 30 s, shares it in a post, and it plays inline in her feed', async () => {
    await carol.getByRole('button', { name: 'Clip the last 30 s' }).click();
    await carol.waitForURL(/\/clips\/[0-9a-z]{20}$/);
    const clipId = carol.url().split('/').at(-1)!;
    await carol.getByRole('heading', { level: 1 }).waitFor();
    // Cut by ffmpeg in a scheduler job: on a loaded machine this can take a while.
    await eventually(
      async () => (await apis.carol!.call('GET', `/clips/${clipId}`)).state !== 'processing',
      true,
      { timeout: 120_000, what: 'the clip is cut' },
    );
    const clip = await apis.carol!.call('GET', `/clips/${clipId}`);
    assert.equal(clip.state, 'ready', `the clip: ${JSON.stringify(clip)}`);
    await carol.getByTestId('clip-audio').waitFor({ timeout: 10_000 });
    assert.equal(clip.source, 'live');
    assert.equal(clip.creator.handle, 'carol');
    await carol.getByText(`Clipped by`).first().waitFor();
    await screenshot(carol, 'clips-page');

    await carol.getByRole('button', { name: 'Share in a post' }).click();
    await carol.waitForURL(`${server.url}/?clip=${clipId}`);
    const composer = carol.getByLabel('Write a post');
    await eventually(() => composer.inputValue(), clip.title, {
      what: 'the clip title is written',
    });
    await composer.fill('Listen to this bit');
    await carol.getByRole('region', { name: 'Attached clip' }).waitFor();
    await carol.getByRole('button', { name: 'Post', exact: true }).click();
    const feed = carol.getByRole('region', { name: 'Timeline' });
    const post = feed.locator('.post', { hasText: 'Listen to this bit' });
    await post.waitFor();
    assert.equal(await carol.getByRole('region', { name: 'Attached clip' }).count(), 0);
    const inline = post.getByTestId('clip-audio');
    await inline.evaluate((audio: HTMLAudioElement) => audio.play());
    await plays(inline, 1, 'the clip plays inline in the feed');
    await screenshot(carol, 'clips-in-feed');
    await inline.evaluate((audio: HTMLAudioElement) => audio.pause());

    // The post carries the clip for everyone: Bob sees its card on Carol's profile.
    const posts = await apis.bob!.call('GET', `/users/${ids.carol}/posts`);
    assert.equal(posts.data[0].clip.id, clipId);
  });

  /** Opens the page from elsewhere in a fresh context, with every response from Salon recorded. */
  async function embedFromElsewhere(): Promise<{
    context: BrowserContext;
    frame: FrameLocator;
    salonResponses: { url: string; headers: Record<string, string> }[];
    settled: () => Promise<unknown>;
  }> {
    const { page, context } = await newAudioPage(browsers[2]!, EMBED, errors, {
      microphone: false,
    });
    const salonResponses: { url: string; headers: Record<string, string> }[] = [];
    // allHeaders(): headers() leaves out the cookie ones.
    const reading: Promise<unknown>[] = [];
    page.on('response', (response) => {
      if (!response.url().startsWith(server.url)) return;
      reading.push(
        response
          .allHeaders()
          .then((headers) => salonResponses.push({ url: response.url(), headers })),
      );
    });
    await page.goto(`${elsewhereUrl}/?space=${spaceId}`);
    const frame = page.frameLocator('iframe');
    await frame.getByRole('heading', { name: 'Synths and engines' }).waitFor({ timeout: 20_000 });
    return { context, frame, salonResponses, settled: () => Promise.all(reading) };
  }

  function assertNoCookies(
    salonResponses: { url: string; headers: Record<string, string> }[],
    cookies: unknown[],
  ) {
    assert.ok(salonResponses.length > 3, `responses from Salon: ${salonResponses.length}`);
    const setting = salonResponses.filter((r) => 'set-cookie' in r.headers).map((r) => r.url);
    assert.deepEqual(setting, [], 'no response from Salon sets a cookie');
    assert.deepEqual(cookies, [], 'no cookie in the browser');
    const page = salonResponses.find((r) => new URL(r.url).pathname === `/embed/spaces/${spaceId}`);
    assert.ok(page, 'the embed page was fetched');
    assert.match(page.headers['content-security-policy'] ?? '', /frame-ancestors \*/);
  }

  it('the embed, in an iframe on another origin, plays the live space as a guest and sets no cookie', async () => {
    const { context, frame, salonResponses, settled } = await embedFromElsewhere();
    await frame.getByText('Live', { exact: true }).waitFor();
    await frame.getByText('Hosted by Ada Lovelace').waitFor();
    await frame
      .getByTestId('embed-count')
      .getByText(/listening/)
      .waitFor();
    const link = frame.getByRole('link', { name: 'Open “Synths and engines” in Salon (new tab)' });
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await link.getAttribute('href'), `${server.url}/spaces/${spaceId}`);
    await frame.getByRole('button', { name: 'Play “Synths and engines”' }).click();
    await frame.getByRole('button', { name: 'Pause “Synths and engines”' }).waitFor();
    await plays(frame.getByTestId('embed-audio'), 2, 'the embed plays the live space');
    await settled();
    assertNoCookies(salonResponses, await context.cookies());
    assert.ok(
      salonResponses.some((r) => r.url.includes('.m3u8')),
      'the live space is heard over HLS',
    );
    await context.close();
  });

  it('the space ends; in the replay, Next speaker moves the playhead to the next speaker’s start', async () => {
    await apis.ada!.call('POST', `/spaces/${spaceId}/end`);
    await carol.goto(`${server.url}/spaces/${spaceId}/replay`);
    const player = carol.getByTestId('replay-audio');
    await player.waitFor({ timeout: 60_000 });
    const replay = await apis.carol!.call('GET', `/spaces/${spaceId}/replay`);
    const timeline = replay.timeline as Timeline;
    const spansOf = (handle: string) =>
      timeline.speakers.find((s) => s.user.handle === handle)?.spans ?? [];
    const adas = spansOf('ada');
    const bobs = spansOf('bob');
    const shown = JSON.stringify(timeline);
    assert.ok(adas.length >= 1 && bobs.length >= 1, `Ada and Bob spoke: ${shown}`);
    // Ada opened; Bob answered after her first turn.
    assert.ok(adas[0]!.end_ms <= bobs[0]!.start_ms, `Ada spoke first: ${shown}`);
    await carol
      .getByRole('button', { name: /^Bob Moog, / })
      .first()
      .waitFor();

    await eventually(
      () => player.evaluate((audio: HTMLAudioElement) => audio.readyState >= 2),
      true,
      { timeout: 30_000, what: 'the replay is ready to play' },
    );
    const at = () => player.evaluate((audio: HTMLAudioElement) => audio.currentTime * 1000);
    const near = async (ms: number, what: string) =>
      eventually(async () => Math.abs((await at()) - ms) < 250, true, { what });

    // Clicking Ada's first stretch seeks to it; from inside her turn, the next speaker is Bob.
    const first = carol.locator(`.timeline-span[data-start-ms="${adas[0]!.start_ms}"]`);
    await first.click();
    await near(adas[0]!.start_ms, `the playhead at Ada's first stretch (${adas[0]!.start_ms} ms)`);
    await eventually(() => text(carol.getByTestId('now-speaking')), 'Speaking: Ada Lovelace', {
      what: 'Ada is shown speaking',
    });
    await carol.getByRole('button', { name: /Next speaker/ }).click();
    await near(bobs[0]!.start_ms, `the playhead at Bob's start (${bobs[0]!.start_ms} ms)`);
    await eventually(() => text(carol.getByTestId('now-speaking')), 'Speaking: Bob Moog', {
      what: 'Bob is shown speaking',
    });
    // Right at the start of Bob's turn, Previous goes back to Ada's.
    await carol.getByRole('button', { name: /Previous speaker/ }).click();
    await near(adas[0]!.start_ms, "back at Ada's start");
    // The keyboard: from Ada's stretch, the right arrow and Enter seek to Bob's.
    await first.focus();
    await carol.keyboard.press('ArrowRight');
    await carol.keyboard.press('Enter');
    await near(bobs[0]!.start_ms, "Bob's start from the keyboard");

    await player.evaluate((audio: HTMLAudioElement) => audio.play());
    await carol.getByRole('button', { name: '1.5×' }).click();
    assert.equal(
      await player.evaluate((audio: HTMLAudioElement) => audio.playbackRate),
      1.5,
      'the speed applies',
    );
    await carol.getByText('Clips from this space').waitFor();
    await carol.getByRole('region', { name: 'Transcript' }).waitFor();
    await screenshot(carol, 'replay-timeline');
    await player.evaluate((audio: HTMLAudioElement) => audio.pause());

    // Where she stopped is where the next visit starts.
    const stoppedAt = await at();
    await carol.reload();
    await carol.getByTestId('replay-audio').waitFor({ timeout: 30_000 });
    await eventually(async () => Math.abs((await at()) - stoppedAt) < 1000, true, {
      what: `the replay resumes near ${Math.round(stoppedAt)} ms`,
    });
  });

  it('Carol clips a 10 s range of the replay from the keyboard; then the host turns clipping off', async () => {
    await carol.getByRole('button', { name: 'Clip', exact: true }).click();
    const panel = carol.getByRole('form', { name: 'Clip part of the replay' });
    const length = panel.getByRole('slider', { name: 'Length' });
    await length.focus();
    await carol.keyboard.press('Home');
    for (let i = 0; i < 5; i++) await carol.keyboard.press('ArrowRight');
    await panel.getByText('10 seconds').waitFor();
    const from = Number(await panel.getByRole('slider', { name: 'Start' }).inputValue());
    // The range is drawn on the timeline as it is chosen.
    assert.equal(await carol.locator('.timeline-selection').count(), 2, 'one band per row');
    await panel.getByLabel('Title (optional)').fill('Bob on synths');
    await panel.getByRole('button', { name: 'Make the clip' }).click();
    await carol.waitForURL(/\/clips\/[0-9a-z]{20}$/);
    const clipId = carol.url().split('/').at(-1)!;
    await eventually(
      async () => (await apis.carol!.call('GET', `/clips/${clipId}`)).state !== 'processing',
      true,
      { timeout: 120_000, what: 'the replay clip is cut' },
    );
    const clip = await apis.carol!.call('GET', `/clips/${clipId}`);
    assert.equal(clip.state, 'ready', JSON.stringify(clip));
    assert.equal(clip.source, 'replay');
    assert.equal(clip.title, 'Bob on synths');
    assert.ok(Math.abs(clip.start_ms - from) <= 2_000, `from ${from} ms: ${clip.start_ms} ms`);
    assert.ok(Math.abs(clip.duration_ms - 10_000) <= 2_000, `10 s long: ${clip.duration_ms} ms`);
    await carol.getByRole('heading', { name: 'Bob on synths' }).waitFor();
    await carol.getByTestId('clip-audio').waitFor();

    // The host turns clipping off on the replay: Carol's Clip button says why it is off.
    await ada.goto(`${server.url}/spaces/${spaceId}/replay`);
    const allow = ada.getByRole('checkbox', { name: 'Allow clips' });
    // The switch follows the server: it turns off once the change is made, not on the click.
    await allow.click();
    await eventually(() => allow.isChecked(), false, { what: 'the switch is off' });
    await eventually(
      async () => (await apis.carol!.call('GET', `/spaces/${spaceId}`)).clipping,
      false,
      { what: 'clipping is off on the server' },
    );
    await carol.goto(`${server.url}/spaces/${spaceId}/replay`);
    const clipButton = carol.getByRole('button', { name: 'Clip', exact: true });
    await clipButton.waitFor({ timeout: 30_000 });
    assert.equal(await clipButton.isDisabled(), true, 'the Clip button is off');
    await carol.getByText('The host turned clipping off.').waitFor();
  });

  it('the embed plays the replay from another origin, still without a cookie', async () => {
    const { context, frame, salonResponses, settled } = await embedFromElsewhere();
    await frame.getByText('Replay', { exact: true }).waitFor();
    const link = frame.getByRole('link', { name: /in Salon/ });
    assert.equal(await link.getAttribute('href'), `${server.url}/spaces/${spaceId}/replay`);
    await frame.getByRole('button', { name: 'Play “Synths and engines”' }).click();
    await plays(frame.getByTestId('embed-audio'), 2, 'the embed plays the replay');
    await screenshot(context.pages()[0]!, 'embed-player');
    await settled();
    assertNoCookies(salonResponses, await context.cookies());
    await context.close();
  });

  it('no page threw an uncaught error or broke the CSP', () => {
    assert.deepEqual(errors, []);
  });
});
