/**
 * What the audio browser tests share: tone WAV files for Chromium's fake
 * microphone, browsers that use them, the server with real media (Janus as a
 * child, ICE on the test namespace's veth address), and waits on what a page
 * *hears* (its WebAudio analyser, `window.__salonAudioProbe`).
 *
 * Everything runs inside the media test namespace (scripts/netns-run.sh):
 * Janus and libwebrtc never use loopback for media.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { encodeWav } from '../server/src/captions/engines/wav.ts';
import { delay, launchBrowser, type RunningServer, startServer, watchCsp } from './support.ts';

/** The veth address of the namespace: Janus gathers ICE candidates only there. */
export const ICE_ADDRESS = '10.77.0.1';
/** The URL flags that turn the microphone's voice processing off and expose the analyser. */
export const TONE_FLAGS = 'mic=raw&audio_probe=1';

/** A 16-bit mono PCM WAV of a sine, a whole number of cycles long so the fake microphone loops cleanly. */
export function toneWav(
  frequency: number,
  { seconds = 10, sampleRate = 48_000, amplitude = 0.5 } = {},
) {
  const samples = seconds * sampleRate;
  const pcm = new Int16Array(samples);
  for (let i = 0; i < samples; i++) {
    pcm[i] = Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * frequency * i) / sampleRate));
  }
  return encodeWav(pcm, sampleRate);
}

export function writeToneFile(frequency: number): string {
  const dir = path.join(tmpdir(), 'salon-e2e-audio');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${frequency}.wav`);
  writeFileSync(file, toneWav(frequency));
  return file;
}

/** Fails early, with the fix, when the test is not inside the media namespace. */
export function assertInMediaNamespace(): void {
  const found = Object.values(networkInterfaces())
    .flat()
    .some((address) => address?.address === ICE_ADDRESS);
  if (!found) {
    throw new Error(
      `No interface has ${ICE_ADDRESS}: run the audio tests inside the media namespace, e.g. bash scripts/netns-run.sh -- node --conditions=salon-source --import tsx --test e2e/audio.test.ts`,
    );
  }
}

export function startMediaServer(env: Record<string, string> = {}): Promise<RunningServer> {
  return startServer({
    MEDIA: 'embedded',
    JANUS_ICE_ENFORCE_LIST: ICE_ADDRESS,
    ...env,
  });
}

export interface AudioBrowserOptions {
  /** The fake microphone's tone (Hz); none: the default fake device's beeps. */
  tone?: number;
  /** A WAV file the fake microphone plays instead (wins over `tone`). */
  captureFile?: string;
  /** Allow sound without a tap (a person who already interacted with the site). */
  autoplay: boolean;
}

export function launchAudioBrowser({
  tone,
  captureFile,
  autoplay,
}: AudioBrowserOptions): Promise<Browser> {
  const capture = captureFile ?? (tone ? writeToneFile(tone) : undefined);
  return launchBrowser([
    '--use-fake-device-for-media-stream',
    ...(capture ? [`--use-file-for-fake-audio-capture=${capture}`] : []),
    // Without autoplay: Chrome's desktop default, spelled out. Open pages with `openLink`:
    // a navigation driven by the test (page.goto) counts as a user activation.
    `--autoplay-policy=${autoplay ? 'no-user-gesture-required' : 'document-user-activation-required'}`,
  ]);
}

/** A page that fails the test on any uncaught script error; the microphone allowed unless told. */
export async function newAudioPage(
  browser: Browser,
  viewport: { width: number; height: number },
  errors: string[],
  { microphone = true } = {},
): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({
    viewport,
    permissions: microphone ? ['microphone'] : [],
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
  await watchCsp(page, errors);
  return { page, context };
}

/**
 * Opens a URL the way following a link from elsewhere does, and resolves once
 * the page has negotiated its audio (the server said `media_listening`).
 *
 * Until then nothing may look into the page: Playwright runs page.goto and
 * every evaluate or locator check as a user gesture, which would let the page
 * autoplay. So the navigation is started by the page itself (from
 * about:blank, another origin), and the wait is on the WebSocket traffic.
 */
export async function openLinkWithoutGesture(page: Page, url: string): Promise<void> {
  const listening = new Promise<void>((resolve) => {
    page.on('websocket', (socket) =>
      socket.on('framereceived', (frame) => {
        if (String(frame.payload).includes('"type":"media_listening"')) resolve();
      }),
    );
  });
  await page.goto('about:blank');
  await page.evaluate((href) => {
    window.location.href = href;
  }, url);
  await page.waitForURL(url);
  await Promise.race([
    listening,
    delay(20_000).then(() => {
      throw new Error('the page did not start listening within 20 s');
    }),
  ]);
  // play() runs right after the answer is applied; let it be refused before anything looks.
  await delay(1000);
}

/**
 * A frequency counts as heard above this level in the analyser (dBFS), and as
 * gone below the next. Measured here: a -6 dBFS tone reads about -20 dB over
 * WebRTC and HLS; other bins stay under -75 dB, except for short bursts up to
 * about -50 dB when a loaded machine drops packets (hence steady reads).
 */
export const PRESENT_DB = -45;
export const ABSENT_DB = -60;

export interface Hearing {
  present?: number[];
  absent?: number[];
  timeoutMs?: number;
  /** Consecutive agreeing reads required (100 ms apart), so a passing blip does not count. */
  steadyReads?: number;
}

/** The analyser's level at each frequency, dBFS (-200 when the page hears nothing at all). */
export function levels(page: Page, frequencies: number[]): Promise<number[]> {
  return page.evaluate(
    (fs) => fs.map((f) => window.__salonAudioProbe?.levelAt(f) ?? -200),
    frequencies,
  );
}

/** Waits until the page hears every `present` tone and none of the `absent` ones; returns the time taken. */
export async function hears(page: Page, hearing: Hearing, what = 'hearing'): Promise<number> {
  const present = hearing.present ?? [];
  const absent = hearing.absent ?? [];
  const started = Date.now();
  const until = started + (hearing.timeoutMs ?? 30_000);
  const needed = hearing.steadyReads ?? 3;
  let agreeing = 0;
  let last: number[] = [];
  while (Date.now() < until) {
    last = await levels(page, [...present, ...absent]).catch(() => []);
    const ok =
      last.length === present.length + absent.length &&
      present.every((_, i) => (last[i] ?? -200) > PRESENT_DB) &&
      absent.every((_, i) => (last[present.length + i] ?? 0) < ABSENT_DB);
    agreeing = ok ? agreeing + 1 : 0;
    if (agreeing >= needed) return Date.now() - started;
    await delay(100);
  }
  const shown = [...present, ...absent].map((f, i) => `${f} Hz: ${last[i]?.toFixed(1)} dB`);
  throw new Error(
    `${what}: wanted ${present.join(', ') || '-'} Hz present and ${absent.join(', ') || '-'} Hz absent; last heard ${shown.join(', ')}; ${await audioState(page)}`,
  );
}

/** What the page's audio panel says, for failure messages. */
export async function audioState(page: Page): Promise<string> {
  return page
    .evaluate(() => {
      const panel = document.querySelector<HTMLElement>('[aria-label="Audio"]');
      const probe = window.__salonAudioProbe;
      return `audio panel: ${panel ? `${panel.dataset.phase}/${panel.dataset.route} "${panel.textContent}"` : 'none'}; probe: ${probe?.source()}/${probe?.state()}; user activation: ${navigator.userActivation?.hasBeenActive}`;
    })
    .catch((error: unknown) => `page unreadable: ${String(error)}`);
}

/** The mean level (dBFS) at a frequency over `reads` analyser reads, 100 ms apart. */
export async function meanLevel(page: Page, hz: number, reads = 10): Promise<number> {
  let sum = 0;
  for (let i = 0; i < reads; i++) {
    const [level] = await levels(page, [hz]);
    sum += level ?? -200;
    await delay(100);
  }
  return sum / reads;
}

/**
 * The types of the messages a page sends on its realtime WebSockets, in
 * order, from the sockets it opens after this call (call it before opening
 * the page): what a test checks the page negotiated.
 */
export function recordSentMessages(page: Page): string[] {
  const types: string[] = [];
  page.on('websocket', (socket) =>
    socket.on('framesent', (frame) => {
      try {
        const message = JSON.parse(String(frame.payload)) as { type?: unknown };
        if (typeof message.type === 'string') types.push(message.type);
      } catch {
        // Not JSON: not ours.
      }
    }),
  );
  return types;
}

export function dominantFrequency(page: Page): Promise<number | null> {
  return page.evaluate(() => window.__salonAudioProbe?.dominantFrequency() ?? null);
}

declare global {
  interface Window {
    __salonAudioProbe?: {
      dominantFrequency(): number | null;
      levelAt(hz: number): number;
      source(): 'stream' | 'element' | null;
      state(): string;
    };
  }
}
