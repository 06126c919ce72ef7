/**
 * Live captions in real browsers, with real everything: Debian's Chromium,
 * the server with Janus and the embedded pocketsphinx engine, inside the
 * media test namespace.
 *
 * - Ada creates a space with "Captions for this space" ticked and speaks:
 *   her fake microphone plays espeak-ng sentences, in a loop;
 * - a listener sees the CC sign, shows captions, and reads a line under
 *   Ada's name with a content word of the sentences;
 * - pausing freezes the lines while new ones arrive; resuming jumps to the
 *   latest; larger text is larger; yellow on black is yellow on black;
 *   axe-core finds no violation on the captions UI at desktop and phone
 *   widths (where the picture for the README is taken);
 * - after a reload the listener's choices are still there;
 * - Ada turns captions off in her host tools: the CC sign and the panel go.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { contentWords, sentences, speak } from '../bench/captions/speech.ts';
import {
  assertInMediaNamespace,
  launchAudioBrowser,
  newAudioPage,
  startMediaServer,
} from './audio-support.ts';
import { eventually, launchBrowser, type RunningServer, SCREENSHOTS } from './support.ts';

const DESKTOP = { width: 1100, height: 900 };
const PHONE = { width: 390, height: 844 };
const SAMPLE_RATE = 48_000;
/** What Ada says, over and over (the fake microphone loops its file). */
const SPOKEN = sentences().slice(0, 4);
const CONTENT = new Set(SPOKEN.flatMap(contentWords));

// Evaluated, not added as a <script>: the app's CSP refuses inline scripts.
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** The sentences spoken by espeak-ng, 1.5 s of silence after each (the VAD ends an utterance there), as a WAV. */
function speechWav(): string {
  const silence = new Int16Array(SAMPLE_RATE * 1.5);
  const parts = SPOKEN.flatMap((s) => [speak(s, SAMPLE_RATE), silence]);
  const samples = parts.reduce((n, p) => n + p.length, 0);
  const data = Buffer.alloc(samples * 2);
  let at = 0;
  for (const part of parts) {
    for (const sample of part) at = data.writeInt16LE(sample, at);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(SAMPLE_RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  const dir = path.join(tmpdir(), 'salon-e2e-audio');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'captions-speech.wav');
  writeFileSync(file, Buffer.concat([header, data]));
  return file;
}

interface Received {
  utterance_id: string;
  kind: string;
  text: string;
}

/** The caption messages a page receives on its realtime sockets (call before opening the page). */
function recordCaptions(page: Page): Received[] {
  const got: Received[] = [];
  page.on('websocket', (socket) =>
    socket.on('framereceived', (frame) => {
      const payload = String(frame.payload);
      if (!payload.startsWith('{"type":"caption"')) return;
      got.push(JSON.parse(payload) as Received);
    }),
  );
  return got;
}

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** axe-core's WCAG 2.0/2.1 A and AA violations within the captions UI (the CC sign and the panel). */
async function captionsViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as any).axe;
    const result = await axe.run(
      { include: [['[data-testid="captions"]'], ['[data-testid="cc-sign"]']] },
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } },
    );
    return result.violations.map((v: any) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.map((n: any) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
}

async function assertCaptionsAccessible(page: Page, where: string): Promise<void> {
  const violations = await captionsViolations(page);
  assert.deepEqual(
    violations.map((v) => `${v.id}: ${v.help} ${JSON.stringify(v.nodes)}`),
    [],
    `axe on the captions UI (${where})`,
  );
  if (where === 'phone') {
    const wide = await page.evaluate(
      () => document.documentElement.scrollWidth > window.innerWidth,
    );
    assert.equal(wide, false, 'the space page with captions does not scroll sideways on a phone');
  }
}

describe('live captions, read in a browser', { timeout: 600_000 }, () => {
  let server: RunningServer;
  const browsers: Browser[] = [];
  let host: Page;
  let listener: Page;
  let received: Received[] = [];
  let spaceUrl = '';
  const errors: string[] = [];

  before(async () => {
    assertInMediaNamespace();
    server = await startMediaServer();
    const wav = speechWav();
    const [hostBrowser, listenerBrowser] = await Promise.all([
      // launchAudioBrowser plays a tone; Ada's microphone plays the speech.
      launchBrowser([
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-audio-capture=${wav}`,
        '--autoplay-policy=no-user-gesture-required',
      ]),
      launchAudioBrowser({ autoplay: true }),
    ]);
    browsers.push(hostBrowser, listenerBrowser);
    host = (await newAudioPage(hostBrowser, DESKTOP, errors)).page;
    listener = (await newAudioPage(listenerBrowser, DESKTOP, errors, { microphone: false })).page;
  });

  after(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server?.stop();
  });

  const panel = (page: Page) => page.getByRole('region', { name: 'Live captions' });
  const sign = (page: Page) => page.getByTestId('cc-sign');
  const shownLines = (page: Page) =>
    panel(page)
      .locator('.caption-line')
      .evaluateAll((lis) =>
        lis.map((li) => ({
          utterance: (li as HTMLElement).dataset.utterance ?? '',
          speaker: li.querySelector('.caption-speaker')?.textContent ?? '',
          text: li.querySelector('.caption-text')?.textContent ?? '',
        })),
      );
  const screenStyle = (page: Page) =>
    panel(page)
      .locator('.captions-screen')
      .evaluate((el) => {
        const s = getComputedStyle(el);
        return {
          fontSize: Number.parseFloat(s.fontSize),
          color: s.color,
          background: s.backgroundColor,
        };
      });

  it('Ada creates a captioned space and speaks', async () => {
    await host.goto(`${server.url}/signup?mic=raw`);
    await host.getByLabel('Handle').fill('ada');
    await host.getByLabel('Name').fill('Ada Lovelace');
    await host.getByLabel('Password').fill('analytical-engine');
    await host.getByRole('button', { name: 'Sign up' }).click();
    await host.getByRole('link', { name: 'Create' }).click();
    await host.getByLabel('Title').fill('Spoken words');
    const captions = host.getByRole('checkbox', { name: 'Captions for this space' });
    // Enabled once the server said it has an engine for English.
    await eventually(() => captions.isEnabled(), true, { what: 'the captions checkbox' });
    await captions.check();
    await host.getByRole('button', { name: 'Start now' }).click();
    await host.waitForURL(/\/spaces\/[0-9a-z]{20}$/);
    spaceUrl = host.url();
    await eventually(
      () =>
        host.getByRole('region', { name: 'Audio' }).getAttribute('data-route', { timeout: 1000 }),
      'stage',
      { timeout: 20_000, what: 'Ada publishes' },
    );
    await host.getByRole('button', { name: 'Unmute', exact: true }).click();
    await sign(host).waitFor();
  });

  it('a listener sees the CC sign, shows captions and reads a line of Ada’s', async () => {
    received = recordCaptions(listener);
    await listener.goto(spaceUrl);
    await sign(listener).waitFor();
    assert.equal(await sign(listener).getAttribute('aria-label'), 'Captions on');
    await panel(listener).getByRole('button', { name: 'Show captions' }).click();
    const lines = panel(listener).getByRole('list', { name: 'Caption lines' });
    assert.equal(await lines.getAttribute('aria-live'), 'polite');
    let last: { speaker: string; text: string }[] = [];
    await eventually(
      async () => {
        last = await shownLines(listener);
        return last.some(
          (l) =>
            l.speaker === 'Ada Lovelace' &&
            l.text
              .toLowerCase()
              .split(/\s+/)
              .some((w) => CONTENT.has(w)),
        );
      },
      true,
      { timeout: 180_000, what: `a line of Ada's with one of ${[...CONTENT].join(' ')}` },
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}; shown: ${JSON.stringify(last)}; received ${received.length}`,
      );
    });
    // The avatar beside the name: Ada has no picture, so her initials.
    assert.equal(
      await panel(listener).locator('.caption-line .avatar').first().textContent(),
      'AL',
    );
  });

  it('pausing freezes the lines while new captions arrive; resuming jumps to the latest', async () => {
    await panel(listener).getByRole('button', { name: 'Pause captions' }).click();
    const frozen = await shownLines(listener);
    const frozenUtterances = new Set(frozen.map((l) => l.utterance));
    const arrivedBefore = received.length;
    // A new utterance (not only a partial of one shown) reaches the page while paused.
    await eventually(
      async () => received.slice(arrivedBefore).some((m) => !frozenUtterances.has(m.utterance_id)),
      true,
      { timeout: 120_000, what: 'a new utterance while paused' },
    );
    assert.deepEqual(await shownLines(listener), frozen, 'the paused lines do not change');
    await panel(listener).getByTestId('captions-frozen').waitFor();

    await panel(listener).getByRole('button', { name: 'Resume (jump to now)' }).click();
    await eventually(
      async () => {
        const shown = await shownLines(listener);
        const latest = received.at(-1);
        return shown.at(-1)?.utterance === latest?.utterance_id;
      },
      true,
      { what: 'the last line shown is the latest received' },
    );
    assert.ok(
      (await shownLines(listener)).some((l) => !frozenUtterances.has(l.utterance)),
      'resumed: a line said while paused is shown',
    );
    assert.equal(await panel(listener).getByTestId('captions-frozen').count(), 0);
  });

  it('larger text is larger, yellow on black is yellow on black, and axe finds nothing', async () => {
    const before = await screenStyle(listener);
    await panel(listener).getByRole('button', { name: 'Larger caption text' }).click();
    const after = await screenStyle(listener);
    assert.ok(after.fontSize > before.fontSize, `${after.fontSize} px > ${before.fontSize} px`);
    await panel(listener).getByLabel('Colours').selectOption('yellow-on-black');
    const yellow = await screenStyle(listener);
    assert.equal(yellow.color, 'rgb(255, 255, 0)');
    assert.equal(yellow.background, 'rgb(0, 0, 0)');
    await assertCaptionsAccessible(listener, 'desktop');

    await listener.setViewportSize(PHONE);
    await assertCaptionsAccessible(listener, 'phone');
    // What a phone shows (not the full page, where the fixed tab bar would sit mid-picture).
    await panel(listener).evaluate((el) => el.scrollIntoView({ block: 'center' }));
    mkdirSync(SCREENSHOTS, { recursive: true });
    await listener.screenshot({ path: path.join(SCREENSHOTS, 'captions-phone.png') });
    await listener.setViewportSize(DESKTOP);
  });

  it('after a reload the listener’s choices are still there', async () => {
    const chosen = await screenStyle(listener);
    const finalsBefore = new Set(
      received.filter((m) => m.kind === 'final').map((m) => m.utterance_id),
    );
    const arrivedBefore = received.length;
    await listener.reload();
    await panel(listener).getByRole('button', { name: 'Hide captions' }).waitFor();
    assert.equal(await panel(listener).getByLabel('Colours').inputValue(), 'yellow-on-black');
    assert.deepEqual(await screenStyle(listener), chosen);
    // As a late joiner, the page gets the last finals with the snapshot, not as new lines.
    const sentAgain = () => new Set(received.slice(arrivedBefore).map((m) => m.utterance_id));
    await eventually(
      async () =>
        (await shownLines(listener)).some(
          (l) => finalsBefore.has(l.utterance) && !sentAgain().has(l.utterance),
        ),
      true,
      { what: 'a line said before the reload, shown after it from the snapshot' },
    );
  });

  it('Ada turns captions off: the CC sign and the panel go for the listener', async () => {
    const captions = host.getByRole('checkbox', { name: 'Captions for this space' });
    // The box follows the space: it unticks when the server's event comes back.
    await captions.click();
    await eventually(() => captions.isChecked(), false, { what: "Ada's box to untick" });
    await eventually(() => sign(listener).count(), 0, { what: 'the CC sign to go' });
    assert.equal(await panel(listener).count(), 0);
    assert.deepEqual(errors, []);
  });
});
