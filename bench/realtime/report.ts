/**
 * The results as a markdown table (metric | Salon | bare ws | goal), with
 * the goals of issue 3 checked against Salon's figures.
 */
import type { BenchConfig } from './config.js';
import type { GeneratorUsage } from './messages.js';
import type { Usage } from './proc.js';
import type { Summary } from './stats.js';
import type { SaturationRound, TargetResult } from './target.js';

const WINDOW_MS = 250;

const num = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '—';
const ms = (n: number) => `${num(n, n < 10 ? 1 : 0)} ms`;
const p50p99 = (s: Summary | null | undefined) => (s ? `${ms(s.p50)} / ${ms(s.p99)}` : 'n/a');
const mb = (bytes: number) => `${num(bytes / 2 ** 20)} MB`;
const pct = (n: number) => `${num(n)} %`;
const mark = (ok: boolean) => (ok ? ' ✅' : ' ❌');
const reasons = (r: Record<string, number>) =>
  Object.entries(r)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');

/** What the rest of the machine used: all CPU time minus the server's and the generator's. */
const other = (server: Usage | null, generator: GeneratorUsage | null) =>
  server && generator
    ? pct(Math.max(0, server.machinePercent - server.cpuPercent - generator.cpuPercent))
    : 'n/a';

/** The saturation round with the median throughput; rounds alternate servers, so noise hits both. */
function median(r: TargetResult): SaturationRound | null {
  const sorted = [...r.saturation].sort(
    (a, b) => a.result.deliveredPerSecond - b.result.deliveredPerSecond,
  );
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? null;
}

type Row = [metric: string, cell: (r: TargetResult) => string, goal: string];

export function renderTable(config: BenchConfig, results: TargetResult[]): string {
  const salon = results.find((r) => r.target === 'salon');
  const bare = results.find((r) => r.target === 'bare');
  const ratio =
    salon && bare ? salon.fanout.deliveredPerSecond / bare.fanout.deliveredPerSecond : NaN;
  const capacity = (r: TargetResult) =>
    r.fanout.deliveredPerSecond / (r.fanoutUsage.cpuPercent / 100);
  const capacityRatio = salon && bare ? capacity(salon) / capacity(bare) : NaN;
  const ideal = config.fanoutListeners * (1000 / WINDOW_MS);

  const saturated = (r: TargetResult) => median(r)?.result.deliveredPerSecond ?? NaN;
  const perCpu = (r: TargetResult) => saturated(r) / ((median(r)?.usage.cpuPercent ?? NaN) / 100);
  const saturationRatio = salon && bare ? saturated(salon) / saturated(bare) : NaN;
  const joinGoalOk =
    !!salon && salon.join.failed === 0 && salon.join.seconds <= 10 * (config.joins / 10_000);
  const rows: Row[] = [
    ['**Join phase**', () => '', ''],
    ['Listeners joined / attempted', (r) => `${num(r.join.joined)} / ${num(r.join.attempted)}`, ''],
    [
      'Join failures',
      (r) => (r.join.failed ? `${num(r.join.failed)} (${reasons(r.join.failures)})` : '0'),
      `0${salon ? mark(salon.join.failed === 0) : ''}`,
    ],
    [
      'Join phase duration',
      (r) => `${num(r.join.seconds, 2)} s`,
      `10,000 in ≤ 10 s${salon ? mark(joinGoalOk) : ''}`,
    ],
    ['Join rate', (r) => `${num(r.join.attempted / r.join.seconds)} joins/s`, '≥ 1,000 joins/s'],
    ['Join latency p50 / p99 (connect → snapshot)', (r) => p50p99(r.join.latencyMs), ''],
    ['Snapshot size', (r) => `${num(r.join.snapshotBytes)} B`, ''],
    ['Other messages received while joining', (r) => num(r.join.otherMessages), ''],
    ['Server CPU, join phase (% of one core)', (r) => pct(r.joinUsage.cpuPercent), ''],
    ['Server RSS max, join phase', (r) => mb(r.joinUsage.rssMaxBytes), ''],
    [
      'Server memory per connection',
      (r) => `${num((r.joinUsage.rssEndBytes - r.idleRssBytes) / r.join.joined / 1024, 1)} KB`,
      '',
    ],
    ['**Fan-out phase**', () => '', ''],
    [
      'Listeners subscribed / sampled',
      (r) => `${num(r.fanout.listeners)} / ${num(r.fanout.sampled)}`,
      '',
    ],
    [
      'Reactions sent (refused)',
      (r) =>
        `${num(r.fanout.reactionsSent)} (${reasons(r.fanout.reactionErrors) || 0}) in ${num(r.fanout.seconds, 1)} s`,
      '',
    ],
    [
      `Reaction → aggregated message p50 / p99 (includes the ≤ ${WINDOW_MS} ms window)`,
      (r) => p50p99(r.fanout.deliveryMs),
      'window by design',
    ],
    [
      'Broadcast lag p50 / p99: aggregated event delivery (first sampled arrival → this arrival)',
      (r) => p50p99(r.fanout.fanoutLagMs),
      `p99 ≤ 250 ms${salon ? mark(salon.fanout.fanoutLagMs.p99 <= 250) : ''}`,
    ],
    [
      'Broadcast spread p99 (first → last sampled arrival of one message)',
      (r) => ms(r.fanout.spreadMs.p99),
      '',
    ],
    [
      '`reactions` messages delivered per second (all listeners)',
      (r) => `${num(r.fanout.deliveredPerSecond)} /s`,
      `ideal ${num(ideal)} /s`,
    ],
    ['All messages delivered per second', (r) => `${num(r.fanout.allMessagesPerSecond)} /s`, ''],
    [
      'Fan-out throughput vs bare, at this offered load',
      (r) => (r.target === 'salon' ? `${num(ratio, 2)}×` : '1.00×'),
      'see saturation',
    ],
    [
      'Sampled completeness (reactions seen / accepted)',
      (r) => pct(r.fanout.completeness),
      '100 %',
    ],
    ['Server CPU, fan-out phase (% of one core)', (r) => pct(r.fanoutUsage.cpuPercent), ''],
    [
      'Server CPU per delivered message',
      (r) => `${num((r.fanoutUsage.cpuPercent / 100 / r.fanout.deliveredPerSecond) * 1e6, 1)} µs`,
      '',
    ],
    [
      'Fan-out capacity estimate (messages per CPU-second), vs bare',
      (r) =>
        `${num(capacity(r))} /s` +
        (r.target === 'salon' && bare ? ` (${num(capacityRatio, 2)}×)` : ''),
      '',
    ],
    ['Server RSS max, fan-out phase', (r) => mb(r.fanoutUsage.rssMaxBytes), ''],
    ['Connections dropped', (r) => num(r.fanout.dropped), '0'],
    ['**Events phase: the same, plus space edits over HTTP (Salon only)**', () => '', ''],
    [
      'Space edits sent (failed)',
      (r) => (r.events ? `${num(r.events.editsSent)} (${num(r.events.editErrors)})` : 'n/a'),
      '',
    ],
    [
      'Space event (HTTP edit → listeners) p50 / p99, not aggregated',
      (r) => p50p99(r.events?.eventDeliveryMs),
      salon?.events?.eventDeliveryMs
        ? `p99 ≤ 250 ms${mark(salon.events.eventDeliveryMs.p99 <= 250)}`
        : 'p99 ≤ 250 ms',
    ],
    [
      'Space edit HTTP response p50 / p99 (SQLite commit included)',
      (r) => p50p99(r.events?.editResponseMs),
      '',
    ],
    [
      'Reaction → aggregated message p50 / p99, with edits',
      (r) => p50p99(r.events?.deliveryMs),
      '',
    ],
    [
      'All messages delivered per second, with edits',
      (r) => (r.events ? `${num(r.events.allMessagesPerSecond)} /s` : 'n/a'),
      '',
    ],
    [
      'Server CPU, events phase (% of one core)',
      (r) => (r.eventsUsage ? pct(r.eventsUsage.cpuPercent) : 'n/a'),
      '',
    ],
    ['Connections dropped', (r) => (r.events ? num(r.events.dropped) : 'n/a'), '0'],
    [
      `**Saturation: same audience, windows of ${config.saturationWindowMs} ms, ${config.saturationReactionsPerSecond} reactions/s**`,
      () => '',
      '',
    ],
    [
      'Fan-out throughput at saturation, median round (all rounds)',
      (r) =>
        r.saturation.length
          ? `${num(saturated(r))} /s (${r.saturation.map((x) => num(x.result.deliveredPerSecond)).join(', ')})`
          : 'not run',
      '',
    ],
    [
      'Fan-out throughput at saturation vs bare',
      (r) => (r.target === 'salon' ? `${num(saturationRatio, 2)}×` : '1.00×'),
      `≥ 0.8×${Number.isFinite(saturationRatio) ? mark(saturationRatio >= 0.8) : ''}`,
    ],
    [
      'Delivered per server CPU-second at saturation, vs bare (robust to CPU stolen by others)',
      (r) =>
        r.saturation.length
          ? `${num(perCpu(r))} /s` +
            (r.target === 'salon' && bare ? ` (${num(perCpu(r) / perCpu(bare), 2)}×)` : '')
          : 'n/a',
      '',
    ],
    [
      'Server CPU, saturation (% of one core)',
      (r) => (median(r) ? pct(median(r)!.usage.cpuPercent) : 'n/a'),
      '≈ 100 %',
    ],
    [
      'Sampled completeness, saturation',
      (r) => (median(r) ? pct(median(r)!.result.completeness) : 'n/a'),
      '100 %',
    ],
    [
      'Reaction → aggregated message p50 / p99, saturation',
      (r) => p50p99(median(r)?.result.deliveryMs),
      '',
    ],
    [
      'Generator CPU, saturation (% of one core)',
      (r) => (median(r) ? pct(median(r)!.result.cpuPercent) : 'n/a'),
      '< 100 %',
    ],
    ['**Load generator (core 1) and machine**', () => '', ''],
    [
      'Generator CPU join / fan-out (% of one core)',
      (r) => `${pct(r.join.cpuPercent)} / ${pct(r.fanout.cpuPercent)}`,
      '< 100 %',
    ],
    [
      'Generator event-loop delay p99 join / fan-out',
      (r) => `${ms(r.join.loopDelayP99Ms)} / ${ms(r.fanout.loopDelayP99Ms)}`,
      '',
    ],
    [
      'Other processes’ CPU during join / fan-out / events / saturation (% of one core)',
      (r) =>
        [
          other(r.joinUsage, r.join),
          other(r.fanoutUsage, r.fanout),
          other(r.eventsUsage, r.events),
          other(median(r)?.usage ?? null, median(r)?.result ?? null),
        ].join(' / '),
      '≈ 0 %',
    ],
  ];

  const columns = (['salon', 'bare'] as const).map((t) => results.find((r) => r.target === t));
  const lines = ['| metric | Salon | bare ws | goal |', '|---|---|---|---|'];
  for (const [metric, cell, goal] of rows) {
    const cells = columns.map((r) => (r ? cell(r) : 'not run'));
    lines.push(`| ${metric} | ${cells.join(' | ')} | ${goal} |`);
  }
  return lines.join('\n');
}

/** How to read the table: what each latency includes, and what could skew it. */
export const NOTES = `## Reading the figures

- **Join latency**: from starting the WebSocket connect to receiving the snapshot, as the
  generator sees it; at most BENCH_JOIN_CONCURRENCY joins are in flight. Salon also sends
  every subscriber a \`counts\` message per window while people join ("Other messages
  received while joining"); the generator has to read those too, which shows as its
  event-loop delay.
- **Reaction → aggregated message**: from sending a reaction to receiving the \`reactions\`
  message that counts it. Reactions wait for the end of their ${WINDOW_MS} ms window by design,
  so about half a window is the floor of the median and a whole window the floor of the p99.
  This is what a listener sees of someone else's tap; the event delivery goal (p99 ≤ 250 ms)
  is checked on the two rows that time delivery itself: the broadcast lag of the aggregated
  messages and the unaggregated space event.
- **Broadcast lag / spread**: the time one message takes to reach every sampled listener,
  counted from its first sampled arrival: the cost of the fan-out loop itself, without the
  window (the server's flush instant cannot be seen from outside; the first arrival is a
  close upper bound of it). It includes the generator's own receive time.
- **Space event**: the host edits the title over HTTP (one SQLite commit) and every
  listener gets an \`event\`; not aggregated, timed from the start of the HTTP request.
- **Saturation**: fresh servers with a very short window, so they broadcast back to back;
  messages delivered per second is then the fan-out capacity, not the offered load. Salon
  gets the short window through createServer's \`windowMs\` option. Rounds alternate
  Salon and bare and the median round is shown, so that a neighbour's burst of CPU use
  does not decide the ratio.
- **Other processes' CPU**: the machine's busy time minus the server's and the generator's.
  Anything well above 0 % means another program competed for the two cores, and the
  figures of that phase are pessimistic.
`;
