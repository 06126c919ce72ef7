/**
 * Transcripts in the app (issue 14), in a real browser on a real server:
 *
 * - a recorded space's replay plays with its captions track (the browser's
 *   own WebVTT parser loads every cue), shows the transcript beside the
 *   player, and a line clicked moves the audio there and is marked as playing;
 * - "What was said" in the Spaces tab finds the space by a word said, marks
 *   the word, and its link opens the replay at that moment;
 * - an ended space that was not recorded is not found, and neither is a
 *   space whose host blocked the searcher;
 * - the moderator reads a reported space's transcript beside its audio;
 * - axe-core finds nothing on the replay with its transcript and on the
 *   search, at desktop and phone widths.
 *
 * No media server: the archive is written as the packager writes it (real
 * AAC segments made by ffmpeg, dated), and the lines are written into the
 * server's transcripts table as its store writes them (the table's triggers
 * keep the FTS5 index, as for the pipeline's lines).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { writeArchive } from '../server/test/replays/support.ts';
import {
  ApiClient,
  delay,
  eventually,
  launchBrowser,
  newPage,
  ROOT,
  type RunningServer,
  SCREENSHOTS,
  screenshot,
  startServer,
  text,
} from './support.ts';

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

/** Seconds of audio in the recorded space's archive. */
const RECORDED_S = 12;
/** What Ada said in the recorded space: [from ms, to ms, text], from the start of the live. */
const SAID: Array<[number, number, string]> = [
  [500, 1500, 'Welcome to the energy hour'],
  [1800, 2900, 'Tonight we talk about rooftops'],
  [3200, 4300, 'Photovoltaic panels got cheaper'],
  [4800, 5900, 'Batteries are the next question'],
  [6200, 7300, 'Grid operators worry about evenings'],
  [7600, 8700, 'Heat pumps change the winter load'],
  [9000, 10_100, 'Thanks everyone for listening'],
];

async function assertAccessible(page: Page, screen: string, phone: boolean) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations: { id: string; help: string; nodes: { target: unknown[] }[] }[] =
    await page.evaluate(async () => {
      const axe = (window as any).axe;
      const result = await axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      });
      return result.violations.map((v: any) => ({
        id: v.id,
        help: v.help,
        nodes: v.nodes.map((n: any) => ({ target: n.target })),
      }));
    });
  const problems = violations.map(
    (v) => `- ${v.id}: ${v.help} ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`,
  );
  if (phone) {
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    if (scrollWidth > innerWidth) problems.push(`scrolls sideways, ${scrollWidth} > ${innerWidth}`);
  }
  assert.deepEqual(
    problems,
    [],
    `${screen} (${phone ? 'phone' : 'desktop'}):\n${problems.join('\n')}`,
  );
}

describe('transcripts: replay, search and moderation', { timeout: 240_000 }, () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'salon-e2e-transcripts-'));
  let server: RunningServer;
  let browser: Browser;
  const errors: string[] = [];
  const apis: Record<string, ApiClient> = {};
  const ids: Record<string, string> = {};
  let recordedId = '';
  let unrecordedId = '';
  /** Where each line plays in the replay, from the server's JSON transcript. */
  let atMs: number[] = [];

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

  const signedIn = async (handle: string, viewport = DESKTOP) => {
    const page = await newPage(browser, viewport, errors);
    await page.goto(`${server.url}/signin`);
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Password').fill(`${handle}-password-1`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
    return page;
  };

  const audioTime = (page: Page) =>
    page.getByTestId('replay-audio').evaluate((a: HTMLAudioElement) => a.currentTime);

  const nearly = async (page: Page, seconds: number, what: string) =>
    eventually(async () => Math.abs((await audioTime(page)) - seconds) < 0.25, true, {
      timeout: 15_000,
      what,
    });

  before(async () => {
    server = await startServer({ DATA_DIR: dataDir });
    browser = await launchBrowser();
    await register('olive', 'Olive Admin'); // the first account: the instance's admin
    await register('ada', 'Ada Lovelace');
    await register('bob', 'Bob Listener');
    await register('carol', 'Carol Blocked');

    const db = new SqliteDatabase(path.join(dataDir, 'salon.db'));
    const insert = db.prepare(
      `insert into transcript_lines (space_id, utterance_id, speaker_id, text, start_ms, end_ms, engine)
       values (?, ?, ?, ?, ?, ?, 'e2e')`,
    );
    try {
      // A space that was not recorded, where the word searched for was said too.
      const unrecorded = await apis.ada!.call('POST', '/spaces', { title: 'Off the record' });
      unrecordedId = unrecorded.id;
      const at = Date.parse(unrecorded.started_at);
      insert.run(
        unrecordedId,
        'off-0',
        ids.ada!,
        'Photovoltaic secrets nobody recorded',
        at + 200,
        at + 1200,
      );
      await apis.ada!.call('POST', `/spaces/${unrecordedId}/end`);

      // The recorded space: its archive as the packager writes it while live, and Ada's lines.
      const recorded = await apis.ada!.call('POST', '/spaces', {
        title: 'Energy hour',
        recording: true,
      });
      recordedId = recorded.id;
      const start = Date.parse(recorded.started_at);
      await writeArchive(dataDir, recordedId, start, RECORDED_S);
      for (const [i, [from, to, said]] of SAID.entries())
        insert.run(recordedId, `rec-${i}`, ids.ada!, said, start + from, start + to);
    } finally {
      db.close();
    }
    // The recording holds what was archived while live: end once its last segment is past.
    const start = Date.parse((await apis.ada!.call('GET', `/spaces/${recordedId}`)).started_at);
    while (Date.now() < start + RECORDED_S * 1000 + 500) await delay(200);
    await apis.ada!.call('POST', `/spaces/${recordedId}/end`);
    await eventually(
      () => apis.bob!.call('GET', `/spaces/${recordedId}/replay`).then((r) => r.state),
      'ready',
      { timeout: 30_000, what: 'the replay is ready' },
    );
    const transcript = await apis.bob!.call('GET', `/spaces/${recordedId}/transcript`);
    atMs = transcript.lines.map((l: { at_ms: number | null }) => l.at_ms);
    assert.equal(atMs.length, SAID.length);
    assert.ok(
      atMs.every((a) => typeof a === 'number'),
      `every line plays in the replay: ${atMs}`,
    );
    await apis.ada!.call('POST', `/users/${ids.carol}/block`);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    assert.deepEqual(errors, [], 'no script errors or CSP violations');
  });

  it('the replay has its captions track and transcript; a line clicked plays from there', async () => {
    const page = await signedIn('bob');
    await page.goto(`${server.url}/spaces/${recordedId}/replay`);
    const panel = page.getByRole('region', { name: 'Transcript' });
    const lines = panel.getByRole('listitem');
    await eventually(() => lines.count(), SAID.length, { what: 'transcript lines' });
    assert.match(await text(lines.nth(2)), /Ada Lovelace/);
    assert.match(await text(lines.nth(2)), /Photovoltaic panels got cheaper/);
    // Bob is not the host: no download.
    assert.equal(await panel.getByRole('link', { name: 'Download transcript' }).count(), 0);

    // The track: the browser's WebVTT parser loaded it, one cue per line, each voice named.
    const track = page.locator('audio[data-testid="replay-audio"] track[kind="captions"]');
    await eventually(
      () => track.evaluate((t: HTMLTrackElement) => t.readyState),
      2, // LOADED (3 would be ERROR: it did not parse)
      { what: 'the captions track loaded' },
    );
    const cues = await track.evaluate((t: HTMLTrackElement) =>
      [...(t.track.cues ?? [])].map((c) => {
        const cue = c as VTTCue;
        return { start: cue.startTime, end: cue.endTime, text: cue.text };
      }),
    );
    assert.equal(cues.length, SAID.length);
    for (const [i, cue] of cues.entries()) {
      assert.equal(cue.text, `<v Ada Lovelace>${SAID[i]![2]}</v>`);
      assert.ok(Math.abs(cue.start * 1000 - atMs[i]!) < 2, `cue ${i} at ${cue.start}`);
      assert.ok(cue.end <= RECORDED_S + 0.5 && cue.end > cue.start, `cue ${i} inside`);
    }

    // A line clicked: the audio moves there, the line is the one playing, the caption says it.
    await lines.nth(4).getByRole('button').click();
    await nearly(page, atMs[4]! / 1000, 'the audio at the fifth line');
    await eventually(() => lines.nth(4).getAttribute('aria-current'), 'true', {
      what: 'the fifth line is current',
    });
    assert.equal(await lines.nth(2).getAttribute('aria-current'), null);
    assert.match(await text(page.getByTestId('replay-caption')), /Grid operators worry/);
    // And from the keyboard.
    await lines.nth(1).getByRole('button').focus();
    await page.keyboard.press('Enter');
    await nearly(page, atMs[1]! / 1000, 'the audio at the second line');

    // Played on to the last line (the audio's own controls): the list scrolls it into view.
    const list = panel.getByRole('list');
    assert.ok(
      await list.evaluate((l) => l.scrollHeight > l.clientHeight + 50),
      'the lines overflow the panel',
    );
    await page.getByTestId('replay-audio').evaluate(
      (a: HTMLAudioElement, s: number) => {
        a.currentTime = s;
      },
      atMs[6]! / 1000 + 0.2,
    );
    await eventually(() => lines.nth(6).getAttribute('aria-current'), 'true', {
      what: 'the last line is current',
    });
    await eventually(
      () =>
        list.evaluate((l) => {
          const box = l.getBoundingClientRect();
          const line = l.querySelector('[aria-current="true"]')!.getBoundingClientRect();
          return line.top >= box.top - 1 && line.bottom <= box.bottom + 1;
        }),
      true,
      { what: 'the playing line is in view in the panel' },
    );
    await page.context().close();
  });

  it('the host may download the transcript; a screenshot of the replay with it', async () => {
    const page = await signedIn('ada');
    await page.goto(`${server.url}/spaces/${recordedId}/replay`);
    const panel = page.getByRole('region', { name: 'Transcript' });
    const link = panel.getByRole('link', { name: 'Download transcript' });
    await link.waitFor();
    assert.equal(
      await link.getAttribute('href'),
      `/api/v1/spaces/${recordedId}/transcript.vtt?download=true`,
    );
    const answer = await page.evaluate(
      async (href) => {
        const r = await fetch(href);
        return { type: r.headers.get('content-disposition'), body: await r.text() };
      },
      (await link.getAttribute('href'))!,
    );
    assert.match(answer.type ?? '', /^attachment/);
    assert.match(answer.body, /^WEBVTT/);
    await panel.getByRole('listitem').nth(3).getByRole('button').click();
    await nearly(page, atMs[3]! / 1000, 'the audio at the fourth line');
    await screenshot(page, 'replay-transcript');
    mkdirSync(path.join(ROOT, 'docs', 'screenshots'), { recursive: true });
    copyFileSync(
      path.join(SCREENSHOTS, 'replay-transcript.png'),
      path.join(ROOT, 'docs', 'screenshots', 'replay-transcript.png'),
    );
    // The delete confirmation says the transcript goes too (kept: Cancel).
    await page.getByRole('button', { name: 'Delete the replay' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete this replay?' });
    assert.match(await text(dialog), /The replay and its transcript go for everyone/);
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await page.context().close();
  });

  it('"What was said" finds the recorded space by a word and opens the replay there', async () => {
    const page = await signedIn('bob');
    await page.goto(`${server.url}/spaces`);
    const section = page.getByRole('region', { name: 'What was said' });
    await section.getByLabel('Search what was said in spaces').fill('photovoltaic');
    await section.getByRole('button', { name: 'Search' }).click();
    const results = section.getByRole('list', { name: 'Spaces where it was said' });
    await results.waitFor();
    // The unrecorded space, where the word was said too, is not found.
    assert.equal(await results.getByRole('listitem').count(), 1);
    const hit = results.getByRole('listitem').first();
    assert.equal(await text(hit.locator('mark')), 'Photovoltaic');
    assert.match(await text(hit), /Ada Lovelace/);
    const link = hit.getByRole('link', { name: /^Energy hour, at / });
    await link.click();
    await page.waitForURL(
      (url) =>
        url.pathname === `/spaces/${recordedId}/replay` &&
        url.searchParams.get('t') === String(atMs[2]! / 1000),
    );
    await nearly(page, atMs[2]! / 1000, 'the replay opened at the word');
    await page.context().close();
  });

  it('a space whose host blocked the searcher is not found', async () => {
    const page = await signedIn('carol');
    await page.goto(`${server.url}/spaces`);
    const section = page.getByRole('region', { name: 'What was said' });
    await section.getByLabel('Search what was said in spaces').fill('photovoltaic');
    await section.getByRole('button', { name: 'Search' }).click();
    await section
      .getByText('Nothing said in a space you can replay matches “photovoltaic”.')
      .waitFor();
    assert.equal(await section.getByRole('listitem').count(), 0);
    await page.context().close();
  });

  it('the moderator reads a reported space’s transcript beside its audio', async () => {
    await apis.bob!.call('POST', `/spaces/${recordedId}/reports`, { reason: 'spam' });
    const page = await signedIn('olive');
    await page.goto(`${server.url}/admin/reports`);
    const card = page.getByRole('article', { name: /Energy hour/ });
    await card.waitFor();
    const transcript = card.getByRole('region', { name: /Transcript/ });
    assert.match(await text(transcript.getByRole('heading')), /\(7 lines\)/);
    const lines = transcript.getByRole('list', { name: 'What was said in Energy hour' });
    assert.equal(await lines.getByRole('listitem').count(), 5);
    assert.match(await text(lines.getByRole('listitem').first()), /Ada Lovelace: Welcome/);
    // Beside the audio kept for review.
    await card
      .getByRole('region', { name: 'Audio kept for review: Energy hour' })
      .getByRole('button', { name: 'Listen to the kept audio' })
      .waitFor();
    await transcript.getByRole('button', { name: 'Read the whole transcript (7 lines)' }).click();
    await eventually(() => lines.getByRole('listitem').count(), SAID.length, {
      what: 'the whole transcript',
    });
    assert.match(await text(lines.getByRole('listitem').last()), /Thanks everyone/);
    await page.context().close();
  });

  for (const [name, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    it(`${name}: the replay with its transcript and the search pass axe-core`, async () => {
      const page = await signedIn('bob', viewport);
      await page.goto(`${server.url}/spaces/${recordedId}/replay`);
      const lines = page.getByRole('region', { name: 'Transcript' }).getByRole('listitem');
      await eventually(() => lines.count(), SAID.length, { what: 'transcript lines' });
      await lines.nth(2).getByRole('button').click();
      await eventually(() => lines.nth(2).getAttribute('aria-current'), 'true', {
        what: 'the third line is current',
      });
      await assertAccessible(page, 'replay with transcript', name === 'phone');
      await page.goto(`${server.url}/spaces`);
      const section = page.getByRole('region', { name: 'What was said' });
      await section.getByLabel('Search what was said in spaces').fill('photovoltaic');
      await section.getByRole('button', { name: 'Search' }).click();
      await section.locator('mark').first().waitFor();
      await assertAccessible(page, 'what was said', name === 'phone');
      await page.context().close();
    });
  }
});
