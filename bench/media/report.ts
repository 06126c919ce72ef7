/** The results as markdown: a latency table, a CPU table, the Janus thread breakdown, notes. */
import type { MediaBenchConfig } from './config.js';
import type { LatencyResult, PathKey } from './latency.js';
import { CPU_TONE, type CpuResult, type LevelResult } from './load.js';
import { summarize } from './stats.js';

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} ms` : '—');
const num = (value: number, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      })
    : '—';
const mark = (ok: boolean) => (ok ? '✅' : '❌');

const PATHS: Array<{ key: PathKey; label: string }> = [
  { key: 'direct', label: '(c) baseline: direct wrtc → wrtc call, no server' },
  { key: 'stage', label: '(a) speaker → another speaker (AudioBridge mix-minus-self)' },
  {
    key: 'listener',
    label: '(b) speaker → WebRTC listener (mix → rtp_forward → Streaming)',
  },
];

export const P95_GOAL_MS = 150;
export const P95_STRETCH_MS = 100;
export const LISTENERS_PER_CORE_GOAL = 500;
/** Other programs using more than this share of the machine during a window make it suspect. */
const CONTENDED_PERCENT = 10;

export function renderLatency(result: LatencyResult): string {
  const rows = [
    '| path | p50 | p95 | min | max | onsets timed | p95 ≤ 150 ms (stretch ≤ 100 ms) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const { key, label } of PATHS) {
    const all = result.paths[key].samples;
    const timed = all.filter(Number.isFinite);
    const s = summarize(timed);
    const goal =
      key === 'direct'
        ? 'baseline'
        : `${mark(s.p95 <= P95_GOAL_MS)}${s.p95 <= P95_STRETCH_MS ? ' (stretch ✅)' : ' (stretch ❌)'}`;
    rows.push(
      `| ${label} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.min)} | ${ms(s.max)} | ${timed.length} / ${all.length} | ${goal} |`,
    );
  }
  const direct = result.paths.direct.samples;
  for (const { key, label } of PATHS.slice(1)) {
    const added = result.paths[key].samples
      .map((value, i) => value - (direct[i] ?? Number.NaN))
      .filter(Number.isFinite);
    const s = summarize(added);
    rows.push(
      `| ${label.slice(0, 3)} − (c), paired per onset: what the server path adds | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.min)} | ${ms(s.max)} | ${added.length} |  |`,
    );
  }
  // An onset the no-server baseline itself heard late was a stall of this
  // machine (the paths share one process), not of the server.
  const baseline = summarize(direct.filter(Number.isFinite)).p50;
  const stalled = direct.map((value) => !(value <= baseline * 1.5));
  const stalls = stalled.filter(Boolean).length;
  if (stalls > 0) {
    for (const { key, label } of PATHS.slice(1)) {
      const kept = result.paths[key].samples.filter(
        (value, i) => !stalled[i] && Number.isFinite(value),
      );
      const s = summarize(kept);
      rows.push(
        `| ${label.slice(0, 3)} without the ${stalls} onsets the baseline heard > 1.5 × its p50 late (machine stalls) | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.min)} | ${ms(s.max)} | ${kept.length} |  |`,
      );
    }
  }
  const perRound: string[] = [];
  for (let round = 0; round < result.rounds; round++) {
    const added = (key: PathKey) =>
      summarize(
        result.paths[key].samples
          .map((value, i) =>
            result.round[i] === round ? value - (direct[i] ?? Number.NaN) : Number.NaN,
          )
          .filter(Number.isFinite),
      ).p50;
    perRound.push(`join ${round + 1}: ${ms(added('stage'))} / ${ms(added('listener'))}`);
  }
  rows.push(
    `| server-added p50 per fresh join, (a) / (b) | ${perRound.join('; ')} |  |  |  |  |  |`,
  );
  if (result.skipped > 0) {
    rows.push(
      `| trials skipped (an ear never fell silent before the onset) | ${result.skipped} |  |  |  |  |  |`,
    );
  }
  return rows.join('\n');
}

function why(level: LevelResult): string {
  const reasons: string[] = [];
  if (level.starved > 0) {
    reasons.push(`${level.starved} of ${level.listeners} listeners got under 90 % of the packets`);
  }
  if (!audio(level).clean)
    reasons.push(`the last listener's audio check failed: ${audio(level).text}`);
  return reasons.join('; ');
}

/** Every listener got ≥ 90 % of the packets and the last one heard clean audio. */
export function served(level: LevelResult): boolean {
  return level.starved === 0 && audio(level).clean;
}

export interface Capacity {
  /** The level the estimate comes from: the largest one fully served. */
  level: LevelResult;
  idleMsPerSecond: number;
  /** ms of CPU per listener-second over the idle room, at that level. */
  marginal: number;
  /** (1000 − idle) / marginal: listeners one core could carry at that cost. */
  perCore: number;
  /** The largest level measured, and whether it was fully served. */
  largest: LevelResult;
}

export function capacity(cpu: CpuResult): Capacity | undefined {
  const idle = cpu.levels.find((l) => l.listeners === 0);
  const loaded = cpu.levels.filter((l) => l.listeners > 0 && l.decode !== 'all');
  const largest = loaded.at(-1);
  const level = loaded.filter(served).at(-1) ?? largest;
  if (!idle || !level || !largest) return undefined;
  const idleMsPerSecond = idle.janusCpuMs / idle.seconds;
  const marginal = (level.janusCpuMs / level.seconds - idleMsPerSecond) / level.listeners;
  return {
    level,
    idleMsPerSecond,
    marginal,
    perCore: (1000 - idleMsPerSecond) / marginal,
    largest,
  };
}

function audio(level: LevelResult): { text: string; clean: boolean } {
  const last = level.probes.at(-1);
  if (!last?.check) return { text: 'not sampled', clean: false };
  const c = last.check;
  const clean =
    c.blocks > 0 &&
    c.toneBlocks === c.blocks &&
    c.deliveredMs >= c.wallMs * 0.95 &&
    last.concealedShare < 0.01;
  return {
    clean,
    text:
      `${mark(clean)} #${last.index}: ${c.toneBlocks}/${c.blocks} blocks at ${CPU_TONE} Hz, ` +
      `min share ${c.minShare.toFixed(2)}, concealed ${(last.concealedShare * 100).toFixed(1)} %`,
  };
}

export function renderCpu(cpu: CpuResult): string {
  const idle = cpu.levels.find((l) => l.listeners === 0);
  const idleMsPerSecond = idle ? idle.janusCpuMs / idle.seconds : Number.NaN;
  const rows = [
    '| listeners | connected / receiving | Janus CPU (% of a core) | ms CPU per listener-second | marginal over the idle room | implied listeners per core | last listener connected: audio | packets/s per listener, min / median (50 sent) | Janus threads / context switches per s | generator CPU (% of a core) | core 0 / core 1 busy, all programs (stolen by the host) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const level of cpu.levels) {
    const perSecond = level.janusCpuMs / level.seconds;
    const n = level.listeners;
    const gross = n > 0 ? perSecond / n : Number.NaN;
    const marginal = n > 0 ? (perSecond - idleMsPerSecond) / n : Number.NaN;
    const perCore = n > 0 ? (1000 - idleMsPerSecond) / marginal : Number.NaN;
    rows.push(
      [
        (n === 0
          ? '0 (speaker only)'
          : level.decode === 'all'
            ? `${num(n)}, every listener decodes (reference)`
            : `${num(n)}, ${level.probes.length} decode, ${num(n - level.probes.length)} wire`) +
          (level.othersDuringPercent > CONTENDED_PERCENT
            ? ` ⚠ other programs used ${num(level.othersDuringPercent)} % of the machine`
            : ''),
        n === 0 ? '—' : `${num(n)} / ${num((level.grow?.receiving ?? 0) + level.probes.length)}`,
        `${num((perSecond / 1000) * 100, 1)} %`,
        n > 0 ? `${num(gross, 3)} ms` : '—',
        n > 0 ? `${num(marginal, 3)} ms` : '—',
        n > 0 ? num(perCore) : '—',
        n > 0 ? audio(level).text : '—',
        n > 0 ? `${num(level.ppsMin, 1)} / ${num(level.ppsMedian, 1)}` : '—',
        `${level.janusThreads} / ${num(level.janusSwitchesPerSecond)}`,
        `${num(level.generatorCpuPercent)} %`,
        level.cores.map((c) => `${num(c.busy)} % (${num(c.steal)} %)`).join(' / '),
      ]
        .join(' | ')
        .replace(/^/, '| ') + ' |',
    );
  }
  const cap = capacity(cpu);
  if (cap) {
    const ok = cap.perCore >= LISTENERS_PER_CORE_GOAL && served(cap.largest);
    rows.push(
      `| **goal: ≥ ${LISTENERS_PER_CORE_GOAL} listeners per core, clean audio** |  |  |  |  | ` +
        `${num(cap.perCore)} (from ${cap.level.listeners}) ${mark(ok)} |  |  |  |  |  |`,
    );
    if (!served(cap.largest)) {
      const janus = (cap.largest.janusCpuMs / cap.largest.seconds / 1000) * 100;
      rows.push(
        '',
        `At ${cap.largest.listeners} listeners the room was **not served** (${why(cap.largest)}); Janus used ` +
          `${num(janus)} % of its core (core 0: ${num(cap.largest.cores[0]?.busy ?? Number.NaN)} % busy with everything on it, ` +
          `${num(cap.largest.cores[0]?.steal ?? Number.NaN)} % stolen by the host). ` +
          (served(cap.level)
            ? `The per-core estimate comes from the largest level served in full (${cap.level.listeners}).`
            : 'No level was served in full; the per-core estimate is the CPU cost at the largest level.'),
      );
    }
  }
  const reference = cpu.levels.find((l) => l.decode === 'all');
  const same = cpu.levels.find(
    (l) => l.decode === 'sample' && l.listeners === reference?.listeners,
  );
  if (reference && same) {
    const per = (l: LevelResult) => (l.janusCpuMs / l.seconds - idleMsPerSecond) / l.listeners;
    rows.push(
      '',
      `Wire viewers vs decoding viewers, same ${reference.listeners} listeners: Janus spends ` +
        `${num(per(reference), 3)} ms (all decode) vs ${num(per(same), 3)} ms (wire) of CPU per ` +
        `listener-second over the idle room (${num((per(same) / per(reference)) * 100)} %); ` +
        `the generator ${num(reference.generatorCpuPercent)} % vs ${num(same.generatorCpuPercent)} % of its core.`,
    );
  }
  return rows.join('\n');
}

export function renderThreads(level: LevelResult): string {
  const rows = [
    `Janus's threads over the ${level.listeners}-listener window (names with digits folded):`,
    '',
    '| thread | threads | CPU (% of a core) |',
    '|---|---|---|',
  ];
  for (const group of level.threadGroups.filter((g) => g.cpuPercent >= 0.05).slice(0, 8)) {
    rows.push(`| \`${group.name}\` | ${group.threads} | ${num(group.cpuPercent, 1)} % |`);
  }
  return rows.join('\n');
}

export function renderGenerator(cpu: CpuResult): string {
  const rows = [
    '| listeners | every probe: 100 ms blocks at 440 Hz, concealed | RTP lost (probes) | listeners under 45 packets/s | UDP drops in the namespace (socket buffers) | starts answered "started" | generator event-loop delay p99 / max | decoded samples/s per generator listener | this process (speaker, probes): CPU, event-loop delay p99 / max | other programs before / during the window (% of all cores) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const level of cpu.levels) {
    const w = level.window;
    const probes = level.probes
      .map((p) =>
        p.check
          ? `#${p.index} ${p.check.toneBlocks}/${p.check.blocks}, ${(p.concealedShare * 100).toFixed(1)} %`
          : `#${p.index} —`,
      )
      .join('; ');
    rows.push(
      `| ${level.listeners}${level.decode === 'all' ? ' (all decode)' : ''} | ${probes || '—'} | ${num(level.probes.reduce((sum, p) => sum + p.packetsLost, 0))} | ${level.starved} | ${num(level.udpDrops)} | ${level.grow?.raced ?? '—'} | ${num(w.loopDelayP99Ms, 1)} ms / ${num(w.loopDelayMaxMs, 1)} ms | ${num(w.decodedPerSecond)} | ${num(level.selfCpuPercent)} %, ${num(level.selfLoopDelayP99Ms, 1)} / ${num(level.selfLoopDelayMaxMs, 1)} ms | ${num(level.othersBeforePercent)} % / ${num(level.othersDuringPercent)} % |`,
    );
  }
  return rows.join('\n');
}

export function notes(config: MediaBenchConfig): string {
  return [
    '## Notes',
    '',
    '- Latency: one generated tone feeds all three paths at once (one audio source, a track per',
    '  PeerConnection), so each onset is timed on every path under the same conditions.',
    '  *Mouth* = the moment the first 10 ms frame of the tone is handed to libwebrtc (as a',
    "  microphone driver would); *ear* = the moment the receiver's RTCAudioSink delivers the",
    "  frame holding the first loud sample (≥ ¼ of the tone's peak), plus that sample's offset",
    '  in the frame; the 20 ms from there must carry ≥ 50 % of their power at the expected',
    `  frequency (tones alternate ${'440/620/880'} Hz, each after ≥ 250 ms of silence at every ear`,
    '  and a random 0–40 ms pause). Everything runs in one Node process in a network namespace',
    '  (veth 10.77.0.1/2): no network delay, so this is codec + jitter buffers + server.',
    '- (a) The other stage member publishes silence and decodes what the AudioBridge sends it',
    '  (the mix minus itself). (b) The listener watches the Streaming mountpoint fed by',
    '  `rtp_forward` of the room mix (the room is created as Salon creates it: prebuffer 2).',
    "- CPU: Janus's utime + stime from /proc/<pid>/stat over a steady window after every",
    '  listener is connected and its packet counter rises; *marginal* subtracts the idle room',
    '  (1 speaker, mixer and forwarder running, 0 listeners); *implied listeners per core* =',
    '  (1000 − idle ms/s) ÷ marginal ms per listener-second.',
    "- Audio check: the room's first listener and the last one connected at each level are",
    '  *probes*, in the bench process (next to the speaker), that decode and',
    '  keep the audio; every 100 ms block of the window must carry ≥ 50 % of its power at',
    `  ${CPU_TONE} Hz, ≥ 95 % of the window must be delivered, concealment < 1 %.`,
    '- Load generator: a separate process holding the other listeners. A libwebrtc',
    '  viewer decodes every stream it receives, sink or not (its audio device pulls them all:',
    '  ~48,000 samples/s per listener, ~1 % of a core each here), so one core cannot hold 200 of',
    "  them. The generator's listeners are therefore *wire* viewers: Janus gets the same recvonly",
    '  answer, libwebrtc is given it as `inactive`, so ICE, DTLS and SRTP run and every packet',
    '  reaches the transport (its packet rate is checked for every listener), but nothing is',
    '  decoded (inbound-rtp counters stay 0) and no RTCP receiver reports go back (measured: a',
    '  decoding viewer sends ~0.2 packets/s upstream, STUN consent included; Janus offers no',
    '  transport-cc header extension). The reference row measures the smallest level with plain',
    '  decoding viewers, to show that Janus pays the same for both.',
    '- This machine is shared with other sessions (and a hypervisor that steals time). Rows marked',
    '  ⚠ had other programs using > 10 % of the machine during the window; the latency table also',
    '  gives the server paths without the onsets the no-server baseline itself heard late (stalls',
    '  of this machine, since all paths share one process).',
    `- Knobs: BENCH_MEDIA_ONSETS (${config.onsets}), BENCH_MEDIA_LISTENERS (${config.listenerLevels.join(',')}),`,
    `  BENCH_MEDIA_WINDOW_S (${config.windowSeconds}), BENCH_MEDIA_SETTLE_S (${config.settleSeconds}),`,
    `  BENCH_MEDIA_JOIN_CONCURRENCY (${config.joinConcurrency}), BENCH_MEDIA_DECODE (${config.decode}),`,
    `  BENCH_MEDIA_REFERENCE (${config.reference ? 1 : 0}), BENCH_PIN (${config.pin ? 1 : 0}),`,
    `  BENCH_QUIET_WAIT_S (${config.quietWaitSeconds}), BENCH_MEDIA_DEADLINE_S (${config.deadlineSeconds}), BENCH_QUICK.`,
  ].join('\n');
}
