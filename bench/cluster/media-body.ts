/**
 * bench/cluster's media part, run inside the namespace by media.ts. Two
 * Salon processes (the real entrypoint) A and B on one PostgreSQL schema and
 * Redis, MEDIA=external on one Janus. A speaker signals through B; a WebRTC
 * listener signals through A. Two measurements, each with its baseline in
 * the same run:
 *
 * 1. **Mute to silence**: the host's mute request sent → the first 100 ms at
 *    the listener without the speaker's tone, the mute sent through A (across
 *    nodes: B's handle is muted from the `commits` channel) against the mute
 *    sent through B (the node holding the handle), alternating.
 * 2. **Node loss**: kill -9 of B → the speaker heard again at the listener,
 *    the speaker's client reconnecting to A from its node list and
 *    publishing again; against the same client dropping its own socket to a
 *    node that stays up and coming back to it. B is started again between
 *    rounds.
 *
 * One clock: every time is this process's `performance.now()` (the requests,
 * the kill and the listener's decoded frames all happen here).
 */
import { performance } from 'node:perf_hooks';
import { roomIdOf } from '../../server/src/media/homes.js';
import { JanusSession } from '../../server/src/media/janus/session.js';
import { Streaming } from '../../server/src/media/janus/streaming.js';
import type { JanusProcess } from '../../server/src/media/janus-process.js';
import { relayIdOf } from '../../server/src/media/relays.js';
import { heard } from '../../server/test/media/support/hearing.js';
import type { Listener } from '../../server/test/media/support/listener.js';
import { Publisher } from '../../server/test/media/support/publisher.js';
import { SalonListener } from '../../server/test/media/support/salon-peers.js';
import {
  connectAny,
  on,
  register,
  startSalonProcesses,
} from '../../server/test/media/support/salon-processes.js';
import { meanPower, toneShare } from '../../server/test/media/support/tone.js';
import { liveSpace, onStage } from '../../server/test/support/factories.js';
import { type Summary, summarize } from '../realtime/stats.js';
import { flag, int } from '../support/env.js';

const quick = flag(process.env, 'BENCH_QUICK', false);
const MUTES = int(process.env, 'BENCH_CLUSTER_MUTES', quick ? 3 : 10);
const KILLS = int(process.env, 'BENCH_CLUSTER_KILLS', quick ? 1 : 3);
const SPILLS = int(process.env, 'BENCH_CLUSTER_SPILLS', quick ? 2 : 8);
const TONE = 660;

/** Below this mean power (about −60 dBFS) a block is silence. */
const SILENCE_POWER = 1_000;
/** 100 ms of 10 ms frames. */
const BLOCK_FRAMES = 10;

/** Milliseconds from `since` to the first 100 ms block at the listener that `matches`; NaN if none yet. */
function firstBlockAfter(
  ear: Listener<null>,
  since: number,
  matches: (samples: Int16Array) => boolean,
): number {
  const frames = ear.framesSince(since);
  for (let i = 0; i + BLOCK_FRAMES <= frames.length; i++) {
    const block = frames.slice(i, i + BLOCK_FRAMES);
    const samples = new Int16Array(block.reduce((n, f) => n + f.samples.length, 0));
    let at = 0;
    for (const f of block) {
      samples.set(f.samples, at);
      at += f.samples.length;
    }
    if (matches(samples)) return block[0]!.at - since;
  }
  return Number.NaN;
}

/** Milliseconds from `since` to the first 100 ms block at the listener without the tone. */
function toneGoneAfter(ear: Listener<null>, since: number, frequency: number): number {
  return firstBlockAfter(
    ear,
    since,
    (samples) =>
      meanPower(samples) < SILENCE_POWER || toneShare(samples, ear.sampleRate, frequency) < 0.05,
  );
}

async function must(reply: Promise<{ status: number; body: unknown }>, what: string) {
  const r = await reply;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
}

const salon = await startSalonProcesses(2);

const ms = (s: Summary) => `${s.p50.toFixed(0)} / ${s.p99.toFixed(0)} / ${s.max.toFixed(0)}`;

try {
  const a = salon.nodes[0]!;
  let b = salon.nodes[1]!;
  const host = await register(a.url);
  const space = await liveSpace(host);
  const speaker = await register(a.url);
  await onStage(host, space, speaker);
  const listener = await register(a.url);
  const listenerRt = await connectAny([a.url], listener.client);
  await listenerRt.subscribe(space.id);
  const ear = await SalonListener.listen(listenerRt, space.id);
  const speakerOnB = () => on(speaker.client, b.url);
  let speakerRt = await connectAny([b.url], speaker.client);
  await speakerRt.subscribe(space.id);
  let voice = await Publisher.mix(speakerRt, space.id, TONE);
  await must(speakerOnB().post(`${space.path}/stage/${speaker.id}/unmute`), 'unmute');
  await heard(ear, { present: [TONE], timeoutMs: 30_000 });

  // 1. Mute to silence, through A (across nodes) and through B (the handle's node), alternating.
  const mute: Record<'across' | 'same', number[]> = { across: [], same: [] };
  for (let i = 0; i < MUTES * 2; i++) {
    const via = i % 2 === 0 ? 'across' : 'same';
    const hostVia = on(host.client, via === 'across' ? a.url : b.url);
    const sent = performance.now();
    await must(hostVia.post(`${space.path}/stage/${speaker.id}/mute`), 'mute');
    await heard(ear, { absent: [TONE], timeoutMs: 10_000 });
    mute[via].push(toneGoneAfter(ear, sent, TONE));
    await must(speakerOnB().post(`${space.path}/stage/${speaker.id}/unmute`), 'unmute');
    await heard(ear, { present: [TONE], timeoutMs: 10_000 });
  }

  // 2. Node loss against a socket drop to a node that stays up, alternating.
  const recovery: Record<'kill' | 'drop', number[]> = { kill: [], drop: [] };
  for (let i = 0; i < KILLS * 2; i++) {
    const kind = i % 2 === 0 ? 'drop' : 'kill';
    const frequency = 700 + i * 40;
    const closed = new Promise<void>((resolve) => speakerRt.ws.once('close', () => resolve()));
    const from = performance.now();
    if (kind === 'kill') b.child.kill('SIGKILL');
    else await speakerRt.close();
    await closed;
    await voice.close();
    // The node list: B first (where the client was), then A.
    speakerRt = await connectAny(kind === 'kill' ? [b.url, a.url] : [b.url], speaker.client);
    await speakerRt.subscribe(space.id);
    voice = await Publisher.mix(speakerRt, space.id, frequency);
    await heard(ear, { present: [frequency], windowMs: 300, timeoutMs: 30_000 });
    recovery[kind].push(performance.now() - from);
    if (kind === 'kill') {
      // B again, and the speaker back on it, for the next round.
      b = await salon.start();
      await speakerRt.close();
      await voice.close();
      speakerRt = await connectAny([b.url], speaker.client);
      await speakerRt.subscribe(space.id);
      voice = await Publisher.mix(speakerRt, space.id, TONE);
      await heard(ear, { present: [TONE], timeoutMs: 30_000 });
    }
  }
  await voice.close();
  await ear.close();
  await Promise.all([speakerRt.close(), listenerRt.close()]);

  const lines = [
    '',
    '## Media across nodes (2 Salon processes, 1 Janus, in a network namespace)',
    '',
    '| measurement | p50 / p99 / max ms | n |',
    '| --- | --- | --- |',
    `| mute → silence at a listener on A, mute sent through A (across nodes) | ${ms(summarize(mute.across))} | ${mute.across.length} |`,
    `| baseline: mute sent through B (the speaker's node) | ${ms(summarize(mute.same))} | ${mute.same.length} |`,
    `| kill -9 of the speaker's node → heard again through A | ${ms(summarize(recovery.kill))} | ${recovery.kill.length} |`,
    `| baseline: the speaker's socket dropped, back on the same node | ${ms(summarize(recovery.drop))} | ${recovery.drop.length} |`,
    '',
    "Mute: the host's request sent → the first 100 ms at the listener without the tone (silence or a tone share under 5 %). Recovery: the kill (or the drop) → the speaker's new tone heard at the listener (a 300 ms window, polled every 100 ms), the client reconnecting at once from its node list, as the test does; the web app waits its first backoff (0.5 s with jitter) first.",
  ];
  console.log(lines.join('\n'));
} finally {
  await salon.close();
}

/**
 * 3. **Spill-over**: two Salon processes in front of two Janus nodes, two
 *    WebRTC seats per Janus node. Each round: a listener takes the home's
 *    last seat (the baseline), the next is seated on a relay made for it on
 *    the other node, and the one after on that relay, now made; each time
 *    from `media_listen` sent to the first 100 ms block at the listener
 *    holding the tone. The relay listeners then leave (the relay goes) and
 *    the home's second listener too, for the next round. Through alternating
 *    Salon nodes, so every seat is counted across nodes.
 */
const spill = await startSalonProcesses(2, {
  janusNodes: 2,
  env: { WEBRTC_LISTENERS_PER_NODE: '2', WEBRTC_LISTENERS_PER_SPACE: '100' },
});
try {
  const [a, b] = spill.nodes as [(typeof spill.nodes)[0], (typeof spill.nodes)[0]];
  const host = await register(a.url);
  const space = await liveSpace(host);
  const hostRt = await connectAny([a.url], host.client);
  await hostRt.subscribe(space.id);
  const voice = await Publisher.mix(hostRt, space.id, TONE);
  await must(host.client.post(`${space.path}/stage/${host.id}/unmute`), 'unmute');
  const first = await register(a.url);
  const firstRt = await connectAny([a.url], first.client);
  await firstRt.subscribe(space.id);
  const firstEar = await SalonListener.listen(firstRt, space.id);
  await heard(firstEar, { present: [TONE], timeoutMs: 30_000 });
  // The space's room (and home mountpoint) id, the same on every Salon node, and its relay's.
  const room = roomIdOf(space.id, 1);
  const viewers = async (janus: JanusProcess, id: number) => {
    const connection = await janus.connect();
    try {
      return await (await Streaming.attach(await JanusSession.create(connection))).viewers(id);
    } finally {
      await connection.close();
    }
  };
  const homes = await Promise.all(spill.janus.map((j) => viewers(j, room)));
  const home = spill.janus[homes.indexOf(1)];
  const other = spill.janus.find((j) => j !== home);
  if (!home || !other) throw new Error(`no home mountpoint with the first listener (${homes})`);
  const seats = async () => [await viewers(home, room), await viewers(other, relayIdOf(room))];

  const seat: Record<'home' | 'newRelay' | 'relay', number[]> = {
    home: [],
    newRelay: [],
    relay: [],
  };
  for (let round = 0; round < SPILLS; round++) {
    const ears: Array<{ ear: Listener<null>; close(): Promise<void> }> = [];
    for (const [i, kind] of (['home', 'newRelay', 'relay'] as const).entries()) {
      const url = (round + i) % 2 === 0 ? a.url : b.url;
      const who = await register(url);
      const rt = await connectAny([url], who.client);
      await rt.subscribe(space.id);
      const sent = performance.now();
      const ear = await SalonListener.listen(rt, space.id);
      seat[kind].push(await toneHeardAfter(ear, sent, TONE));
      ears.push({ ear, close: () => rt.close() });
      // Where Janus says it was seated: the home's mountpoint, or the relay on the other node.
      const seated = await seats();
      const expected = { home: [2, 0], newRelay: [2, 1], relay: [2, 2] }[kind];
      if (seated.join() !== expected.join())
        throw new Error(`${kind}: home/relay viewers ${seated}, expected ${expected}`);
    }
    for (const { ear, close } of ears.reverse()) {
      await ear.close();
      await close();
    }
    // Seats freed through one Salon node are read by the other at its next census (≤ 500 ms).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  await Promise.all([voice.close(), firstEar.close()]);
  console.log(
    [
      '',
      '## Spill-over (2 Salon processes, 2 Janus nodes with 2 WebRTC seats each)',
      '',
      '| `media_listen` sent → the tone heard (first 100 ms block) | p50 / p99 / max ms | n |',
      '| --- | --- | --- |',
      `| baseline: seated on the home node | ${ms(summarize(seat.home))} | ${seat.home.length} |`,
      `| seated on a relay made for this listener (mountpoint + SRTP forward) | ${ms(summarize(seat.newRelay))} | ${seat.newRelay.length} |`,
      `| seated on a relay already there | ${ms(summarize(seat.relay))} | ${seat.relay.length} |`,
    ].join('\n'),
  );
} finally {
  await spill.close();
}

/** Milliseconds from `since` to the first 100 ms block at the listener carrying the tone. */
async function toneHeardAfter(ear: Listener<null>, since: number, frequency: number) {
  for (const until = performance.now() + 15_000; performance.now() < until; ) {
    const at = firstBlockAfter(
      ear,
      since,
      (samples) => toneShare(samples, ear.sampleRate, frequency) > 0.5,
    );
    if (!Number.isNaN(at)) return at;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${frequency} Hz not heard within 15 s`);
}
