/**
 * Captions at a listener, through a real Salon server (MEDIA=embedded, its
 * own Janus, the pocketsphinx engine): 11 stage members of a captioned
 * space speak espeak-ng's sentences in turn (each publishes the mix and
 * their own feed, as the web app does); a listener of that space hears the
 * mix over WebRTC and reads the captions on its realtime WebSocket. Meanwhile
 * a second space on the same node carries a continuous tone to a WebRTC
 * listener, whose every 100 ms block is judged as the media bench does
 * (bench/media/audio.ts): a glitch is a block without the tone, or audio
 * not delivered. A round is spoken first with captions off: the baseline
 * of the tone check and of the CPU, in the same run.
 */
import { readFileSync } from 'node:fs';
import type { ServerMessage } from '@salon/protocol';
import { ask, SalonListener, SalonSpeaker } from '../../server/test/media/support/salon-peers.js';
import { SpeechPublisher } from '../../server/test/media/support/speech-peer.js';
import { TEST_ICE_ADDRESS } from '../../server/test/media/support/stage.js';
import {
  gatheringComplete,
  type MediaStreamTrack,
  type PeerConnection,
  RTCPeerConnection,
} from '../../server/test/media/support/wrtc.js';
import { eventually, RealtimeClient } from '../../server/test/support/realtime.js';
import { startTestServer, type TestServer } from '../../server/test/support/server.js';
import { type AudioCheck, Ear } from '../media/audio.js';
import { percentile } from '../media/stats.js';
import { contentRecall, sentences, speak, wordErrorRate } from './speech.js';

export const SPEAKERS = 11;
const TONE = 440;
/** Between one speaker's last word and the next one's first: a brisk conversation. */
const TURN_GAP_MS = 400;
/** After the last turn of a round, for its last final to arrive. */
const SETTLE_MS = 8_000;

type Caption = Extract<ServerMessage, { type: 'caption' }>;
type Person = Awaited<ReturnType<TestServer['user']>> & { rt: RealtimeClient };

/** A microphone as the web app publishes it: the same speech into the mix and into the speaker's feed. */
class Microphone {
  private constructor(private readonly peers: SpeechPublisher[]) {}

  static async open(rt: RealtimeClient, spaceId: string): Promise<Microphone> {
    const peers: SpeechPublisher[] = [];
    for (const [type, answer] of [
      ['media_publish', 'media_answer'],
      ['feed_publish', 'feed_answer'],
    ] as const)
      peers.push(
        await SpeechPublisher.negotiate(
          async (sdp) => (await ask(rt, { type, space_id: spaceId, sdp }, answer)).sdp,
        ),
      );
    return new Microphone(peers);
  }

  /** Resolves with the epoch ms at which both had sent the speech. */
  async say(pcm: Int16Array): Promise<number> {
    return Math.max(...(await Promise.all(this.peers.map((p) => p.say(pcm)))));
  }

  async close(): Promise<void> {
    await Promise.all(this.peers.map((p) => p.close()));
  }
}

/** A WebRTC listener of a space whose decoded audio goes to the media bench's Ear. */
class ToneListener {
  private constructor(
    readonly pc: PeerConnection,
    readonly ear: Ear,
  ) {}

  static async listen(rt: RealtimeClient, spaceId: string): Promise<ToneListener> {
    const pc = new RTCPeerConnection({ iceServers: [] });
    const track = new Promise<MediaStreamTrack>((resolve) =>
      pc.addEventListener('track', (e) => resolve(e.track)),
    );
    const offer = await ask(rt, { type: 'media_listen', space_id: spaceId }, 'media_offer');
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await gatheringComplete(pc);
    await ask(
      rt,
      { type: 'media_listen_answer', space_id: spaceId, sdp: pc.localDescription?.sdp ?? '' },
      'media_listening',
    );
    return new ToneListener(pc, new Ear(await track));
  }

  close(): void {
    this.ear.stop();
    this.pc.close();
  }
}

/** CPU seconds (user + system) of a process from /proc, or of its reaped children. */
function procCpuSeconds(pid: number | 'self', children = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime are fields 14 and 15 (1-based); cutime, cstime 16 and 17.
    const at = children ? 13 : 11;
    return (Number(fields[at]) + Number(fields[at + 1])) / 100;
  } catch {
    return 0; // gone: its time is in the parent's reaped children
  }
}

/** Busy and total jiffies of the whole machine (both cores), from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1) ?? [];
  const n = cpu.map(Number);
  const total = n.reduce((a, b) => a + b, 0);
  return { busy: total - (n[3] ?? 0) - (n[4] ?? 0), total };
}

export interface Turn {
  speakerId: string;
  sentence: string;
  startedAt: number;
  endedAt: number;
}

export interface PhaseResult {
  captions: boolean;
  turns: Turn[];
  wallSeconds: number;
  check: AudioCheck | undefined;
  glitches: number;
  /** CPU seconds: ffmpeg decoders alive through the phase, reaped children (pocketsphinx runs), this process. */
  decodersCpu: number;
  reapedCpu: number;
  nodeCpu: number;
  machineBusy: number;
}

export interface SalonResult {
  speakers: number;
  captioned: PhaseResult;
  baseline: PhaseResult;
  finalDelays: number[];
  partialDelays: number[];
  missingFinals: number;
  wer: number;
  recall: number;
  /** Partial lines per utterance that had any, at the listener. */
  partialsPerUtterance: number;
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
  const closers: Array<() => unknown> = [];
  try {
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
    const tone = await SalonSpeaker.publish(toneHost.rt, toneSpace.id, TONE);
    closers.push(() => tone.close());
    await toneHost.client.post(`/api/v1/spaces/${toneSpace.id}/stage/${toneHost.id}/unmute`);
    const toneFan = await person('tonefan');
    await toneFan.rt.subscribe(toneSpace.id);
    const toneEar = await ToneListener.listen(toneFan.rt, toneSpace.id);
    closers.push(() => toneEar.close());

    // The captioned space: a host and ten speakers on stage, each with a microphone.
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
    const speakers: Array<Person & { mic: Microphone }> = [];
    for (let i = 0; i < SPEAKERS; i++) {
      const p = i === 0 ? host : await person(`capspeaker${i}`);
      if (i > 0) {
        await p.rt.subscribe(space.id);
        await p.client.post(`${url}/requests`);
        await host.client.post(`${url}/requests/${p.id}/approve`);
      }
      const mic = await Microphone.open(p.rt, space.id);
      closers.push(() => mic.close());
      await p.client.post(`${url}/stage/${p.id}/unmute`);
      speakers.push({ ...p, mic });
    }
    const fan = await person('capfan');
    await fan.rt.subscribe(space.id);
    const fanEar = await SalonListener.listen(fan.rt, space.id);
    closers.push(() => fanEar.close());
    const arrivals: Array<{ at: number; caption: Caption }> = [];
    fan.rt.ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as ServerMessage;
      if (m.type === 'caption' && m.space_id === space.id)
        arrivals.push({ at: Date.now(), caption: m });
    });

    const pipeline = t.server.services.media?.captions;
    if (!pipeline) throw new Error('the server runs no captions pipeline');
    await eventually(
      () => toneEar.ear.onsetAfter(performance.now() - 2_000, TONE) !== undefined,
      'the tone listener to hear the tone',
      15_000,
    );

    const set = sentences();
    const pcm = new Map(set.map((s) => [s, speak(s, 48_000)]));
    const phase = async (captions: boolean, rounds: number): Promise<PhaseResult> => {
      const decoders = speakers
        .map((s) => pipeline.speaker(space.id, s.id)?.decoderPid)
        .filter((pid): pid is number => pid !== undefined);
      const decodersBefore = decoders.map((pid) => procCpuSeconds(pid));
      const reapedBefore = procCpuSeconds('self', true);
      const nodeBefore = procCpuSeconds('self');
      const machineBefore = machineTicks();
      const wallBefore = performance.now();
      toneEar.ear.startCheck(TONE);
      const turns: Turn[] = [];
      for (let round = 0; round < rounds; round++)
        for (const [i, s] of speakers.entries()) {
          const sentence = set[(round * SPEAKERS + i) % set.length] ?? '';
          const startedAt = Date.now();
          const endedAt = await s.mic.say(pcm.get(sentence) ?? new Int16Array(0));
          turns.push({ speakerId: s.id, sentence, startedAt, endedAt });
          await new Promise((r) => setTimeout(r, TURN_GAP_MS));
        }
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const check = toneEar.ear.endCheck();
      const machineAfter = machineTicks();
      return {
        captions,
        turns,
        wallSeconds: (performance.now() - wallBefore) / 1000,
        check,
        glitches: check
          ? check.blocks -
            check.toneBlocks +
            Math.max(0, Math.round((check.wallMs * 0.95 - check.deliveredMs) / 100))
          : Number.NaN,
        decodersCpu: decoders.reduce(
          (sum, pid, i) => sum + procCpuSeconds(pid) - (decodersBefore[i] ?? 0),
          0,
        ),
        reapedCpu: procCpuSeconds('self', true) - reapedBefore,
        nodeCpu: procCpuSeconds('self') - nodeBefore,
        machineBusy:
          (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total),
      };
    };

    // The baseline first: the same speakers and feeds, captions off (so nothing waits for them to stop).
    const baseline = await phase(false, 1);
    const on = await host.client.put(`${url}/captions`, { enabled: true });
    if (on.status !== 200) throw new Error(`captions on: ${on.status}`);
    await eventually(
      () => speakers.every((s) => pipeline.speaker(space.id, s.id)?.decoderPid !== undefined),
      `all ${SPEAKERS} speakers' feeds to be transcribed`,
      60_000,
    );
    const captioned = await phase(true, options.rounds);

    // Each turn's lines: the speaker's captions that arrived after it began and before their next turn.
    const finalDelays: number[] = [];
    const partialDelays: number[] = [];
    let missingFinals = 0;
    let wer = 0;
    let recall = 0;
    let partialLines = 0;
    let withPartials = 0;
    for (const [k, turn] of captioned.turns.entries()) {
      const next = captioned.turns.slice(k + 1).find((n) => n.speakerId === turn.speakerId);
      const mine = arrivals.filter(
        (a) =>
          a.caption.speaker_id === turn.speakerId &&
          a.at >= turn.startedAt &&
          a.at < (next?.startedAt ?? Number.POSITIVE_INFINITY),
      );
      const finals = mine.filter((a) => a.caption.kind === 'final');
      const partials = mine.filter((a) => a.caption.kind === 'partial');
      const text = finals.map((a) => a.caption.text).join(' ');
      wer += wordErrorRate(turn.sentence, text);
      recall += contentRecall(turn.sentence, text);
      const last = finals.at(-1);
      if (last) finalDelays.push(last.at - turn.endedAt);
      else missingFinals++;
      const first = partials[0];
      if (first) {
        partialDelays.push(first.at - turn.startedAt);
        partialLines += partials.length;
        withPartials++;
      }
    }
    const n = captioned.turns.length;
    return {
      speakers: SPEAKERS,
      captioned,
      baseline,
      finalDelays,
      partialDelays,
      missingFinals,
      wer: wer / n,
      recall: recall / n,
      partialsPerUtterance: withPartials ? partialLines / withPartials : 0,
    };
  } finally {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
    await t.close();
  }
}

function ms(values: number[], p: number): string {
  return values.length ? `${Math.round(percentile(values, p))} ms` : 'n/a';
}

function tone(p: PhaseResult): string {
  const c = p.check;
  if (!c) return 'not checked';
  return (
    `${p.glitches === 0 ? 'clean' : `${p.glitches} GLITCHES`}: ${c.toneBlocks}/${c.blocks} blocks at ${TONE} Hz ` +
    `(min share ${c.minShare.toFixed(2)}), ${Math.round((c.deliveredMs / c.wallMs) * 100)} % of ${(c.wallMs / 1000).toFixed(0)} s delivered`
  );
}

export function renderSalon(r: SalonResult): string {
  const c = r.captioned;
  const b = r.baseline;
  // What captions add: the decoders, the engine's runs (reaped children) and this process's extra work per second.
  const nodeExtra = Math.max(0, c.nodeCpu / c.wallSeconds - b.nodeCpu / b.wallSeconds);
  const captionCores = (c.decodersCpu + c.reapedCpu) / c.wallSeconds + nodeExtra;
  const perSpeaker = captionCores / r.speakers;
  return [
    `  ${r.speakers} speakers in turn, ${c.turns.length} utterances, at a WebRTC listener's WebSocket:`,
    `  WER ${(r.wer * 100).toFixed(1)} %, content-word recall ${(r.recall * 100).toFixed(1)} %, ${r.missingFinals} utterances without a final`,
    `  final delay (end of utterance at the speaker → final line at the listener) p50 ${ms(r.finalDelays, 50)}, p95 ${ms(r.finalDelays, 95)}, max ${ms(r.finalDelays, 100)}`,
    `  partial delay (start of speech → first partial at the listener) p50 ${ms(r.partialDelays, 50)}, p95 ${ms(r.partialDelays, 95)} (${r.partialDelays.length} of ${c.turns.length} utterances had one, ${r.partialsPerUtterance.toFixed(1)} partials each)`,
    `  tone check at a listener of another space on the node, captions on:  ${tone(c)}`,
    `  tone check, same rounds with captions off (baseline):                 ${tone(b)}`,
    `  CPU of captions: decoders ${((c.decodersCpu / c.wallSeconds) * 100).toFixed(1)} %, pocketsphinx runs ${((c.reapedCpu / c.wallSeconds) * 100).toFixed(1)} %, Node's extra ${(nodeExtra * 100).toFixed(1)} % of a core`,
    `  => ${(perSpeaker * 100).toFixed(1)} % of a core per concurrently captioned speaker (${r.speakers} captioned, talking in turn); machine busy ${(c.machineBusy * 100).toFixed(0)} % (captions on) vs ${(b.machineBusy * 100).toFixed(0)} % (off), both cores, other work on the machine included`,
  ].join('\n');
}
