/**
 * The bench itself, run inside the network namespace by run.ts: Janus as
 * Salon runs it, one stage (AudioBridge room → rtp_forward → Streaming
 * mountpoint), the latency phase, then the CPU phase; prints the tables and
 * writes bench/results/media-<date>.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { Stage, startJanus } from '../../server/test/media/support/stage.js';
import { loadConfig } from './config.js';
import { type BenchSpeaker, measureLatency } from './latency.js';
import { type CpuResult, measureCpu } from './load.js';
import { affinity, coreTicks, coreUse, waitForQuiet } from './proc.js';
import { notes, renderCpu, renderGenerator, renderLatency, renderThreads } from './report.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const config = loadConfig();
const log = (line: string) => console.log(`[bench/media] ${line}`);

// Bounded: whatever happens, the run ends. The namespace's PID 1 then takes
// Janus and the generator with it.
const deadline = setTimeout(() => {
  console.error(`bench/media: over the ${config.deadlineSeconds} s deadline, giving up`);
  process.exit(1);
}, config.deadlineSeconds * 1000);
deadline.unref();

function version(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 5_000 }).trim();
  } catch {
    return 'unknown';
  }
}

/** The installed version of a Debian package (`janus --version` exits 1). */
function debianVersion(name: string): string {
  return version('dpkg-query', ['-W', name]).split('\t')[1] ?? 'unknown';
}

function wrtcVersion(): string {
  try {
    const file = path.join(ROOT, 'node_modules/@roamhq/wrtc/package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    return '?';
  }
}

/** The generated janus.jcfg settings that bear on CPU per listener. */
function janusSettings(dir: string): string {
  const text = readFileSync(path.join(dir, 'janus.jcfg'), 'utf8');
  return ['event_loops', 'twcc_period']
    .map((key) => `${key} = ${new RegExp(`^\\s*${key} = (.+)$`, 'm').exec(text)?.[1] ?? 'unset'}`)
    .join(', ');
}

/** The libsrtp2 file the running Janus mapped, and the crypto library it uses. */
function libsrtpInUse(pid: number): string {
  const maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
  const file = /\s(\/\S*libsrtp2\.so[^\s]*)$/m.exec(maps)?.[1];
  if (!file) return 'none mapped';
  const libs = version('ldd', [file]);
  const crypto = /libnss3/.test(libs) ? 'NSS' : /libcrypto/.test(libs) ? 'OpenSSL' : 'built-in';
  return `${file} (${crypto})`;
}

const now = new Date();
log(
  `${config.onsets} onsets; listeners ${config.listenerLevels.join(', ')}; ` +
    `${config.windowSeconds} s windows${config.quick ? '; QUICK' : ''}`,
);

// The experiment knob: the system's libsrtp2 instead of the one Salon would pick.
const janus = await startJanus(config.libsrtp === 'system' ? { libsrtpDir: null } : {});
const janusSettingsText = janusSettings(janus.dir);
const libsrtpUsed = janus.pid === undefined ? 'unknown' : libsrtpInUse(janus.pid);
let stage: Stage | undefined;
let speaker: BenchSpeaker | undefined;
let cpu: CpuResult | undefined;
let latencyTable = '';
let failure: unknown;
try {
  const janusPid = janus.pid;
  if (janusPid === undefined) throw new Error('Janus has no PID');
  stage = await Stage.open(janus);
  log(`Janus pid ${janusPid}, room ${stage.room}, mountpoint ${stage.mountpoint.id}`);

  const othersBefore = await waitForQuiet(config.quietWaitSeconds * 1000, [process.pid, janusPid]);
  log(`other programs before the latency phase: ${othersBefore.toFixed(0)} % of all cores`);
  const cores0 = coreTicks();
  const latency = await measureLatency(stage, config.onsets, config.rounds, log, config.prebuffer);
  const during = coreUse(cores0, coreTicks());
  speaker = latency.speaker;
  latencyTable =
    renderLatency(latency.result) +
    `\n\nMachine during the latency phase (everything, not only this bench): ` +
    during
      .map(
        (c, i) =>
          `core ${i} ${c.busy.toFixed(0)} % busy, ${c.steal.toFixed(0)} % stolen by the host`,
      )
      .join('; ') +
    '.';
  console.log(`\n${latencyTable}\n`);

  cpu = await measureCpu({
    janusPid,
    janusUrl: janus.url,
    apiSecret: janus.apiSecret,
    stage,
    speaker,
    config,
    log,
  });
  log(`Janus affinity ${affinity(janusPid)}, this process ${affinity(process.pid)}`);
} catch (error) {
  failure = error;
  console.error('bench/media failed:', error);
} finally {
  await speaker?.close().catch(() => undefined);
  await stage?.close().catch(() => undefined);
  await janus.close();
}

const top = cpu?.levels.filter((l) => l.listeners > 0).at(-1);
const sections = [
  '## Mouth-to-ear latency (tone onset)',
  '',
  latencyTable || '(not measured)',
  '',
  `## Janus CPU per WebRTC listener (1 speaker, one room${cpu?.pinned ? '; Janus on core 0, load generator on core 1, speaker and probes unpinned' : '; not pinned'})`,
  '',
  cpu ? renderCpu(cpu) : '(not measured)',
  ...(cpu?.stoppedEarly ? ['', `Stopped early: ${cpu.stoppedEarly}.`] : []),
  '',
  ...(top ? [renderThreads(top), ''] : []),
  ...(cpu ? ['Load generator and machine:', '', renderGenerator(cpu), ''] : []),
];
const header = [
  `# Media bench, ${now.toISOString()}`,
  '',
  `- ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, Node ${process.version}, ` +
    `Janus ${debianVersion('janus')}, @roamhq/wrtc ${wrtcVersion()}, libsrtp2 ${debianVersion('libsrtp2-1')}`,
  `- Stage participants' prebuffer: ${config.prebuffer === undefined ? "the room's (2, as Salon creates rooms)" : `${config.prebuffer} (experiment, per participant)`}`,
  `- Janus config: as Salon generates it (${janusSettingsText}); libsrtp2 loaded: ${libsrtpUsed}`,
  `- ${config.onsets} onsets per path over ${config.rounds} fresh joins; listener levels ${config.listenerLevels.join(', ')}; ` +
    `${config.windowSeconds} s CPU windows${config.quick ? '; QUICK mode' : ''}` +
    `; machine load average at the end: ${version('cat', ['/proc/loadavg']).split(' ').slice(0, 3).join(' ')}`,
  '',
].join('\n');
const body = sections.join('\n');
const markdown = `${header}\n${body}\n${notes(config)}\n`;
console.log(`\n${body}`);
const dir = path.join(ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
const file = path.join(
  dir,
  `media-${now.toISOString().slice(0, 10)}${config.libsrtp === 'system' ? '-libsrtp-system' : ''}` +
    `${config.prebuffer === undefined ? '' : `-prebuffer-${config.prebuffer}`}${config.quick ? '-quick' : ''}.md`,
);
writeFileSync(file, markdown);
log(`written to ${path.relative(ROOT, file)}`);
clearTimeout(deadline);
process.exit(failure === undefined ? 0 : 1);
