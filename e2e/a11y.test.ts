/**
 * Accessibility, as the product spec promises it: "every control reachable by
 * keyboard and labelled; readable contrast; works on a phone-sized viewport".
 *
 * axe-core runs inside the real pages (WCAG 2.0/2.1 A and AA rules) on every
 * screen, at a desktop and a phone viewport; on the phone no screen scrolls
 * sideways. On a live space, as host and as listener, Tab from the top reaches
 * every visible control, each with a visible focus indicator, and the main
 * actions work from the keyboard.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  ApiClient,
  eventually,
  launchBrowser,
  newPage,
  type RunningServer,
  startServer,
} from './support.ts';

// Evaluated, not added as a <script>: the app's CSP refuses inline scripts, as it should.
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);
const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
} as const;
type ViewportName = keyof typeof VIEWPORTS;
const LONG_LINK =
  'https://salon.example/notes/analytical-engine-and-the-music-of-numbers-a-very-long-path-indeed';

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Runs axe-core in the page; returns its violations of WCAG 2.0/2.1 A and AA. */
async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  // Let transitions finish: axe reads the colours a person sees.
  await page.waitForTimeout(400);
  return page.evaluate(async () => {
    const axe = (window as any).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n: any) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
}

function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `- ${v.id} (${v.impact}): ${v.help}\n${v.nodes
          .map((n) => `    ${JSON.stringify(n.target)} ${n.failureSummary?.split('\n').join(' ')}`)
          .join('\n')}`,
    )
    .join('\n');
}

async function assertAccessible(page: Page, screen: string, viewport: ViewportName) {
  const problems: string[] = [];
  const violations = await axeViolations(page);
  const count = violations.reduce((n, v) => n + v.nodes.length, 0);
  if (violations.length) {
    problems.push(
      `${violations.length} axe rules failed on ${count} nodes:\n${describeViolations(violations)}`,
    );
  }
  if (viewport === 'phone') {
    const { scrollWidth, innerWidth, wide } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      // What sticks out, to say where to look.
      wide: [...document.querySelectorAll<HTMLElement>('body *')]
        .filter(
          (el) =>
            el.getBoundingClientRect().right > window.innerWidth + 0.5 ||
            // Text spilling out of its box (a long word that does not wrap).
            (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible'),
        )
        .slice(0, 8)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
    }));
    if (scrollWidth > innerWidth) {
      problems.push(`scrolls sideways, ${scrollWidth} > ${innerWidth}; wide: ${wide.join(', ')}`);
    }
  }
  assert.deepEqual(problems, [], `${screen} (${viewport}):\n${problems.join('\n')}`);
}

interface Stop {
  index: number;
  role: string;
  name: string;
  indicator: boolean;
  style: string;
}

/**
 * Presses Tab from the top of the page up to `presses` times; returns where
 * focus went and which visible, enabled controls it never reached.
 */
async function tabThrough(page: Page, presses = 100) {
  // tsx names the functions it compiles with a helper the page does not have.
  await page.evaluate('window.__name ??= (f) => f');
  const controls = await page.evaluate(() => {
    // Controls left out of the Tab order on purpose (tabindex="-1", like an avatar
    // beside a name that links to the same place) are not expected.
    const selector = [
      'a[href]',
      'button:not([disabled])',
      'input:not([disabled]):not([type="hidden"])',
      'select:not([disabled])',
      'textarea:not([disabled])',
      '[tabindex]',
    ]
      .map((s) => `${s}:not([tabindex="-1"])`)
      .join(', ');
    const all = [...document.querySelectorAll<HTMLElement>(selector)].filter(
      (el) => el.checkVisibility({ visibilityProperty: true }) && el.getClientRects().length > 0,
    );
    // The unfocused look of each control: nothing may be focused while it is read.
    (document.activeElement as HTMLElement | null)?.blur();
    const ring = (el: HTMLElement) => {
      const s = getComputedStyle(el);
      return `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}|${s.boxShadow}`;
    };
    const w = window as any;
    w.__a11yBaseline = new Map<HTMLElement, string>();
    w.__a11yIndex = new Map<HTMLElement, number>();
    all.forEach((el, i) => {
      w.__a11yBaseline.set(el, ring(el));
      w.__a11yIndex.set(el, i);
    });
    // Focus starts at the top of the document.
    const start = document.createElement('span');
    start.tabIndex = -1;
    start.id = 'a11y-start';
    document.body.prepend(start);
    start.focus();
    return all.map(
      (el) =>
        `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}"`,
    );
  });
  const stops: Stop[] = [];
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const w = window as any;
      const s = getComputedStyle(el);
      const now = `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}|${s.boxShadow}`;
      const hasRing =
        (s.outlineStyle !== 'none' && Number.parseFloat(s.outlineWidth) > 0) ||
        s.boxShadow !== 'none';
      const labelled = el.getAttribute('aria-labelledby');
      const name =
        el.getAttribute('aria-label') ??
        (labelled ? document.getElementById(labelled)?.textContent : null) ??
        ((el as HTMLInputElement).labels?.[0]?.textContent ||
          el.getAttribute('placeholder') ||
          el.textContent ||
          '');
      return {
        index: (w.__a11yIndex.get(el) as number | undefined) ?? -1,
        role: el.getAttribute('role') ?? el.tagName.toLowerCase(),
        name: name.trim().replace(/\s+/g, ' '),
        indicator: hasRing && now !== w.__a11yBaseline.get(el),
        style: now,
      };
    });
    if (stop) stops.push(stop);
  }
  await page.evaluate(() => document.getElementById('a11y-start')?.remove());
  const reached = new Set(stops.map((s) => s.index));
  const missed = controls.filter((_, i) => !reached.has(i));
  const unnamed = stops.filter((s) => s.name === '');
  const noRing = stops.filter((s) => !s.indicator);
  return { controls, stops, missed, unnamed, noRing };
}

describe('accessibility of every screen', { timeout: 600_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  const errors: string[] = [];
  const spaces: Partial<Record<ViewportName, string>> = {};
  let replayId = '';
  let scheduledId = '';
  let adaId = '';
  const pages: Partial<Record<`${ViewportName}-${'anon' | 'host' | 'carol' | 'guest'}`, Page>> = {};
  const dave: Partial<Record<ViewportName, ApiClient>> = {};

  const register = async (handle: string, name: string) => {
    const api = new ApiClient(server.url);
    const { user } = await api.call('POST', '/auth/register', {
      handle,
      display_name: name,
      password: `${handle}-password-1`,
    });
    return { api, id: user.id as string };
  };

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const ada = await register('ada', 'Ada Lovelace');
    adaId = ada.id;
    const carol = await register('carol', 'Carol Shaw');
    await carol.api.call('POST', `/users/${adaId}/follow`);
    await ada.api.call('POST', `/users/${carol.id}/follow`);
    await carol.api.call('POST', '/posts', { text: 'Joining Ada in a minute, see you there!' });
    // Long words and links must wrap on a phone rather than push the page sideways.
    await carol.api.call('POST', '/posts', { text: `Notes: ${LONG_LINK}` });
    await carol.api.call('POST', `/dms/${adaId}`, { text: 'Are you starting the space soon?' });
    await carol.api.call('POST', `/dms/${adaId}`, { text: `The notes: ${LONG_LINK}` });
    await ada.api.call('POST', `/dms/${carol.id}`, { text: 'In five minutes!' });

    // An ended, recorded space for the replay page.
    replayId = (
      await ada.api.call('POST', '/spaces', {
        title: 'Last week',
        topics: ['history'],
        recording: true,
      })
    ).id;
    await ada.api.call('POST', `/spaces/${replayId}/end`);
    await ada.api.call('POST', '/posts', { text: 'Thanks everyone for last week.' });

    // A space planned for tomorrow, and someone who blocked Ada (warned before joining her).
    const sam = await register('sam', 'Sam Planner');
    scheduledId = (
      await sam.api.call('POST', '/spaces', {
        title: 'Tomorrow morning',
        topics: ['plans'],
        scheduled_start: new Date(Date.now() + 24 * 3600_000).toISOString(),
      })
    ).id;
    const erin = await register('erin', 'Erin Block');
    await erin.api.call('POST', `/users/${adaId}/block`);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signIn(page: Page, handle: string) {
    await page.goto(`${server.url}/signin`);
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Password').fill(`${handle}-password-1`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Profile', exact: true }).waitFor();
  }

  /** A live space of Ada's, with Dave (through the API) asking to speak. */
  async function liveSpace(viewport: ViewportName) {
    const ada = new ApiClient(server.url);
    await ada.call('POST', '/auth/login', { handle: 'ada', password: 'ada-password-1' });
    for (const other of Object.values(spaces)) {
      if (other) await ada.call('POST', `/spaces/${other}/end`).catch(() => undefined);
    }
    const id = (
      await ada.call('POST', '/spaces', {
        title: `Engines and poetry (${viewport})`,
        description: `Can a machine compose music? Bring your questions. Notes: ${LONG_LINK}`,
        topics: ['science', 'music'],
        recording: true,
      })
    ).id as string;
    spaces[viewport] = id;
    const requester = (await register(`dave${viewport}`, `Dave ${viewport}`)).api;
    await requester.call('POST', `/spaces/${id}/requests`);
    dave[viewport] = requester;
    return id;
  }

  for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
    const size = VIEWPORTS[viewport];

    it(`${viewport}: sign in and sign up`, async () => {
      const page = await newPage(browser, size, errors);
      pages[`${viewport}-anon`] = page;
      await page.goto(`${server.url}/signin`);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await assertAccessible(page, 'sign in', viewport);
      await page.goto(`${server.url}/signup`);
      await page.getByRole('button', { name: 'Sign up' }).waitFor();
      await assertAccessible(page, 'sign up', viewport);
      // With its errors showing.
      await page.getByLabel('Handle').fill('x');
      await page.getByRole('button', { name: 'Sign up' }).click();
      await page.locator('[aria-invalid="true"]').first().waitFor();
      await assertAccessible(page, 'sign up with errors', viewport);
    });

    it(`${viewport}: a live space as its host, with a request pending`, async () => {
      const id = await liveSpace(viewport);
      const page = await newPage(browser, size, errors);
      pages[`${viewport}-host`] = page;
      await signIn(page, 'ada');
      await page.goto(`${server.url}/spaces/${id}`);
      await page.getByRole('button', { name: `Approve Dave ${viewport}` }).waitFor();
      await page.getByRole('button', { name: 'End space' }).waitFor();
      await eventually(() => page.locator('.connection').textContent(), 'Connected', {
        what: 'connection',
      });
      await assertAccessible(page, 'live space (host)', viewport);
    });

    it(`${viewport}: home, with the live bubble of a followed host`, async () => {
      const page = await newPage(browser, size, errors);
      pages[`${viewport}-carol`] = page;
      await signIn(page, 'carol');
      await page.locator('.bubble', { hasText: `Engines and poetry (${viewport})` }).waitFor();
      await page.locator('.post', { hasText: 'Joining Ada' }).waitFor();
      await assertAccessible(page, 'home', viewport);
    });

    it(`${viewport}: the Spaces tab`, async () => {
      const page = pages[`${viewport}-carol`]!;
      await page.getByRole('link', { name: 'Spaces', exact: true }).click();
      await page.locator('.space-card', { hasText: `Engines and poetry (${viewport})` }).waitFor();
      await assertAccessible(page, 'spaces tab', viewport);
    });

    it(`${viewport}: create a space`, async () => {
      const page = pages[`${viewport}-carol`]!;
      await page.getByRole('link', { name: 'Create' }).click();
      await page.getByLabel('Title').waitFor();
      await assertAccessible(page, 'create space', viewport);
    });

    it(`${viewport}: a profile`, async () => {
      const page = pages[`${viewport}-carol`]!;
      await page.goto(`${server.url}/u/ada`);
      await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();
      await page.getByText('Thanks everyone').waitFor();
      await assertAccessible(page, 'profile', viewport);
    });

    it(`${viewport}: messages and a conversation`, async () => {
      const page = pages[`${viewport}-carol`]!;
      await page.getByRole('link', { name: 'Messages' }).click();
      // The conversation list only: the profile left behind also links to Ada.
      const conversation = page
        .locator('ul.conversations')
        .getByRole('link', { name: /Ada Lovelace/ });
      await conversation.waitFor();
      await assertAccessible(page, 'messages', viewport);
      await conversation.click();
      await page.getByText('In five minutes!').waitFor();
      await assertAccessible(page, 'conversation', viewport);
    });

    it(`${viewport}: people search, a follower list, the profile editor`, async () => {
      const page = pages[`${viewport}-carol`]!;
      await page.goto(`${server.url}/people?q=a`);
      await page
        .getByRole('list', { name: 'People matching “a”' })
        .getByRole('link', { name: 'Ada Lovelace' })
        .waitFor();
      await assertAccessible(page, 'people search', viewport);
      await page.goto(`${server.url}/u/ada/followers`);
      await page
        .getByRole('list', { name: 'Followers' })
        .getByRole('link', { name: 'Carol Shaw' })
        .waitFor();
      await assertAccessible(page, 'followers', viewport);
      await page.goto(`${server.url}/u/carol`);
      await page.getByRole('button', { name: 'Edit profile' }).click();
      await page.getByRole('dialog', { name: 'Edit profile' }).getByLabel('Bio').waitFor();
      await assertAccessible(page, 'edit profile', viewport);
      await page.keyboard.press('Escape');
    });

    it(`${viewport}: a scheduled space as its host, and the reschedule dialog`, async () => {
      const page = await newPage(browser, size, errors);
      await signIn(page, 'sam');
      await page.goto(`${server.url}/spaces/${scheduledId}`);
      const panel = page.getByRole('region', { name: /^Starts / });
      await panel.getByRole('button', { name: 'Start now' }).waitFor();
      await assertAccessible(page, 'scheduled space (host)', viewport);
      await panel.getByRole('button', { name: 'Reschedule' }).click();
      await page.getByRole('dialog', { name: 'Reschedule' }).getByLabel('New start time').waitFor();
      await assertAccessible(page, 'reschedule', viewport);
      await page.context().close();
    });

    it(`${viewport}: notifications`, async () => {
      const page = pages[`${viewport}-carol`]!;
      await page.getByRole('link', { name: /Notifications/ }).click();
      await page
        .getByText(/followed you/)
        .first()
        .waitFor();
      await assertAccessible(page, 'notifications', viewport);
    });

    it(`${viewport}: settings, in the dark and light themes, and a confirmation`, async () => {
      const page = pages[`${viewport}-carol`]!;
      await page.goto(`${server.url}/settings`);
      await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
      await page.getByRole('table').waitFor();
      await assertAccessible(page, 'settings', viewport);
      await page.getByRole('button', { name: 'Sign out everywhere' }).click();
      const dialog = page.getByRole('alertdialog', { name: 'Sign out everywhere?' });
      await assertAccessible(page, 'sign out everywhere', viewport);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('radio', { name: 'Light' }).check();
      await assertAccessible(page, 'settings (light)', viewport);
      await page.goto(`${server.url}/`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await assertAccessible(page, 'home (light)', viewport);
      await page.goto(`${server.url}/messages`);
      await page.getByRole('heading', { name: 'Messages', level: 1 }).waitFor();
      await page.locator('.conversation').first().click();
      await page.getByRole('log', { name: 'Messages' }).locator('li').first().waitFor();
      await assertAccessible(page, 'conversation (light)', viewport);
      await page.goto(`${server.url}/settings`);
      await page.getByRole('radio', { name: 'Dark' }).check();
    });

    it(`${viewport}: the replay of an ended, recorded space`, async () => {
      const page = pages[`${viewport}-carol`]!;
      await page.goto(`${server.url}/spaces/${replayId}/replay`);
      await page.getByRole('heading', { name: 'Last week' }).waitFor();
      await page.waitForTimeout(500);
      await assertAccessible(page, 'replay', viewport);
    });

    it(`${viewport}: an ended space's page, with its summary and replay link`, async () => {
      const page = pages[`${viewport}-carol`]!;
      await page.goto(`${server.url}/spaces/${replayId}`);
      await page.getByTestId('ended-reason').waitFor();
      await page.getByRole('link', { name: 'Play the replay' }).waitFor();
      await assertAccessible(page, 'ended space', viewport);
    });

    it(`${viewport}: the live space as a signed-in listener`, async () => {
      const page = pages[`${viewport}-carol`]!;
      await page.goto(`${server.url}/spaces/${spaces[viewport]}`);
      await page.getByRole('button', { name: 'Request to speak' }).waitFor();
      await page.locator('.stage-member[data-user="ada"]').waitFor();
      await assertAccessible(page, 'live space (listener)', viewport);
    });

    it(`${viewport}: the live space as a guest`, async () => {
      const page = pages[`${viewport}-anon`]!;
      await page.goto(`${server.url}/spaces/${spaces[viewport]}`);
      await page.getByRole('link', { name: 'Sign in to request to speak' }).waitFor();
      await page.locator('.stage-member[data-user="ada"]').waitFor();
      await assertAccessible(page, 'live space (guest)', viewport);
    });

    it(`${viewport}: a scheduled space, the warning before joining, a missing page`, async () => {
      const page = pages[`${viewport}-anon`]!;
      await page.goto(`${server.url}/spaces/${scheduledId}`);
      await page.getByRole('heading', { name: /^Starts / }).waitFor();
      await assertAccessible(page, 'scheduled space', viewport);
      await page.goto(`${server.url}/no/such/page`);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      await assertAccessible(page, 'page not found', viewport);
      for (const [path, heading] of [
        ['/spaces/nope', 'Space not found'],
        ['/u/nobody_here', 'Profile not found'],
      ] as const) {
        await page.goto(`${server.url}${path}`);
        await page.getByRole('heading', { name: heading }).waitFor();
        await assertAccessible(page, heading, viewport);
      }

      const erin = await newPage(browser, size, errors);
      await signIn(erin, 'erin');
      await erin.goto(`${server.url}/spaces/${spaces[viewport]}`);
      await erin
        .getByRole('alertdialog', { name: 'Someone you blocked is on stage' })
        .getByRole('button', { name: 'Join anyway' })
        .waitFor();
      await assertAccessible(erin, 'warning before joining', viewport);
      await erin.context().close();
    });

    it(`${viewport}: your own profile`, async () => {
      const page = pages[`${viewport}-carol`]!;
      await page.getByRole('link', { name: 'Profile', exact: true }).click();
      await page.getByRole('heading', { name: 'Carol Shaw' }).waitFor();
      await page.getByText('Joining Ada').waitFor();
      await assertAccessible(page, 'own profile', viewport);
    });

    it(`${viewport}: the mini-player while browsing`, async () => {
      const page = pages[`${viewport}-carol`]!;
      await page.getByRole('link', { name: 'Home', exact: true }).click();
      const mini = page.getByRole('region', { name: 'Current space' });
      await mini.getByText(/^\d+ (person|people) here$/).waitFor();
      await assertAccessible(page, 'home with the mini-player', viewport);
      await mini.getByRole('link').click();
      await page.getByRole('button', { name: 'Request to speak' }).waitFor();
    });

    it(`${viewport}: the host's dialogs`, async () => {
      const page = pages[`${viewport}-host`]!;
      const open = async (button: string, dialog: string | RegExp) => {
        await page.getByRole('button', { name: button, exact: true }).click();
        const modal = page.getByRole('dialog', { name: dialog });
        await modal.waitFor();
        await assertAccessible(page, `${dialog} dialog`, viewport);
        await page.keyboard.press('Escape');
        await modal.waitFor({ state: 'detached' });
      };
      await open('Share', 'Share this space');
      await open('Report', /^Report/);
      await open('Invite', 'Invite to the stage');
      await open('Edit', 'Edit space');
      await page.getByRole('button', { name: 'End space' }).click();
      const confirm = page.getByRole('alertdialog', { name: 'End this space for everyone?' });
      await confirm.waitFor();
      await assertAccessible(page, 'end confirmation', viewport);
      await page.keyboard.press('Escape');
      await confirm.waitFor({ state: 'detached' });
      await page.locator('.listener', { hasText: 'Carol Shaw' }).click();
      const menu = page.getByRole('dialog', { name: 'Carol Shaw' });
      await menu.getByRole('button', { name: 'Invite to speak' }).waitFor();
      await assertAccessible(page, 'person menu', viewport);
      await menu.getByRole('button', { name: 'Remove from space' }).click();
      const removal = page.getByRole('alertdialog', { name: 'Remove Carol Shaw from this space?' });
      await removal.waitFor();
      await assertAccessible(page, 'removal confirmation', viewport);
      await removal.getByRole('button', { name: 'Cancel' }).click();
      await removal.waitFor({ state: 'detached' });
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Leave', exact: true }).click();
      const leaving = page.getByRole('alertdialog', {
        name: 'Leave and end the space for everyone?',
      });
      await leaving.waitFor();
      await assertAccessible(page, 'leave confirmation (host)', viewport);
      await leaving.getByRole('button', { name: 'Stay' }).click();
      await leaving.waitFor({ state: 'detached' });
    });

    it(`${viewport}: Tab reaches every control of the live space, with a visible focus`, async (t) => {
      for (const who of ['host', 'carol'] as const) {
        const page = pages[`${viewport}-${who}`]!;
        const { controls, stops, missed, unnamed, noRing } = await tabThrough(page);
        t.diagnostic(`${who}: ${controls.length} controls, ${stops.length} Tab stops`);
        const trail = stops.map((s) => `${s.role} "${s.name}"`).join(' → ');
        assert.deepEqual(
          missed,
          [],
          `${who}: never reached by Tab: ${missed.join(', ')}\n${trail}`,
        );
        assert.deepEqual(
          unnamed.map((s) => s.role),
          [],
          `${who}: focused without a name\n${trail}`,
        );
        assert.deepEqual(
          noRing.map((s) => `${s.role} "${s.name}" (${s.style})`),
          [],
          `${who}: focused without a visible focus indicator`,
        );
      }
    });

    it(`${viewport}: the main actions work from the keyboard`, async () => {
      const host = pages[`${viewport}-host`]!;
      const carol = pages[`${viewport}-carol`]!;

      // A listener asks to speak with Enter, and cancels with Space.
      await carol.getByRole('button', { name: 'Request to speak' }).focus();
      await carol.keyboard.press('Enter');
      await carol.getByRole('button', { name: 'Cancel request' }).focus();
      await host.getByRole('button', { name: 'Approve Carol Shaw' }).waitFor();
      await carol.keyboard.press(' ');
      await carol.getByRole('button', { name: 'Request to speak' }).waitFor();
      await host.getByRole('button', { name: 'Approve Carol Shaw' }).waitFor({ state: 'detached' });

      // A reaction with Space reaches the host.
      const floating = host.locator('.floater', { hasText: '❤' });
      await eventually(
        async () => {
          await carol.getByRole('button', { name: 'React: Heart' }).focus();
          await carol.keyboard.press(' ');
          await floating.first().waitFor({ state: 'attached', timeout: 1500 });
          return true;
        },
        true,
        { what: 'a heart sent with the keyboard floats on the host screen' },
      );

      // The host approves with Enter.
      await host.getByRole('button', { name: `Approve Dave ${viewport}` }).focus();
      await host.keyboard.press('Enter');
      await host.locator(`.stage-member[data-user="dave${viewport}"]`).waitFor();

      // Asked again and approved with Enter, the listener is a speaker.
      await carol.getByRole('button', { name: 'Request to speak' }).focus();
      await carol.keyboard.press('Enter');
      await host.getByRole('button', { name: 'Approve Carol Shaw' }).focus();
      await host.keyboard.press('Enter');
      await carol.getByRole('button', { name: 'Leave stage' }).waitFor();
      await assertAccessible(carol, 'live space (speaker)', viewport);

      // The speaker leaves with Enter.
      await carol.getByRole('button', { name: 'Leave', exact: true }).focus();
      await carol.keyboard.press('Enter');
      await carol.waitForURL(`${server.url}/`);

      // The host ends with Space, and confirms with Enter.
      await host.getByRole('button', { name: 'End space' }).focus();
      await host.keyboard.press(' ');
      const confirm = host.getByRole('alertdialog', { name: 'End this space for everyone?' });
      await confirm.getByRole('button', { name: 'End for everyone' }).focus();
      await host.keyboard.press('Enter');
      await host.getByText('This space has ended.').waitFor();
      for (const [key, page] of Object.entries(pages)) {
        if (key.startsWith(viewport)) await page?.context().close();
      }
    });
  }

  /** What the console shows: an open report, an upheld one appealed, a suspended person. */
  let adminData: Promise<{ spaceId: string }> | null = null;
  const adminSetup = () => {
    adminData ??= (async () => {
      const ada = new ApiClient(server.url);
      await ada.call('POST', '/auth/login', { handle: 'ada', password: 'ada-password-1' });
      const carol = new ApiClient(server.url);
      await carol.call('POST', '/auth/login', { handle: 'carol', password: 'carol-password-1' });
      const mona = await register('mona', 'Mona Loud');
      await ada.call('PUT', `/admin/users/${mona.id}/hosting`, { can_host: true });
      const spaceId = (await mona.api.call('POST', '/spaces', { title: 'Loud room' })).id as string;
      const upheld = await carol.call('POST', `/spaces/${spaceId}/reports`, {
        reason: 'abuse',
        details: `Insults, and a link: ${LONG_LINK}`,
      });
      await ada.call('POST', `/moderation/reports/${upheld.id}/decision`, {
        action: 'uphold',
        note: 'Insults on stage',
      });
      await mona.api.call('POST', `/moderation/reports/${upheld.id}/appeal`, {
        text: 'It was a sketch',
      });
      await carol.call('POST', `/spaces/${spaceId}/reports`, { reason: 'spam', details: 'Ads' });
      const spammer = await register('spammy', 'Sam Spammy');
      await ada.call('POST', `/moderation/users/${spammer.id}/suspension`, { note: 'Scam links' });
      return { spaceId };
    })();
    return adminData;
  };

  for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
    it(`${viewport}: the admin console, decisions about you, and a member kept out`, async () => {
      await adminSetup();
      const size = VIEWPORTS[viewport];
      const page = await newPage(browser, size, errors);
      await signIn(page, 'ada');
      await page.getByRole('region', { name: "You are this instance's admin" }).waitFor();
      await assertAccessible(page, "the first admin's notice", viewport);

      await page.goto(`${server.url}/admin/reports`);
      const report = page.getByRole('article', { name: 'Spam · Loud room' });
      await report.getByRole('button', { name: 'Uphold' }).waitFor();
      await assertAccessible(page, 'admin: report queue', viewport);
      await report.getByRole('button', { name: 'Uphold' }).click();
      await report.locator('[aria-invalid="true"]').waitFor();
      await assertAccessible(page, 'admin: a decision without its reason', viewport);
      await report.getByRole('button', { name: 'Listen to the kept audio' }).click();
      await report.getByTestId('archive-audio').waitFor();
      await assertAccessible(page, 'admin: the kept audio', viewport);
      await report.getByRole('button', { name: 'End the space' }).click();
      const end = page.getByRole('alertdialog', { name: 'End this space for a violation?' });
      await end.waitFor();
      await assertAccessible(page, 'admin: end a space', viewport);
      await page.keyboard.press('Escape');
      await end.waitFor({ state: 'detached' });
      await report.getByRole('button', { name: 'Suspend Mona Loud' }).click();
      const suspend = page.getByRole('dialog', { name: 'Suspend Mona Loud?' });
      await suspend.waitFor();
      await assertAccessible(page, 'admin: suspend', viewport);
      await page.keyboard.press('Escape');
      await suspend.waitFor({ state: 'detached' });

      await page.getByRole('link', { name: 'Appeals', exact: true }).click();
      await page.getByRole('article', { name: 'Appeal from Mona Loud' }).waitFor();
      await assertAccessible(page, 'admin: appeals', viewport);
      await page.getByRole('link', { name: 'People', exact: true }).click();
      await page.getByRole('article', { name: 'Sam Spammy' }).getByText('Suspended').waitFor();
      await assertAccessible(page, 'admin: people', viewport);
      await page.getByRole('link', { name: 'Hosting requests', exact: true }).click();
      await page.getByText('No requests to host are waiting.').waitFor();
      await assertAccessible(page, 'admin: hosting requests', viewport);
      await page.getByRole('link', { name: 'Decision log', exact: true }).click();
      await page.locator('li[data-action="report_upheld"]').first().waitFor();
      await assertAccessible(page, 'admin: decision log', viewport);
      await page.context().close();

      const mona = await newPage(browser, size, errors);
      await signIn(mona, 'mona');
      await mona.goto(`${server.url}/standing`);
      await mona.getByText('Insults on stage').waitFor();
      await assertAccessible(mona, 'decisions about you', viewport);
      await mona.goto(`${server.url}/admin`);
      await mona.getByRole('heading', { name: 'You are not allowed here' }).waitFor();
      await assertAccessible(mona, 'admin: not allowed', viewport);
      await mona.context().close();
    });
  }

  it('no page threw an uncaught error', () => {
    assert.deepEqual(errors, []);
  });
});
