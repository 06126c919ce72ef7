/**
 * bench/media, paired mode (BENCH_MEDIA_PAIRED set): is Janus configured
 * one way (B) cheaper per WebRTC listener than as Salon configures it (A)?
 *
 * Sequential runs of the main bench differ by ±10 % from one another on this
 * shared machine, more than most settings change. So both Janus run at once,
 * pinned to the same core, each with the same number of wire listeners (one
 * generator each, on the other core), fed by one AudioBridge room whose mix
 * is forwarded to both mountpoints: every packet reaches both at the same
 * instant and each window's noise hits both alike. The room lives on one of
 * them, so this runs twice, the room on A, then on B, and each side's idle
 * cost (measured at the same time, before any listener) is subtracted.
 * Measured A against an identical A: the ratio stays within ±5 %.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Stage, startJanus } from '../../server/test/media/support/stage.js';
import { Mouth } from './audio.js';
import { loadConfig } from './config.js';
import type { FromGenerator } from './ipc.js';
import { CPU_TONE, Generator } from './load.js';
import { StagePeer, StreamListener } from './peers.js';
import { cpuMs, pinAllThreads } from './proc.js';

type Window = Extract<FromGenerator, { type: 'window' }>;

const ROOT = path.resolve(import.meta.dirname, '../..');
const log = (line: string) => console.log(`[bench/media paired] ${line}`);
const config = loadConfig();
const spec = process.env['BENCH_MEDIA_PAIRED']?.trim() ?? '';
const listeners = Number(process.env['BENCH_MEDIA_PAIRED_LISTENERS'] ?? 100);
const windows = Number(process.env['BENCH_MEDIA_PAIRED_WINDOWS'] ?? 6);

/** `section.key=value;…;libsrtp=system` → settings for janus-set.sh, and the libsrtp choice. */
function parseSpec(text: string): { settings: string[]; systemLibsrtp: boolean } {
  const parts = text
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean);
  const settings = parts.filter((part) => part !== 'libsrtp=system');
  for (const setting of settings) {
    if (!/^[a-z_]+\.[a-z_0-9]+=[^\n"]+$/.test(setting)) {
      throw new Error(
        `BENCH_MEDIA_PAIRED: "${setting}" is not section.key=value or libsrtp=system`,
      );
    }
  }
  return { settings, systemLibsrtp: parts.includes('libsrtp=system') };
}

interface Side {
  name: 'A' | 'B';
  janus: Awaited<ReturnType<typeof startJanus>>;
  stage: Stage;
  dir: string;
  generator?: Generator;
}

async function startSide(name: 'A' | 'B', text: string): Promise<Side> {
  const { settings, systemLibsrtp } = parseSpec(text);
  const dir = await mkdtemp(path.join(os.tmpdir(), `salon-paired-${name}-`));
  await writeFile(path.join(dir, 'bench-janus-settings'), settings.join('\n'));
  const janus = await startJanus({
    workDir: dir,
    binary: path.join(import.meta.dirname, 'janus-set.sh'),
    ...(systemLibsrtp ? { libsrtpDir: null } : {}),
  });
  return { name, janus, stage: await Stage.open(janus), dir };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** One round: the room on `host`, both mountpoints fed by its mix. */
async function round(host: 'A' | 'B'): Promise<{ a: number[]; b: number[]; idle: number[] }> {
  const mouth = new Mouth(CPU_TONE);
  const sides = [await startSide('A', ''), await startSide('B', spec)];
  const probes: StreamListener[] = [];
  let speaker: StagePeer | undefined;
  try {
    const [roomSide, other] = host === 'A' ? sides : [sides[1]!, sides[0]!];
    // The other side's own room and forwarder go: one mix feeds both.
    await other!.stage.bridge.stopRtpForward(other!.stage.room, other!.stage.forwarder);
    await other!.stage.bridge.destroyRoom(other!.stage.room);
    await roomSide!.stage.bridge.rtpForward(roomSide!.stage.room, {
      host: '127.0.0.1',
      port: other!.stage.mountpoint.port,
    });
    speaker = await StagePeer.join({
      session: roomSide!.stage.session,
      room: roomSide!.stage.room,
      id: 1,
      track: mouth.track(),
      hear: false,
    });
    const pin = () => {
      for (const side of sides) pinAllThreads(side.janus.pid!, 0);
    };
    const measure = async (): Promise<number[]> => {
      pin();
      const before = sides.map((side) => cpuMs(side.janus.pid!));
      const t0 = performance.now();
      await sleep(config.windowSeconds * 1000);
      const seconds = (performance.now() - t0) / 1000;
      return sides.map((side, i) => (cpuMs(side.janus.pid!) - before[i]!) / seconds);
    };
    await sleep(2_000);
    const idle = await measure();
    for (const side of sides) {
      side.generator = await Generator.start(true);
      await side.generator.request(
        {
          type: 'init',
          url: side.janus.url,
          apiSecret: side.janus.apiSecret,
          mountpoint: side.stage.mountpoint.id,
          concurrency: config.joinConcurrency,
          mode: 'wire',
        },
        'ready',
        30_000,
      );
    }
    // Grow both alike, a step at a time, so the loops fill the same way.
    for (let count = Math.min(25, listeners - 1); ; count = Math.min(count + 25, listeners - 1)) {
      for (const side of sides) {
        const grown = await side.generator!.request(
          { type: 'grow', count },
          'grown',
          60_000 + count * 1_000,
        );
        if (grown.failed) log(`${side.name}: ${grown.failed} failed to connect (${grown.error})`);
      }
      if (count >= listeners - 1) break;
    }
    for (const side of sides) {
      probes.push(
        await StreamListener.watch({
          session: side.stage.session,
          mountpoint: side.stage.mountpoint.id,
          mode: 'ear',
        }),
      );
    }
    await sleep(config.settleSeconds * 1000);
    const a: number[] = [];
    const b: number[] = [];
    for (let w = 0; w < windows; w++) {
      for (const side of sides)
        await side.generator!.request({ type: 'windowStart' }, 'ready', 60_000);
      for (const probe of probes) probe.ear!.startCheck(CPU_TONE);
      const used = await measure();
      const checks = probes.map((probe) => probe.ear!.endCheck());
      const got: Window[] = [];
      for (const side of sides)
        got.push(await side.generator!.request({ type: 'windowEnd' }, 'window', 60_000));
      const per = used.map((ms, i) => (ms - idle[i]!) / (got[i]!.listeners + 1));
      a.push(per[0]!);
      b.push(per[1]!);
      log(
        `room on ${host}, window ${w + 1}: A ${per[0]!.toFixed(3)}, B ${per[1]!.toFixed(3)} ms per listener-second ` +
          `(B/A ${(per[1]! / per[0]!).toFixed(3)}); min packets/s ${got.map((x) => Math.min(...x.pps).toFixed(1)).join(' / ')}; ` +
          `probes ${checks.map((c) => (c ? `${c.toneBlocks}/${c.blocks}` : '—')).join(' / ')}`,
      );
    }
    return { a, b, idle };
  } finally {
    await Promise.allSettled(probes.map((probe) => probe.close()));
    await Promise.allSettled(sides.map((side) => side.generator?.close()));
    await speaker?.close().catch(() => undefined);
    mouth.stop();
    for (const side of sides) {
      await side.stage.close().catch(() => undefined);
      await side.janus.close();
      await rm(side.dir, { recursive: true, force: true });
    }
  }
}

const deadline = setTimeout(() => {
  console.error(`bench/media paired: over the ${config.deadlineSeconds} s deadline, giving up`);
  process.exit(1);
}, config.deadlineSeconds * 1000);
deadline.unref();

parseSpec(spec); // fail fast
log(
  `B = Salon's Janus with "${spec}"; ${listeners} listeners each; ${windows} × ${config.windowSeconds} s`,
);
const rows: string[] = [];
const ratios: number[] = [];
for (const host of ['A', 'B'] as const) {
  const { a, b, idle } = await round(host);
  const ratio = median(a.map((x, i) => b[i]! / x));
  ratios.push(ratio);
  rows.push(
    `| ${host} | ${idle.map((x) => x.toFixed(0)).join(' / ')} | ${median(a).toFixed(3)} | ${median(b).toFixed(3)} | ${ratio.toFixed(3)} |`,
  );
}
const markdown = [
  `# Media bench, paired, ${new Date().toISOString()}`,
  '',
  `A: Janus as Salon generates it. B: the same with \`${spec}\`. Both on core 0 at once, ${listeners} WebRTC wire listeners each (generators on core 1), one room's mix forwarded to both; ${windows} windows of ${config.windowSeconds} s per round.`,
  '',
  '| room on | idle A / B (ms/s) | A: ms per listener-second (median) | B | B / A (median of windows) |',
  '|---|---|---|---|---|',
  ...rows,
  '',
  `B / A, mean of the two rounds: **${((ratios[0]! + ratios[1]!) / 2).toFixed(3)}** (A against an identical A stays within ±5 %).`,
  '',
].join('\n');
console.log(`\n${markdown}`);
await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
const file = path.join(
  ROOT,
  'bench/results',
  `media-paired-${new Date().toISOString().slice(0, 10)}.md`,
);
await writeFile(file, markdown);
log(`written to ${path.relative(ROOT, file)}`);
clearTimeout(deadline);
process.exit(0);
