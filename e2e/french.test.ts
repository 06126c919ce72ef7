/**
 * The main flow in French, as Salon's first communities use it: two people
 * whose browsers ask for French sign up, one opens a space, the other asks to
 * speak and is approved, reacts, and the host ends it. Then the listener
 * switches to English in settings, and the choice stays.
 *
 * Texts are looked up in the app's own catalogues from their English wording
 * (`fr('Request to speak')` finds the key whose English is that and returns
 * its French), so the test follows the translators' choices but fails when a
 * screen still shows a string no catalogue has. On every screen, no English
 * of the catalogues, and none of a list of English phrases, may be visible
 * (text, labels, titles, placeholders).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  ApiClient,
  eventually,
  launchBrowser,
  ROOT,
  type RunningServer,
  screenshot,
  startServer,
  text,
  watchCsp,
} from './support.ts';

const LOCALES = path.join(ROOT, 'web', 'src', 'i18n', 'locales');
type Catalogue = Map<string, string>; // "namespace:key" → text

function load(language: string): Catalogue {
  const out: Catalogue = new Map();
  for (const file of readdirSync(path.join(LOCALES, language))) {
    if (!file.endsWith('.json')) continue;
    const namespace = file.slice(0, -'.json'.length);
    const walk = (tree: unknown, prefix: string) => {
      for (const [key, value] of Object.entries(tree as Record<string, unknown>)) {
        if (value && typeof value === 'object') walk(value, `${prefix}${key}.`);
        else if (typeof value === 'string') out.set(`${namespace}:${prefix}${key}`, value);
      }
    };
    walk(JSON.parse(readFileSync(path.join(LOCALES, language, file), 'utf8')), '');
  }
  return out;
}
const EN = load('en');
const FR = load('fr');

/**
 * The French for an English text of the app, with `{{values}}` filled in.
 * Where several keys share the English, their French must agree (or name the
 * namespace: `fr('Mute', 'space')`).
 */
function fr(english: string, namespace?: string, values: Record<string, string> = {}): string {
  const keys = [...EN].filter(
    ([key, value]) =>
      value === english && (namespace === undefined || key.startsWith(`${namespace}:`)),
  );
  const french = [...new Set(keys.map(([key]) => FR.get(key)).filter((v) => v !== undefined))];
  assert.ok(
    keys.length > 0,
    `no catalogue has the English "${english}": is its screen translated?`,
  );
  assert.equal(french.length, 1, `"${english}" has several French texts: ${french.join(' | ')}`);
  return french[0]!.replace(/\{\{(\w+)\}\}/g, (_, name: string) => values[name] ?? `{{${name}}}`);
}

/** English a person must not see in the French app, besides every sentence of the catalogues. */
const ENGLISH = [
  'Sign up',
  'Sign in',
  'Create',
  'Home',
  'Start now',
  'Title',
  'Topics',
  'Listening now',
  'listening now',
  'people here',
  'Request to speak',
  'Cancel request',
  'Requests',
  'Approve',
  'Decline',
  'Unmute',
  'Mute',
  'End space',
  'End for everyone',
  'This space has ended.',
  'Connected',
  'Loading…',
  'Nobody',
  'Listeners',
  'Share',
  'Report',
  'Leave',
  'Settings',
  'Profile',
  'Followers',
  'Following',
  'Something went wrong',
  'Try again',
  'Live',
  'Ended',
  'Host',
  'Speaker',
  'Listener',
  'Tap to listen',
  'Speaker volumes',
  'Listening live',
];

/** English sentences of the catalogues worth looking for: several words, not the same in French. */
const CATALOGUE_ENGLISH = [...EN]
  .filter(([key, value]) => {
    if (key.startsWith('errors:')) return false; // said only when they happen
    const french = FR.get(key);
    const plain = value.replace(/\{\{[^}]+\}\}/g, '').trim();
    return french !== value && plain.split(/\s+/).length >= 3 && !value.includes('{{');
  })
  .map(([, value]) => value);

/** Every text a person can see or hear on the page: visible text and the names of controls. */
async function visibleWords(page: Page): Promise<string> {
  return page.evaluate(() => {
    // biome-ignore lint/performance/useDomNodeTextContent: only what is rendered is seen
    const parts = [document.body.innerText];
    for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
      for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
        const value = el.getAttribute(name);
        if (value) parts.push(value);
      }
    }
    return parts.join('\n');
  });
}

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The English found on the page (people's own words excepted). */
async function englishOn(page: Page, userText: string[]): Promise<string[]> {
  let words = await visibleWords(page);
  for (const mine of userText) words = words.split(mine).join(' ');
  const found = ENGLISH.filter((phrase) =>
    new RegExp(`(^|[^\\p{L}])${literal(phrase)}($|[^\\p{L}])`, 'u').test(words),
  );
  for (const sentence of CATALOGUE_ENGLISH) if (words.includes(sentence)) found.push(sentence);
  return [...new Set(found)];
}

/** Waits until nothing on the page is still loading. */
async function settled(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.locator('.loading').first().waitFor({ state: 'detached' });
}

/** A screenshot from the top of the page, where the sticky bar belongs. */
async function picture(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
}

const DESKTOP = { width: 1100, height: 900 };
const PHONE = { width: 412, height: 915 };

describe('the main flow in French', { timeout: 240_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let host: Page;
  let listener: Page;
  let spaceUrl = '';
  const errors: string[] = [];
  const leaks: string[] = [];
  // What people typed: their names and titles are theirs, in whatever language.
  const userText = [
    'Émilie du Châtelet',
    '@emilie',
    'Sophie Germain',
    '@sophie',
    'Moteurs et poésie',
    'Une machine peut-elle composer de la musique ?',
    'sciences',
    'musique',
  ];

  /** Records the English visible on a screen; the last test reports them all. */
  async function noEnglish(page: Page, screen: string): Promise<void> {
    for (const phrase of await englishOn(page, userText)) leaks.push(`${screen}: "${phrase}"`);
  }

  async function frenchPage(viewport: { width: number; height: number }): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'fr-FR' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
    await watchCsp(page, errors);
    return page;
  }

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    host = await frenchPage(DESKTOP);
    listener = await frenchPage(PHONE);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const tile = (page: Page, handle: string) => page.locator(`.stage-member[data-user="${handle}"]`);

  it('signs up in French; a weak password is refused in French', async () => {
    await host.goto(`${server.url}/signup`);
    await eventually(() => host.evaluate(() => document.documentElement.lang), 'fr', {
      what: 'the page language',
    });
    await host.getByRole('heading', { name: fr('Create your account', 'auth') }).waitFor();
    await host.getByLabel(fr('Handle', 'auth'), { exact: true }).fill('emilie');
    await host.getByLabel(fr('Name', 'auth'), { exact: true }).fill('Émilie du Châtelet');
    await host.getByLabel(fr('Password', 'auth'), { exact: true }).fill('password1');
    await host.getByRole('button', { name: fr('Sign up', 'auth') }).click();
    const alert = host.getByRole('alert');
    await alert.getByText(fr('This password is too easy to guess.', 'errors')).waitFor();
    assert.doesNotMatch(await text(alert), /password|guess/i, 'the reasons are in French too');
    await noEnglish(host, 'sign-up (error)');

    await host.getByLabel(fr('Password', 'auth'), { exact: true }).fill('machine-analytique-1843');
    await host.getByRole('button', { name: fr('Sign up', 'auth') }).click();
    await host.waitForURL((url) => url.pathname === '/');
    await host.locator('main h1').first().waitFor();
    await settled(host);
    await host.getByRole('link', { name: fr('Create', 'nav'), exact: true }).waitFor();
    await settled(host);
    await noEnglish(host, 'home (new account)');
    await picture(host, 'french-home');
  });

  it('creates a space in French and sees it live', async () => {
    await host.getByRole('link', { name: fr('Create', 'nav'), exact: true }).click();
    await host.getByLabel(fr('Title'), { exact: true }).fill('Moteurs et poésie');
    await host
      .getByLabel(fr('Description'), { exact: true })
      .fill('Une machine peut-elle composer de la musique ?');
    await host.getByLabel(fr('Topics'), { exact: true }).fill('sciences, musique');
    await noEnglish(host, 'create');
    await host.getByRole('button', { name: fr('Start now') }).click();

    await host.waitForURL(/\/spaces\/[0-9a-z]{20}$/);
    spaceUrl = host.url();
    await host.getByRole('heading', { name: 'Moteurs et poésie' }).waitFor();
    await host
      .locator('.badge-live', { hasText: fr('Live', 'components') })
      .first()
      .waitFor();
    await tile(host, 'emilie').waitFor();
    await eventually(() => text(host.locator('.connection')), fr('Connected'), {
      what: 'the connection, in French',
    });
    await settled(host);
    await noEnglish(host, 'space (host, alone)');
  });

  it('a second French person signs in, joins as a listener and asks to speak', async () => {
    await new ApiClient(server.url).call('POST', '/auth/register', {
      handle: 'sophie',
      display_name: 'Sophie Germain',
      password: 'theoreme-de-fermat-1823',
    });
    await listener.goto(`${server.url}/signin`);
    await eventually(() => listener.evaluate(() => document.documentElement.lang), 'fr', {
      what: 'the page language',
    });
    await listener.getByLabel(fr('Handle', 'auth'), { exact: true }).fill('sophie');
    await listener
      .getByLabel(fr('Password', 'auth'), { exact: true })
      .fill('theoreme-de-fermat-1823');
    await listener.getByRole('button', { name: fr('Sign in', 'auth') }).click();
    await listener.waitForURL((url) => url.pathname === '/');
    await settled(listener);
    await noEnglish(listener, 'home (signed in)');

    await listener.goto(spaceUrl);
    await tile(listener, 'emilie').waitFor();
    await host.locator('.listener', { hasText: 'Sophie Germain' }).waitFor();
    await settled(listener);
    await noEnglish(listener, 'space (listener)');
    await picture(listener, 'french-space-listener');
    await listener.getByRole('button', { name: fr('Request to speak') }).click();
    await listener.getByRole('button', { name: fr('Cancel request') }).waitFor();
  });

  it('the host approves; the new speaker unmutes', async () => {
    await host
      .getByRole('button', { name: fr('Approve {{name}}', 'space', { name: 'Sophie Germain' }) })
      .click();
    await tile(host, 'sophie').waitFor();
    await tile(listener, 'sophie').waitFor();
    await listener.getByRole('button', { name: fr('Unmute', 'space'), exact: true }).click();
    await listener.getByRole('button', { name: fr('Mute', 'space'), exact: true }).waitFor();
    await noEnglish(listener, 'space (speaker)');
    await noEnglish(host, 'space (host, with a speaker)');
  });

  it('reactions float on the host’s screen', async () => {
    const heart = fr('React: {{name}}', 'space', { name: fr('Heart', 'space') });
    const floating = host.locator('.floater', { hasText: '❤' });
    // Aggregated reactions are best-effort: send a few until one floats.
    await eventually(
      async () => {
        await listener.getByRole('button', { name: heart }).click();
        await floating.first().waitFor({ state: 'attached', timeout: 1500 });
        return true;
      },
      true,
      { timeout: 10_000, what: 'a heart floats on the host screen' },
    );
    await picture(host, 'french-space-host');
  });

  it('the host ends the space; everyone reads it in French', async () => {
    await host.getByRole('button', { name: fr('End space') }).click();
    await host
      .getByRole('alertdialog', { name: fr('End this space for everyone?') })
      .getByRole('button', { name: fr('End for everyone') })
      .click();
    const ended = fr('This space has ended.', 'space');
    await host.getByText(ended, { exact: true }).waitFor();
    await listener.getByText(ended, { exact: true }).waitFor();
    await noEnglish(host, 'space (ended, host)');
    await noEnglish(listener, 'space (ended, listener)');
    await picture(listener, 'french-space-ended');
  });

  it('a person who prefers English switches in settings, and it stays so', async () => {
    await listener.goto(`${server.url}/settings`);
    await settled(listener);
    await noEnglish(listener, 'settings');
    await listener.getByRole('radio', { name: 'English', exact: true }).check();
    await listener.getByRole('link', { name: 'Home', exact: true }).waitFor();
    await listener.reload();
    await listener.getByRole('link', { name: 'Home', exact: true }).waitFor();
    assert.equal(await listener.evaluate(() => document.documentElement.lang), 'en');
    // The host's browser, never switched, still speaks French.
    await host.getByRole('link', { name: fr('Home', 'nav'), exact: true }).waitFor();
  });

  it('showed no English on any of these screens', () => {
    assert.deepEqual(leaks, []);
  });

  it('no page threw an uncaught error', () => {
    assert.deepEqual(errors, []);
  });
});
