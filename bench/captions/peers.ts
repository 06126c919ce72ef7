/**
 * The libwebrtc peers of the Salon part (salon.ts), in a child process of
 * their own so that their 10 ms frame timers, encoders and decoders do not
 * starve the process that runs the Salon node and takes the measurements (as
 * bench/media keeps its load in generator.ts). salon.ts starts two: one for
 * the speakers (each stage member's mix and feed publishers) and the
 * captioned space's WebRTC listener, one for the tone publisher and the tone
 * listener whose audio is judged. The Salon realtime sockets stay in the
 * parent: a peer's offer goes up as a `signal` request and the answer comes
 * back. Times that cross to the parent are Date.now() readings taken here
 * (bench/support/child.ts); performance.now() stays inside this process.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Publisher } from '../../server/test/media/support/publisher.js';
import {
  gatheringComplete,
  type MediaStreamTrack,
  type PeerConnection,
  RTCPeerConnection,
} from '../../server/test/media/support/wrtc.js';
import { type AudioCheck, Ear } from '../media/audio.js';
import { type Received, received } from '../media/peers.js';
import { parentRpc } from '../support/child.js';
import { speak } from './speech.js';
import { type StallCount, Stalls } from './stalls.js';

const rpc = parentRpc(`bench/captions peers (${process.env['BENCH_PEERS_ROLE'] ?? '?'})`);

const publishers = new Map<string, Publisher<null>>();
const listeners = new Map<string, { pc: PeerConnection; ear: Promise<Ear> }>();
const speech = new Map<string, Int16Array>();
const checks = new Map<string, Received>();
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const stalls = new Stalls();

function listener(id: string): { pc: PeerConnection; ear: Promise<Ear> } {
  const l = listeners.get(id);
  if (!l) throw new Error(`no listener ${id}`);
  return l;
}

export interface Said {
  /** Date.now() when the speech was queued (its first frame goes out within 10 ms). */
  startedAt: number;
  /** Date.now() when the last frame of it was handed to libwebrtc, on every publisher told. */
  endedAt: number;
  /** How long the speech is (its samples), whatever the wall clock did meanwhile. */
  speechMs: number;
}

export interface CheckResult {
  check: AudioCheck | undefined;
  /** Concealed samples over samples received, from libwebrtc's inbound-rtp stats, as bench/media. */
  concealedShare: number;
  packetsLost: number;
  /** This process's event-loop delay over the check (a starved peer process shows here). */
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  /** This process's event-loop stalls of 100 ms or more over the check. */
  stalls: StallCount;
}

rpc.handle('clock', () => Date.now());

/** espeak-ng before the timing starts: a sentence's speech at 48 kHz, made once. */
rpc.handle('prepare', ({ sentences }: { sentences: string[] }) => {
  for (const s of sentences) if (!speech.has(s)) speech.set(s, speak(s, 48_000));
  return speech.size;
});

rpc.handle(
  'publish',
  async ({ id, kind, frequency }: { id: string; kind: 'mix' | 'feed'; frequency: number }) => {
    const publisher = await Publisher.through(
      (sdp) => rpc.request<string>('signal', { id, kind, sdp }, 30_000),
      { frequency, m: kind === 'mix' ? 'track' : 'sendonly' },
    );
    publishers.set(id, publisher);
    return publisher.mid;
  },
);

/** Answers a Salon listen offer; the track's audio is decoded into an Ear (bench/media/audio.ts). */
rpc.handle('listen', async ({ id, offer }: { id: string; offer: string }) => {
  const pc = new RTCPeerConnection({ iceServers: [] });
  const ear = new Promise<MediaStreamTrack>((resolve) =>
    pc.addEventListener('track', (e) => resolve(e.track)),
  ).then((track) => new Ear(track));
  listeners.set(id, { pc, ear });
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  await pc.setLocalDescription(await pc.createAnswer());
  await gatheringComplete(pc);
  return pc.localDescription?.sdp ?? '';
});

/** Whether the listener heard `frequency` start within the last `withinMs`. */
rpc.handle(
  'hears',
  async ({ id, frequency, withinMs }: { id: string; frequency: number; withinMs: number }) => {
    const ear = await listener(id).ear;
    return ear.onsetAfter(performance.now() - withinMs, frequency) !== undefined;
  },
);

rpc.handle('say', async ({ ids, sentence }: { ids: string[]; sentence: string }): Promise<Said> => {
  const pcm = speech.get(sentence) ?? speak(sentence, 48_000);
  const mics = ids.map((id) => {
    const p = publishers.get(id);
    if (!p) throw new Error(`no publisher ${id}`);
    return p;
  });
  const startedAt = Date.now();
  const ends = await Promise.all(mics.map((p) => p.say(pcm)));
  return { startedAt, endedAt: Math.max(...ends), speechMs: (pcm.length / 48_000) * 1000 };
});

rpc.handle('startCheck', async ({ id, frequency }: { id: string; frequency: number }) => {
  const l = listener(id);
  const ear = await l.ear;
  checks.set(id, await received(l.pc));
  loop.reset();
  stalls.take();
  ear.startCheck(frequency);
  return true;
});

rpc.handle('endCheck', async ({ id }: { id: string }): Promise<CheckResult> => {
  const l = listener(id);
  const check = (await l.ear).endCheck();
  const stalled = stalls.take();
  const loopDelayMaxMs = loop.max / 1e6;
  const loopDelayP99Ms = loop.percentile(99) / 1e6;
  const after = await received(l.pc);
  const before = checks.get(id);
  const samples = after.totalSamplesReceived - (before?.totalSamplesReceived ?? 0);
  return {
    check,
    concealedShare:
      samples > 0 ? (after.concealedSamples - (before?.concealedSamples ?? 0)) / samples : 0,
    packetsLost: after.packetsLost - (before?.packetsLost ?? 0),
    loopDelayMaxMs,
    loopDelayP99Ms,
    stalls: stalled,
  };
});

rpc.handle('close', async () => {
  for (const { pc, ear } of listeners.values()) {
    await Promise.race([ear.then((e) => e.stop()), sleep(500)]).catch(() => undefined);
    pc.close();
  }
  await Promise.race([
    Promise.allSettled([...publishers.values()].map((p) => p.close())),
    sleep(5_000),
  ]);
  setTimeout(() => process.exit(0), 50);
  return true;
});
