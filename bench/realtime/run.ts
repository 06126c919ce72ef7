/**
 * bench/realtime: N WebSocket listeners (a separate, pinned process) join one
 * live space, then reactions flow to a smaller audience; the same load runs
 * against a bare `ws` broadcast server for a baseline. Prints a markdown
 * table and writes it to bench/results/realtime-<date>.md.
 *
 * Run with `npm run bench realtime` (which raises the descriptor limit).
 * Knobs (env) are listed in config.ts and README.md; BENCH_QUICK=1 is a
 * smoke run of under a minute.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { canPin, ROOT } from './children.js';
import { loadBenchConfig } from './config.js';
import { summarizeProfiles } from './profile.js';
import { NOTES, renderTable } from './report.js';
import { profileDirFor } from './session.js';
import { benchSaturation, benchTarget, type TargetResult } from './target.js';

const config = loadBenchConfig();

// Server and generator each hold one descriptor per listener, plus slack.
const fdLimit = Number(execFileSync('bash', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
if (Number.isFinite(fdLimit) && fdLimit < config.joins + 1024) {
  console.error(
    `bench/realtime: the open-file limit is ${fdLimit}, too low for ${config.joins} listeners; ` +
      'run it through `npm run bench` (which raises it) or lower BENCH_JOINS.',
  );
  process.exit(1);
}

const now = new Date();
const date = now.toISOString().slice(0, 10);
const stamp = now.toISOString().slice(0, 19).replace(/:/g, '');
const pinned = config.pin && canPin;
console.log(
  `bench/realtime: ${config.joins} joins (${config.joinConcurrency} in flight), ` +
    `${config.fanoutListeners} fan-out listeners, ${config.reactionsPerSecond} reactions/s for ` +
    `${config.seconds} s; ${pinned ? 'server on core 0, generator on core 1' : 'not pinned'}`,
);

const results: TargetResult[] = [];
for (const target of config.targets) {
  console.log(`\n--- ${target}`);
  const salon = results.find((r) => r.target === 'salon');
  const result = await benchTarget(target, config, stamp, salon?.join.snapshotBytes ?? null);
  results.push(result);
  const { join, fanout } = result;
  console.log(
    `joined ${join.joined}/${join.attempted} in ${join.seconds.toFixed(2)} s, ` +
      `join p99 ${join.latencyMs.p99.toFixed(1)} ms; fan-out ${fanout.deliveredPerSecond.toFixed(0)} msg/s, ` +
      `delivery p99 ${fanout.deliveryMs.p99.toFixed(1)} ms`,
  );
}

// Saturation rounds alternate between the servers; only the first round is profiled.
const snapshotBytes = results.find((r) => r.target === 'salon')?.join.snapshotBytes ?? null;
for (let round = 1; config.saturationWindowMs > 0 && round <= config.saturationRounds; round++) {
  for (const result of results) {
    const profileDir =
      round === 1 ? profileDirFor(config, stamp, `${result.target}-saturation`) : null;
    if (profileDir) result.profileDirs.push(profileDir);
    const { result: r, usage } = await benchSaturation(
      result.target,
      config,
      profileDir,
      result.target === 'bare' ? snapshotBytes : null,
    );
    result.saturation.push({ result: r, usage });
    console.log(
      `saturation round ${round}, ${result.target}: ${r.deliveredPerSecond.toFixed(0)} msg/s ` +
        `at ${usage.cpuPercent.toFixed(0)} % server CPU`,
    );
  }
}

const table = renderTable(config, results);
const header = [
  `# Realtime bench, ${now.toISOString()}`,
  '',
  `- ${config.joins} joins, at most ${config.joinConcurrency} in flight; ` +
    `${config.fanoutListeners} listeners for fan-out, ${config.reactionsPerSecond} reactions/s ` +
    `for ${config.seconds} s, ${config.sample} sampled listeners, ` +
    `${config.editsPerSecond} space edits/s (Salon)${config.quick ? '; QUICK mode' : ''}`,
  `- ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, Node ${process.version}; ` +
    (pinned ? 'server pinned to core 0, generator to core 1' : 'processes not pinned'),
  '- Salon: embedded default (SQLite, in-process bus), logging silent.',
  '',
].join('\n');
const phaseNames = (dir: string) =>
  dir.endsWith('-saturation')
    ? ['saturation phase']
    : ['join phase', 'fan-out phase', 'events phase'];
const profiles = results
  .flatMap((r) => r.profileDirs)
  .map(
    (dir) =>
      `\n## CPU profile, ${path.basename(dir)} (phases only)\n\n${summarizeProfiles(dir, phaseNames(dir))}`,
  )
  .join('\n');

const markdown = `${header}\n${table}\n\n${NOTES}${profiles}`;
console.log(`\n${table}\n${profiles}`);
const dir = path.join(ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `realtime-${date}${config.quick ? '-quick' : ''}.md`);
writeFileSync(file, `${markdown}\n`);
console.log(`\nwritten to ${path.relative(ROOT, file)}`);
