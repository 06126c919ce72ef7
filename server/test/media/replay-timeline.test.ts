import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { ServerMessage } from '@salon/protocol';
import { parsePlaylist } from '../../src/hls/playlist.js';
import { VERDICT_WINDOW_MS } from '../../src/replays/timeline.js';
import { scopeDir } from '../../src/streams/layout.js';
import { decodeSegments, PCM_RATE } from '../hls/support/player.js';
import { ffprobeDuration } from '../replays/support.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { Publisher } from './support/publisher.js';
import { TEST_ICE_ADDRESS } from './support/stage.js';
import { meanPower, toneShare } from './support/tone.js';

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

  const hostVoice = await Publisher.mix(hostRt, space.id, 440);
  const guestVoice = await Publisher.mix(guestRt, space.id, 660);
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

test('the second speaker still talking when the space ends: their turn runs to the end of the replay, whose last second is their tone', async (ctx) => {
  const host = await t.user();
  const hostRt = await RealtimeClient.connect(t.url, host.client);
  const space = (await host.client.post('/api/v1/spaces', { title: 'Cut', recording: true }))
    .body as { id: string };
  const url = `/api/v1/spaces/${space.id}`;
  await hostRt.subscribe(space.id);
  const guest = await t.user();
  const guestRt = await RealtimeClient.connect(t.url, guest.client);
  await guestRt.subscribe(space.id);
  await guest.client.post(`${url}/requests`);
  assert.equal((await host.client.post(`${url}/requests/${guest.id}/approve`)).status, 200);
  const changes: Array<{ user: string; speaking: boolean }> = [];
  hostRt.ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as ServerMessage;
    if (m.type === 'speaking' && m.space_id === space.id)
      changes.push({ user: m.user_id, speaking: m.speaking });
  });
  const said = (user: string, speaking: boolean) =>
    eventually(
      () => changes.some((c) => c.user === user && c.speaking === speaking),
      `${user} ${speaking ? 'speaking' : 'silent'}`,
      15_000,
    );
  const hostVoice = await Publisher.mix(hostRt, space.id, 440);
  const guestVoice = await Publisher.mix(guestRt, space.id, 660);
  guestVoice.tone.amplitude = 0;
  await host.client.post(`${url}/stage/${host.id}/unmute`);
  await guest.client.post(`${url}/stage/${guest.id}/unmute`);
  await said(host.id, true);
  await hold(space.id, 2);
  hostVoice.tone.amplitude = 0;
  await said(host.id, false);
  changes.length = 0;
  // The guest starts, and is still talking when the host ends the space.
  guestVoice.tone.amplitude = 0.25;
  await said(guest.id, true);
  await hold(space.id, 2);
  assert.equal((await host.client.post(`${url}/end`)).status, 200);
  await t.server.services.hls.recordings.settled(space.id);
  await t.server.services.replays.speakers.settled();

  const replay = (await host.client.get(`${url}/replay`)).body;
  assert.equal(replay.state, 'ready', JSON.stringify(replay));
  const lines = replay.timeline.speakers as Array<{
    user: { id: string };
    spans: Array<{ start_ms: number; end_ms: number }>;
  }>;
  const shown = JSON.stringify(lines);
  assert.deepEqual(
    lines.map((l) => l.user.id),
    [host.id, guest.id],
    shown,
  );
  const hostTurn = lines[0]!.spans;
  const guestTurn = lines[1]!.spans;
  assert.equal(guestTurn.length, 1, `one turn for the guest: ${shown}`);
  const last = guestTurn[0]!;
  assert.ok(hostTurn[hostTurn.length - 1]!.end_ms <= last.start_ms + 300, shown);
  // The turn lasts until the end: within about a segment of the replay's end.
  assert.ok(last.end_ms <= replay.duration_ms, shown);
  assert.ok(
    last.end_ms >= replay.duration_ms - 1_100,
    `guest until ${last.end_ms} ms of a ${replay.duration_ms} ms replay`,
  );
  assert.ok(last.end_ms - last.start_ms >= 1_500, `a turn of 2 s or so: ${shown}`);

  // The replay's audio runs to the end: its last second is the guest's tone, not silence.
  const dir = scopeDir(t.config.dataDir, space.id, 'replay');
  const list = parsePlaylist(readFileSync(path.join(dir, 'index.m3u8'), 'utf8'));
  const pcm = await decodeSegments(
    list.segments.slice(-2).map((s) => readFileSync(path.join(dir, s.uri))),
  );
  const tail = pcm.subarray(Math.max(0, pcm.length - PCM_RATE));
  const share = toneShare(tail, PCM_RATE, 660);
  assert.ok(meanPower(tail) > 1_000 && share > 0.5, `660 Hz share ${share} of the last second`);
  assert.ok(toneShare(tail, PCM_RATE, 440) < 0.1, 'not the host');

  // What the archive kept past the live end (measured, not asserted: it is a timing).
  const info = (await host.client.get(url)).body;
  const endedAt = Date.parse(info.ended_at);
  const archive = parsePlaylist(
    readFileSync(path.join(scopeDir(t.config.dataDir, space.id, 'archive'), 'index.m3u8'), 'utf8'),
  ).segments;
  const final = archive[archive.length - 1]!;
  const replayEnd = list.segments[list.segments.length - 1]!;
  ctx.diagnostic(
    `archive ends ${Math.round(final.startsAt! + final.duration * 1000 - endedAt)} ms after the live end (last segment ${Math.round(final.duration * 1000)} ms); replay ends ${Math.round(replayEnd.startsAt! + replayEnd.duration * 1000 - endedAt)} ms after it; guest turn ${JSON.stringify(last)} of ${replay.duration_ms} ms; last-second 660 Hz share ${share.toFixed(2)}`,
  );
  await hostVoice.close();
  await guestVoice.close();
  await hostRt.close();
  await guestRt.close();
});
