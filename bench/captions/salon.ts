/**
 * Captions at a listener, through a real Salon server (MEDIA=embedded, its
 * own Janus, the embedded engine): 11 stage members of a captioned space
 * speak espeak-ng's sentences in turn (each publishes the mix and their own
 * feed, as the web app does); a listener of that space hears the mix over
 * WebRTC and reads the captions on its realtime WebSocket. Meanwhile a second
 * space on the same node carries a continuous tone to a WebRTC listener,
 * judged as bench/media judges its probes (report.ts): clean when every
 * 100 ms block holds the tone, ≥ 95 % of the audio was delivered and < 1 %
 * of it was concealed. A round is spoken first with captions off: the
 * baseline of the tone check and of the CPU, in the same run.
 *
 * This process runs the Salon node and takes the measurements; every
 * libwebrtc peer lives in one of two child processes (peers.ts): the
 * speakers with the captioned space's listener, and the tone publisher with
 * the tone listener. Their realtime sockets stay here (signaling is relayed
 * over IPC). Times that cross processes are Date.now() readings taken where
 * the event happened (bench/support/child.ts); clockOffset() checks that the
 * children's clock agrees with ours.
 */
import { loadavg } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerMessage } from '@salon/protocol';
import { ask } from '../../server/test/media/support/ask.js';
import { TEST_ICE_ADDRESS } from '../../server/test/media/support/stage.js';
import { eventually, RealtimeClient } from '../../server/test/support/realtime.js';
import { startTestServer, type TestServer } from '../../server/test/support/server.js';
import { coreTicks, coreUse } from '../media/proc.js';
import { percentile } from '../media/stats.js';
import { Child, clockOffset } from '../support/child.js';
import { nodeCpu, processCpu, spent, total } from './cpu.js';
import type { CheckResult, Said } from './peers.js';
import { contentRecall, sentences, wordErrorRate } from './speech.js';
import { type StallCount, Stalls } from './stalls.js';

export const SPEAKERS = 11;
const TONE = 440;
/** Between one speaker's last word and the next one's first: a brisk conversation. */
const TURN_GAP_MS = 400;
/** After the last turn of a round, for its last final to arrive. */
const SETTLE_MS = 8_000;
/**
 * Then, for the delays, finals are waited for until none came for QUIET_MS
 * (DRAIN_MS at most): a final that comes late is a delay, not a miss.
 */
const QUIET_MS = 10_000;
const DRAIN_MS = 90_000;
const PEERS = path.join(import.meta.dirname, 'peers.ts');

type Caption = Extract<ServerMessage, { type: 'caption' }>;
type Person = Awaited<ReturnType<TestServer['user']>> & { rt: RealtimeClient };

export interface Turn extends Said {
  speakerId: string;
  sentence: string;
}

export interface PhaseResult {
  captions: boolean;
  turns: Turn[];
  wallSeconds: number;
  tone: CheckResult;
  glitches: number;
  clean: boolean;
  /** CPU seconds of the node (this process, Janus, decoders, engine) in the phase, by command name. */
  cpu: Map<string, number>;
  /** CPU seconds of the two peer processes in the phase. */
  peersCpu: { speakers: number; tone: number };
  /** Both cores' busy share over the phase, other work on the machine included. */
  machineBusy: number;
  /** This process's (the node's) largest event-loop delay in the phase, ms, and its stalls ≥ 100 ms. */
  nodeLoopMaxMs: number;
  nodeStalls: StallCount;
  loadBefore: number;
  loadAfter: number;
}

export interface TurnResult {
  turn: Turn;
  text: string;
  finalDelay: number | undefined;
  partialDelay: number | undefined;
  partials: number;
}

export interface SalonResult {
  speakers: number;
  captioned: PhaseResult;
  /** Captions off: a round before they are turned on, and one after they are turned off again. */
  baseline: PhaseResult;
  after: PhaseResult;
  /** Finals that came after the captioned phase's settling time (waited for, up to DRAIN_MS). */
  lateFinals: number;
  perTurn: TurnResult[];
  finalDelays: number[];
  partialDelays: number[];
  missingFinals: number;
  wer: number;
  recall: number;
  /** Engine worker processes seen (an engine with a long-lived worker: `workerPid`); more than one is a restart. */
  engineWorkers: number;
  /** Captions turned on → the engine ready (its child started, a model loaded): words before then wait. */
  engineStartMs: number | null;
  /** The children's Date.now() minus ours, ± half the best round trip. */
  clocks: Array<{ child: string; offsetMs: number; uncertaintyMs: number }>;
}

/** The bench's judgement of a tone listener: a glitch is a failing block or 100 ms not delivered. */
export function judge(r: CheckResult): { glitches: number; clean: boolean } {
  const c = r.check;
  if (!c) return { glitches: Number.NaN, clean: false };
  const glitches =
    c.blocks - c.toneBlocks + Math.max(0, Math.round((c.wallMs * 0.95 - c.deliveredMs) / 100));
  // bench/media/report.ts's audio(): all blocks tone, ≥ 95 % delivered, concealment < 1 %.
  const clean =
    c.blocks > 0 &&
    c.toneBlocks === c.blocks &&
    c.deliveredMs >= c.wallMs * 0.95 &&
    r.concealedShare < 0.01;
  return { glitches, clean };
}

export async function benchSalon(options: { rounds: number }): Promise<SalonResult> {
  const t = await startTestServer({
    env: {
      MEDIA: 'embedded',
      JANUS_ICE_ENFORCE_LIST: TEST_ICE_ADDRESS,
      HOST_MIN_FOLLOWERS: '0',
      CAPTIONS_ENGINE: 'pocketsphinx',
      MAX_STAGE: String(SPEAKERS),
    },
  });
  const speakersPeers = Child.start('speakers peers', PEERS, { BENCH_PEERS_ROLE: 'speakers' });
  const tonePeers = Child.start('tone peers', PEERS, { BENCH_PEERS_ROLE: 'tone' });
  const children = [speakersPeers, tonePeers];
  const closers: Array<() => unknown> = [];
  try {
    // Signaling for the children's publishers, over the realtime socket of the publisher's owner.
    const owners = new Map<string, { rt: RealtimeClient; spaceId: string }>();
    for (const child of children)
      child.rpc.handle('signal', async (m: { id: string; kind: 'mix' | 'feed'; sdp: string }) => {
        const owner = owners.get(m.id);
        if (!owner) throw new Error(`no owner for publisher ${m.id}`);
        const [type, answer] =
          m.kind === 'mix'
            ? (['media_publish', 'media_answer'] as const)
            : (['feed_publish', 'feed_answer'] as const);
        return (await ask(owner.rt, { type, space_id: owner.spaceId, sdp: m.sdp }, answer)).sdp;
      });
    const publish = async (
      child: Child,
      id: string,
      kind: 'mix' | 'feed',
      owner: Person,
      spaceId: string,
      frequency = 0,
    ) => {
      owners.set(id, { rt: owner.rt, spaceId });
      await child.rpc.request('publish', { id, kind, frequency }, 60_000);
    };
    const listen = async (child: Child, id: string, who: Person, spaceId: string) => {
      const offer = await ask(who.rt, { type: 'media_listen', space_id: spaceId }, 'media_offer');
      const sdp = await child.rpc.request<string>('listen', { id, offer: offer.sdp }, 30_000);
      await ask(who.rt, { type: 'media_listen_answer', space_id: spaceId, sdp }, 'media_listening');
    };
    const clocks = [];
    for (const child of children)
      clocks.push({ child: child.name, ...(await clockOffset(child.rpc)) });

    const person = async (handle: string): Promise<Person> => {
      const u = await t.user(handle);
      const rt = await RealtimeClient.connect(t.url, u.client);
      closers.push(() => rt.close());
      return { ...u, rt };
    };

    // The tone space: its host plays 440 Hz non-stop to one WebRTC listener.
    const toneHost = await person('tonehost');
    const toneSpace = (await toneHost.client.post('/api/v1/spaces', { title: 'Tone' })).body;
    await toneHost.rt.subscribe(toneSpace.id);
    await publish(tonePeers, 'tone', 'mix', toneHost, toneSpace.id, TONE);
    await toneHost.client.post(`/api/v1/spaces/${toneSpace.id}/stage/${toneHost.id}/unmute`);
    const toneFan = await person('tonefan');
    await toneFan.rt.subscribe(toneSpace.id);
    await listen(tonePeers, 'ear', toneFan, toneSpace.id);

    // The captioned space: a host and ten speakers on stage, each with a microphone (mix + feed).
    const host = await person('caphost');
    const space = (
      await host.client.post('/api/v1/spaces', {
        title: 'Captioned',
        language: 'en',
        captions: false,
      })
    ).body;
    const url = `/api/v1/spaces/${space.id}`;
    await host.rt.subscribe(space.id);
    const speakers: Person[] = [];
    for (let i = 0; i < SPEAKERS; i++) {
      const p = i === 0 ? host : await person(`capspeaker${i}`);
      if (i > 0) {
        await p.rt.subscribe(space.id);
        await p.client.post(`${url}/requests`);
        await host.client.post(`${url}/requests/${p.id}/approve`);
      }
      await publish(speakersPeers, `${p.id}:mix`, 'mix', p, space.id);
      await publish(speakersPeers, `${p.id}:feed`, 'feed', p, space.id);
      await p.client.post(`${url}/stage/${p.id}/unmute`);
      speakers.push(p);
    }
    const fan = await person('capfan');
    await fan.rt.subscribe(space.id);
    await listen(speakersPeers, 'fan', fan, space.id);
    // Arrival at the listener: Date.now() here, where the listener's socket is.
    const arrivals: Array<{ at: number; caption: Caption }> = [];
    fan.rt.ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as ServerMessage;
      if (m.type === 'caption' && m.space_id === space.id)
        arrivals.push({ at: Date.now(), caption: m });
    });

    const pipeline = t.server.services.media?.captions;
    if (!pipeline) throw new Error('the server runs no captions pipeline');
    await eventually(
      () =>
        tonePeers.rpc.request<boolean>('hears', { id: 'ear', frequency: TONE, withinMs: 2_000 }),
      'the tone listener to hear the tone',
      15_000,
    );

    // An engine with a long-lived worker process says its pid: every pid seen is one started.
    const workers = new Set<number>();
    const engine = pipeline.engine as { workerPid?: number } | null;
    const watch = setInterval(() => {
      if (engine?.workerPid !== undefined) workers.add(engine.workerPid);
    }, 100);
    closers.push(() => clearInterval(watch));

    const set = sentences();
    await speakersPeers.rpc.request('prepare', { sentences: set }, 120_000);
    const peerPids = children.map((c) => c.pid);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const stalls = new Stalls();
    const phase = async (captions: boolean, rounds: number): Promise<PhaseResult> => {
      const loadBefore = loadavg()[0] ?? 0;
      const cpuBefore = nodeCpu(peerPids);
      const peersBefore = peerPids.map(processCpu);
      const machineBefore = coreTicks();
      await tonePeers.rpc.request('startCheck', { id: 'ear', frequency: TONE });
      loop.reset();
      stalls.take();
      const wallBefore = performance.now();
      const turns: Turn[] = [];
      for (let round = 0; round < rounds; round++)
        for (const [i, s] of speakers.entries()) {
          const sentence = set[(round * SPEAKERS + i) % set.length] ?? '';
          const said = await speakersPeers.rpc.request<Said>(
            'say',
            { ids: [`${s.id}:mix`, `${s.id}:feed`], sentence },
            60_000,
          );
          turns.push({ speakerId: s.id, sentence, ...said });
          await sleep(TURN_GAP_MS);
        }
      await sleep(SETTLE_MS);
      const tone = await tonePeers.rpc.request<CheckResult>('endCheck', { id: 'ear' });
      const wallSeconds = (performance.now() - wallBefore) / 1000;
      const nodeLoopMaxMs = loop.max / 1e6;
      const nodeStalls = stalls.take();
      const cpu = spent(cpuBefore, nodeCpu(peerPids));
      const peersAfter = peerPids.map(processCpu);
      const use = coreUse(machineBefore, coreTicks());
      return {
        captions,
        turns,
        wallSeconds,
        tone,
        ...judge(tone),
        cpu,
        peersCpu: {
          speakers: (peersAfter[0] ?? 0) - (peersBefore[0] ?? 0),
          tone: (peersAfter[1] ?? 0) - (peersBefore[1] ?? 0),
        },
        machineBusy: use.reduce((a, u) => a + u.busy, 0) / Math.max(1, use.length) / 100,
        nodeLoopMaxMs,
        nodeStalls,
        loadBefore,
        loadAfter: loadavg()[0] ?? 0,
      };
    };

    // The baseline first: the same speakers and feeds, captions off (so nothing waits for them to stop).
    const baseline = await phase(false, 1);
    const onAt = Date.now();
    const on = await host.client.put(`${url}/captions`, { enabled: true });
    if (on.status !== 200) throw new Error(`captions on: ${on.status}`);
    // Steady state is what the delays below measure: the first words after captions are
    // turned on wait for the engine to start, which is reported on its own line.
    const warm = (pipeline.engine as { warm?: () => Promise<void> } | null)?.warm;
    let engineStartMs: number | null = null;
    if (warm) {
      await warm.call(pipeline.engine);
      engineStartMs = Date.now() - onAt;
    }
    await eventually(
      () => speakers.every((s) => pipeline.speaker(space.id, s.id)?.decoderPid !== undefined),
      `all ${SPEAKERS} speakers' feeds to be transcribed`,
      60_000,
    );
    const captioned = await phase(true, options.rounds);
    const settledCount = arrivals.length;
    const drainUntil = Date.now() + DRAIN_MS;
    while (Date.now() < drainUntil && Date.now() - (arrivals.at(-1)?.at ?? 0) < QUIET_MS)
      await sleep(500);
    const lateFinals = arrivals
      .slice(settledCount)
      .filter((a) => a.caption.kind === 'final').length;
    // Captions off again, and a closing baseline round: the load may change over the run.
    const off = await host.client.put(`${url}/captions`, { enabled: false });
    if (off.status !== 200) throw new Error(`captions off: ${off.status}`);
    await eventually(
      () => speakers.every((s) => pipeline.speaker(space.id, s.id) === undefined),
      `every speaker's transcription to stop`,
      60_000,
    );
    const after = await phase(false, 1);
    loop.disable();
    stalls.stop();

    // Each turn's lines: the speaker's captions that arrived after it began and before their next turn.
    const perTurn: TurnResult[] = captioned.turns.map((turn, k) => {
      const next = captioned.turns.slice(k + 1).find((n) => n.speakerId === turn.speakerId);
      const mine = arrivals.filter(
        (a) =>
          a.caption.speaker_id === turn.speakerId &&
          a.at >= turn.startedAt &&
          a.at < (next?.startedAt ?? Number.POSITIVE_INFINITY),
      );
      const finals = mine.filter((a) => a.caption.kind === 'final');
      const partials = mine.filter((a) => a.caption.kind === 'partial');
      const last = finals.at(-1);
      const first = partials[0];
      return {
        turn,
        text: finals.map((a) => a.caption.text).join(' '),
        finalDelay: last ? last.at - turn.endedAt : undefined,
        partialDelay: first ? first.at - turn.startedAt : undefined,
        partials: partials.length,
      };
    });
    const n = perTurn.length;
    const defined = (xs: Array<number | undefined>) =>
      xs.filter((x): x is number => x !== undefined);
    return {
      speakers: SPEAKERS,
      captioned,
      baseline,
      after,
      lateFinals,
      perTurn,
      finalDelays: defined(perTurn.map((r) => r.finalDelay)),
      partialDelays: defined(perTurn.map((r) => r.partialDelay)),
      missingFinals: perTurn.filter((r) => r.finalDelay === undefined).length,
      wer: perTurn.reduce((sum, r) => sum + wordErrorRate(r.turn.sentence, r.text), 0) / n,
      recall: perTurn.reduce((sum, r) => sum + contentRecall(r.turn.sentence, r.text), 0) / n,
      engineWorkers: workers.size,
      engineStartMs,
      clocks,
    };
  } finally {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
    await Promise.all(children.map((c) => c.stop()));
    await t.close();
  }
}

function ms(values: number[], p: number): string {
  return values.length ? `${Math.round(percentile(values, p))} ms` : 'n/a';
}

function tone(p: PhaseResult): string {
  const c = p.tone.check;
  if (!c) return 'not checked';
  return (
    `${p.clean ? 'clean' : `NOT CLEAN, ${p.glitches} glitches (${((p.glitches / c.wallMs) * 60_000).toFixed(0)} a minute)`}: ${c.toneBlocks}/${c.blocks} blocks at ${TONE} Hz ` +
    `(min share ${c.minShare.toFixed(2)}), ${Math.round((c.deliveredMs / c.wallMs) * 100)} % of ${(c.wallMs / 1000).toFixed(0)} s delivered, ` +
    `concealed ${(p.tone.concealedShare * 100).toFixed(2)} %, ${p.tone.packetsLost} lost; ` +
    `event loop: tone peers ${p.tone.stalls.stalls} stalls ≥ 100 ms (${(p.tone.stalls.stalledMs / 1000).toFixed(1)} s, max ${Math.round(p.tone.loopDelayMaxMs)} ms), ` +
    `node ${p.nodeStalls.stalls} (${(p.nodeStalls.stalledMs / 1000).toFixed(1)} s, max ${Math.round(p.nodeLoopMaxMs)} ms); ` +
    `load ${p.loadBefore.toFixed(1)} → ${p.loadAfter.toFixed(1)}`
  );
}

const rate = (p: PhaseResult, name?: string) =>
  (name === undefined ? total(p.cpu) : (p.cpu.get(name) ?? 0)) / p.wallSeconds;
/** Captions off: the mean of the rounds before and after the captioned ones. */
const offRate = (r: SalonResult, name?: string) =>
  (rate(r.baseline, name) + rate(r.after, name)) / 2;

export function renderSalon(r: SalonResult): string {
  const c = r.captioned;
  const b = r.baseline;
  const a = r.after;
  // What captions add to the node: its CPU per second with captions on, less the baseline's.
  const added = Math.max(0, rate(c) - offRate(r));
  // Janus forwards the captioned feeds, but its share swings with the load more than that: without it too.
  const addedWithoutJanus = Math.max(0, added - (rate(c, 'janus') - offRate(r, 'janus')));
  const perSpeaker = added / r.speakers;
  const speechSeconds = c.turns.reduce((sum, t) => sum + t.speechMs / 1000, 0);
  const perSpeechSecond = (added * c.wallSeconds) / speechSeconds;
  const names = [...new Set([...c.cpu.keys(), ...b.cpu.keys()])].sort();
  const breakdown = names
    .map(
      (name) =>
        `${name} ${(rate(c, name) * 100).toFixed(1)} % (off ${(offRate(r, name) * 100).toFixed(1)} %)`,
    )
    .join(', ');
  return [
    `  clocks: ${r.clocks.map((k) => `${k.child} ${k.offsetMs.toFixed(1)} ± ${k.uncertaintyMs.toFixed(1)} ms`).join(', ')} (child's Date.now() − ours)`,
    `  ${r.speakers} speakers in turn, ${c.turns.length} utterances (${speechSeconds.toFixed(0)} s of speech), at a WebRTC listener's WebSocket:`,
    ...r.perTurn.map(
      (t) =>
        `    ${t.finalDelay === undefined ? 'no final' : `final +${t.finalDelay} ms`}, ${t.partialDelay === undefined ? 'no partial' : `first partial ${t.partialDelay} ms`} (${t.partials}): ${t.turn.sentence} => ${t.text}`,
    ),
    `  engine worker processes started: ${r.engineWorkers}${r.engineWorkers > 1 ? ` (${r.engineWorkers - 1} restarts)` : ''}`,
    ...(r.engineStartMs !== null
      ? [
          `  engine ready ${r.engineStartMs} ms after captions were turned on (before that, words wait for it; the delays below are after it)`,
        ]
      : []),
    `  WER ${(r.wer * 100).toFixed(1)} %, content-word recall ${(r.recall * 100).toFixed(1)} %, ${r.missingFinals} utterances without a final (${r.lateFinals} finals came after the ${SETTLE_MS / 1000} s settling time)`,
    `  final delay (end of utterance at the speaker → final line at the listener) p50 ${ms(r.finalDelays, 50)}, p95 ${ms(r.finalDelays, 95)}, max ${ms(r.finalDelays, 100)}`,
    `  partial delay (start of speech → first partial at the listener) p50 ${ms(r.partialDelays, 50)}, p95 ${ms(r.partialDelays, 95)} (${r.partialDelays.length} of ${c.turns.length} utterances had one)`,
    `  tone check at a listener of another space on the node, captions on:  ${tone(c)}`,
    `  tone check, captions off before (baseline, ${b.turns.length} utterances):     ${tone(b)}`,
    `  tone check, captions off after (baseline, ${r.after.turns.length} utterances):      ${tone(r.after)}`,
    `  CPU of the node, % of a core, captions on (off: mean of the two baselines): ${breakdown}`,
    `  peers (other processes): speakers ${((c.peersCpu.speakers / c.wallSeconds) * 100).toFixed(0)} % (off ${((b.peersCpu.speakers / b.wallSeconds) * 100).toFixed(0)} % and ${((a.peersCpu.speakers / a.wallSeconds) * 100).toFixed(0)} %), tone ${((c.peersCpu.tone / c.wallSeconds) * 100).toFixed(0)} % (off ${((b.peersCpu.tone / b.wallSeconds) * 100).toFixed(0)} % and ${((a.peersCpu.tone / a.wallSeconds) * 100).toFixed(0)} %)`,
    `  => captions add ${(added * 100).toFixed(1)} % of a core (${(addedWithoutJanus * 100).toFixed(1)} % leaving Janus out): ${(perSpeaker * 100).toFixed(1)} % per concurrently captioned speaker (${r.speakers} captioned, talking in turn); ${perSpeechSecond.toFixed(2)} CPU-s per second of speech, so one core keeps about ${perSpeechSecond > 0 ? (1 / perSpeechSecond).toFixed(1) : '∞'} speakers talking at once (by CPU alone)`,
    `  machine busy ${(c.machineBusy * 100).toFixed(0)} % (captions on) vs ${(b.machineBusy * 100).toFixed(0)} % and ${(a.machineBusy * 100).toFixed(0)} % (off), both cores, other work on the machine included`,
  ].join('\n');
}
