/**
 * A ticketed space, heard (or not) in real browsers, inside the media test
 * namespace: the host speaks a 440 Hz tone into a space that sells tickets;
 * a signed-in listener without a ticket gets its gate (title, host, price,
 * Buy), no audio panel, never asks for the audio, is refused it by the
 * server, and hears nothing; they buy with the built-in test provider, and
 * then hear the host's tone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  assertInMediaNamespace,
  audioState,
  dominantFrequency,
  hears,
  launchAudioBrowser,
  levels,
  newAudioPage,
  recordSentMessages,
  startMediaServer,
  TONE_FLAGS,
} from './audio-support.ts';
import { ApiClient, eventually, type RunningServer, text } from './support.ts';

const DESKTOP = { width: 1100, height: 900 };
const PHONE = { width: 412, height: 915 };
const ADA = 440;

describe('a ticketed space is heard only with a ticket', { timeout: 300_000 }, () => {
  let server: RunningServer;
  const browsers: Browser[] = [];
  let host: Page;
  let listener: Page;
  let listenerSent: string[] = [];
  const api: Record<string, ApiClient> = {};
  const errors: string[] = [];
  let spaceUrl = '';
  let spaceId = '';

  async function register(handle: string, name: string) {
    const client = new ApiClient(server.url);
    await client.call('POST', '/auth/register', {
      handle,
      display_name: name,
      password: `${handle}-password-1`,
    });
    api[handle] = client;
  }

  async function signIn(page: Page, handle: string, flags: string) {
    await page.goto(`${server.url}/signin?${flags}`);
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Password').fill(`${handle}-password-1`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Profile', exact: true }).waitFor();
  }

  before(async () => {
    assertInMediaNamespace();
    server = await startMediaServer({
      TICKET_SELLER_MIN_FOLLOWERS: '0',
      TICKET_SELLER_MIN_SPACES: '0',
    });
    await register('olive', 'Olive Owner'); // the first account (admin): not part of this story
    await register('ada', 'Ada Lovelace');
    await register('bob', 'Bob Buyer');
    await api.ada!.call('PUT', '/tickets/seller', { birth_date: '1985-12-10' });
    const [adaBrowser, bobBrowser] = await Promise.all([
      launchAudioBrowser({ tone: ADA, autoplay: true }),
      launchAudioBrowser({ autoplay: true }),
    ]);
    browsers.push(adaBrowser, bobBrowser);
    host = (await newAudioPage(adaBrowser, DESKTOP, errors)).page;
    listener = (await newAudioPage(bobBrowser, PHONE, errors, { microphone: false })).page;
  });

  after(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server?.stop();
    assert.deepEqual(errors, [], 'no script errors or CSP violations');
  });

  const audio = (page: Page) => page.getByRole('region', { name: 'Audio' });

  it('the host starts a space that sells tickets, and speaks', async () => {
    await signIn(host, 'ada', TONE_FLAGS);
    await host.getByRole('link', { name: 'Create', exact: true }).click();
    await host.getByLabel('Title').fill('Tickets for the engine');
    await host.getByLabel('Sell tickets').check();
    await host.getByLabel('Price (USD)').fill('3');
    await host.getByLabel('Number of tickets').fill('5');
    await host.getByRole('button', { name: 'Start now' }).click();
    await host.waitForURL(/\/spaces\/[0-9a-z]{20}$/);
    spaceUrl = host.url();
    spaceId = spaceUrl.split('/').pop()!;
    await eventually(() => audio(host).getAttribute('data-route', { timeout: 1000 }), 'stage', {
      timeout: 20_000,
      what: 'host publishes',
    });
    await host.getByRole('button', { name: 'Unmute', exact: true }).click();
    await eventually(
      () => text(host.getByTestId('audio-status')),
      'On stage: you hear everyone else',
      { timeout: 20_000, what: 'host audio state' },
    );
  });

  it('a listener without a ticket sees the gate, has no audio panel, and hears nothing', async () => {
    await signIn(listener, 'bob', 'audio_probe=1');
    listenerSent = recordSentMessages(listener);
    await listener.goto(spaceUrl);
    await listener.getByRole('heading', { name: 'A ticket is needed to listen' }).waitFor();
    await listener.getByRole('button', { name: 'Buy a ticket — $3.00' }).waitFor();
    // The server refuses this person the audio on every tier, whatever a page would ask.
    await assert.rejects(
      api.bob!.call('GET', `/spaces/${spaceId}/listen`),
      /ticket_required|403/,
      'no listening tier without a ticket',
    );
    // The gate is the whole page: no room was joined, so nothing could be negotiated or played.
    assert.equal(await audio(listener).count(), 0, 'no audio panel');
    assert.ok(!listenerSent.includes('media_listen'), `sent: ${listenerSent.join(', ')}`);
    const [level] = await levels(listener, [ADA]);
    assert.ok((level ?? -200) < -60, `heard ${level} dB at ${ADA} Hz without a ticket`);
  });

  it('they buy with the test provider, and then hear the host', async () => {
    await listener.getByRole('button', { name: 'Buy a ticket — $3.00' }).click();
    const sheet = listener.getByRole('dialog', { name: 'Buy a ticket' });
    await sheet.getByText('Test payment — no money moves').waitFor();
    await sheet.getByRole('button', { name: 'Buy for $3.00' }).click();
    await sheet.getByRole('button', { name: 'Pay $3.00 (test)' }).click();
    await sheet.getByRole('button', { name: 'Go to the space' }).click();
    await audio(listener).waitFor({ timeout: 20_000 });
    await hears(listener, { present: [ADA], timeoutMs: 30_000 }, 'the holder hears the host').catch(
      async (error: Error) => {
        throw new Error(`${error.message}\n${await audioState(listener)}`);
      },
    );
    const dominant = await dominantFrequency(listener);
    assert.ok(dominant !== null && Math.abs(dominant - ADA) < 10, `dominant ${dominant} Hz`);
    assert.ok(listenerSent.includes('media_listen'), 'asked for the audio once it had a ticket');
  });
});
