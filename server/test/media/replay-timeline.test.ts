import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { ServerMessage } from '@salon/protocol';
import { scopeDir } from '../../src/hls/layout.js';
import { parsePlaylist } from '../../src/hls/playlist.js';
import { VERDICT_WINDOW_MS } from '../../src/replays/timeline.js';
import { ffprobeDuration } from '../replays/support.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { SalonSpeaker } from './support/salon-peers.js';
import { TEST_ICE_ADDRESS } from './support/stage.js';

/**
 * The speaker timeline from real talk: two WebRTC speakers take turns on a
 * recorded stage through Janus (a tone, then silence), Janus's talking
 * verdicts are stored by the node holding their media, and the replay's
 * timeline puts each turn where the audio has it.
 */
let t: TestServer;
before(async () => {
  t = await startTestServer({
    env: {
      MEDIA: 'embedded',
      JANUS_ICE_ENFORCE_LIST: TEST_ICE_ADDRESS,
      HOST_MIN_FOLLOWERS: '0',
      HLS_FORWARD_HOST: TEST_ICE_ADDRESS,
    },
  });
});
after(() => t.close());

function archived(spaceId: string): number {
  const file = path.join(scopeDir(t.config.dataDir, spaceId, 'archive'), 'index.m3u8');
  return existsSync(file) ? parsePlaylist(readFileSync(file, 'utf8')).segments.length : 0;
}

/** Lets `seconds` of audio be archived: a condition on the packager, not a sleep. */
async function hold(spaceId: string, seconds: number): Promise<void> {
  const until = archived(spaceId) + seconds;
  await eventually(() => archived(spaceId) >= until, `${seconds} s more archived`, 20_000);
}

test('two speakers taking turns: the replay timeline has each turn, in order, where the speaking changes put it, and the rendered file is as long as the replay', async (ctx) => {
  const host = await t.user();
  const hostRt = await RealtimeClient.connect(t.url, host.client);
  const space = (await host.client.post('/api/v1/spaces', { title: 'Turns', recording: true }))
    .body as { id: string };
  const url = `/api/v1/spaces/${space.id}`;
  await hostRt.subscribe(space.id);
  const guest = await t.user();
  const guestRt = await RealtimeClient.connect(t.url, guest.client);
  await guestRt.subscribe(space.id);
  await guest.client.post(`${url}/requests`);
  assert.equal((await host.client.post(`${url}/requests/${guest.id}/approve`)).status, 200);

  // What a listener is told, with when: the ground truth the timeline must follow.
  const changes: Array<{ user: string; speaking: boolean; at: number }> = [];
  hostRt.ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as ServerMessage;
    if (m.type === 'speaking' && m.space_id === space.id)
      changes.push({ user: m.user_id, speaking: m.speaking, at: Date.now() });
  });
  const said = (user: string, speaking: boolean) =>
    eventually(
      () => changes.some((c) => c.user === user && c.speaking === speaking),
      `${user} ${speaking ? 'speaking' : 'silent'}`,
      15_000,
    );

  const hostVoice = await SalonSpeaker.publish(hostRt, space.id, 440);
  const guestVoice = await SalonSpeaker.publish(guestRt, space.id, 660);
  guestVoice.tone.amplitude = 0;
  await host.client.post(`${url}/stage/${host.id}/unmute`);
  await guest.client.post(`${url}/stage/${guest.id}/unmute`);

  // Turn 1: the host.
  await said(host.id, true);
  await hold(space.id, 3);
  hostVoice.tone.amplitude = 0;
  await said(host.id, false);
  // Turn 2: the guest.
  changes.length = 0;
  guestVoice.tone.amplitude = 0.25;
  await said(guest.id, true);
  await hold(space.id, 3);
  guestVoice.tone.amplitude = 0;
  await said(guest.id, false);
  const turns = [...changes];
  // Turn 3: the host again, cut by the end of the space.
  hostVoice.tone.amplitude = 0.25;
  await said(host.id, true);
  await hold(space.id, 2);
  assert.equal((await host.client.post(`${url}/end`)).status, 200);

  let replay: any;
  await eventually(
    async () => {
      replay = (await host.client.get(`${url}/replay`)).body;
      return replay.state === 'ready';
    },
    'the replay',
    15_000,
  );
  await t.server.services.replays.speakers.settled();
  replay = (await host.client.get(`${url}/replay`)).body;
  const lines = replay.timeline.speakers as Array<{
    user: { id: string };
    spans: Array<{ start_ms: number; end_ms: number }>;
  }>;
  assert.deepEqual(
    lines.map((l) => l.user.id),
    [host.id, guest.id],
    JSON.stringify(lines),
  );
  const [hostSpans, guestSpans] = [lines[0]!.spans, lines[1]!.spans];
  assert.equal(hostSpans.length, 2, `two turns for the host: ${JSON.stringify(hostSpans)}`);
  assert.equal(guestSpans.length, 1, `one turn for the guest: ${JSON.stringify(guestSpans)}`);
  const [h1, h2] = hostSpans as [(typeof hostSpans)[0], (typeof hostSpans)[0]];
  const g1 = guestSpans[0]!;
  assert.ok(h1.end_ms <= g1.start_ms + 300, 'the guest speaks after the host stopped');
  assert.ok(g1.end_ms <= h2.start_ms + 300, 'the host speaks again after the guest stopped');
  assert.ok(h2.end_ms <= replay.duration_ms);

  // The guest's turn lasts as long as the speaking changes said (each is one verdict late).
  const on = turns.find((c) => c.user === guest.id && c.speaking)!;
  const off = turns.find((c) => c.user === guest.id && !c.speaking)!;
  const told = off.at - on.at;
  const measured = g1.end_ms - g1.start_ms;
  assert.ok(Math.abs(measured - told) < 600, `timeline ${measured} ms, told ${told} ms`);
  // And it sits where it happened: the replay starts with the recording.
  const archive = parsePlaylist(
    readFileSync(path.join(scopeDir(t.config.dataDir, space.id, 'replay'), 'index.m3u8'), 'utf8'),
  );
  const replayStart = archive.segments[0]!.startsAt!;
  const expected = on.at - VERDICT_WINDOW_MS - replayStart;
  assert.ok(
    Math.abs(g1.start_ms - expected) < 1000,
    `guest at ${g1.start_ms} ms in the replay; the change puts it at ${expected} ms`,
  );

  ctx.diagnostic(
    `guest turn: timeline ${measured} ms, told ${told} ms; start ${g1.start_ms} ms, expected ${expected} ms; timeline ${JSON.stringify(lines.map((l) => l.spans))}`,
  );
  // The whole replay as one file plays as long as the replay.
  const audio = await fetch(`${t.url}${url}/replay.m4a`);
  assert.equal(audio.status, 200);
  const file = path.join(tmpdir(), `salon-replay-${space.id}.m4a`);
  writeFileSync(file, Buffer.from(await audio.arrayBuffer()));
  const seconds = await ffprobeDuration(file);
  rmSync(file);
  ctx.diagnostic(`replay ${replay.duration_ms} ms, rendered file ${seconds} s`);
  assert.ok(
    Math.abs(seconds - replay.duration_ms / 1000) < 0.2,
    `file ${seconds} s, replay ${replay.duration_ms} ms`,
  );
  await hostVoice.close();
  await guestVoice.close();
  await hostRt.close();
  await guestRt.close();
});
