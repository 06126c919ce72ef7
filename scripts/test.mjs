#!/usr/bin/env node
// The whole test suite: typecheck, lint, unit and integration tests (SQLite
// and PostgreSQL), the web app's component tests, the browser tests (those
// that hear audio inside a network namespace), then the media tests inside
// one too. Ends with one line "N passed, N failed" over everything.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
process.chdir(root);
const only = process.argv.slice(2);
let passed = 0;
let failed = 0;

function run(label, cmd, args, options = {}) {
  console.log(`\n=== ${label}`);
  const result = spawnSync(cmd, args, {
    stdio: 'inherit',
    env: { ...process.env, ...options.env },
  });
  return result.status === 0;
}

function check(label, cmd, args) {
  if (run(label, cmd, args)) passed += 1;
  else {
    failed += 1;
    console.log(`FAILED: ${label}`);
  }
}

function findTests(dir, exclude = []) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (exclude.some((e) => full.startsWith(e))) continue;
    if (statSync(full).isDirectory()) out.push(...findTests(full, exclude));
    else if (entry.endsWith('.test.ts')) out.push(full);
  }
  return out.sort();
}

function nodeTests(label, files, { wrap = [], concurrency = 2 } = {}) {
  if (files.length === 0) return;
  const tap = path.join(mkdtempSync(path.join(tmpdir(), 'salon-tap-')), 'out.tap');
  const args = [
    '--conditions=salon-source',
    '--import',
    'tsx',
    '--test',
    // A test that hangs (a child left running, a promise never settled) fails
    // after this long instead of holding CI until its own limit.
    '--test-timeout=300000',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ];
  const [cmd, ...rest] = wrap.length
    ? [...wrap, process.execPath, ...args]
    : [process.execPath, ...args];
  const ok = run(label, cmd, rest);
  const summary = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  // The last "# pass N" of the TAP stream is the run's total.
  const count = (name) =>
    Number([...summary.matchAll(new RegExp(`^# ${name} (\\d+)$`, 'gm'))].at(-1)?.[1] ?? 0);
  const p = count('pass');
  const f = count('fail') + count('cancelled');
  passed += p;
  failed += f;
  if (!ok && f === 0) failed += 1; // the runner itself failed (crash, no summary)
}

const want = (name) => only.length === 0 || only.includes(name);

if (want('typecheck')) {
  check('typecheck', 'npx', ['tsc', '-b', 'server', 'packages/protocol']);
  check('typecheck (web app)', 'npx', ['tsc', '-p', 'web/tsconfig.json']);
  check('typecheck (browser tests)', 'npx', ['tsc', '-p', 'e2e/tsconfig.json']);
}
if (want('lint')) check('lint', 'npx', ['biome', 'check', '.']);
if (want('unit')) {
  const files = [
    ...findTests('server/src'),
    ...findTests('server/test', [path.join('server/test/media')]),
  ];
  nodeTests('unit and integration tests (SQLite and PostgreSQL)', files);
}
if (want('web')) {
  // Component tests (vitest, jsdom); the JSON report gives the counts.
  const report = path.join(mkdtempSync(path.join(tmpdir(), 'salon-vitest-')), 'report.json');
  const ok = run('web app component tests (vitest)', 'npx', [
    'vitest',
    'run',
    '--root',
    'web',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ]);
  const summary = existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : null;
  const p = summary?.numPassedTests ?? 0;
  const f = summary?.numFailedTests ?? 0;
  passed += p;
  failed += f;
  if (!ok && f === 0) failed += 1; // a file that failed to load, or the runner itself
}
// The browser tests drive the built app as the server serves it, so build it first (once).
let webBuilt = null;
function buildWeb() {
  if (webBuilt === null) {
    webBuilt = run('build the web app', 'npm', ['run', 'build', '-w', 'web']);
    if (!webBuilt) {
      failed += 1;
      console.log('FAILED: build the web app');
    }
  }
  return webBuilt;
}
// e2e/audio*.test.ts need real media, so they run in the namespace (step e2e-audio).
const AUDIO_E2E = path.join('e2e', 'audio');
if (want('e2e') && buildWeb()) {
  nodeTests('browser tests (Debian Chromium, real server)', findTests('e2e', [AUDIO_E2E]), {
    concurrency: 1,
  });
}
if (want('e2e-audio') && buildWeb()) {
  const files = findTests('e2e').filter((file) => file.startsWith(AUDIO_E2E));
  nodeTests('browser audio tests (Chromium hears the stage, in a network namespace)', files, {
    wrap: ['bash', 'scripts/netns-run.sh', '--'],
    concurrency: 1,
  });
}
if (want('media')) {
  const files = findTests('server/test/media');
  nodeTests('media tests (real Janus and WebRTC peers, in a network namespace)', files, {
    wrap: ['bash', 'scripts/netns-run.sh', '--'],
    concurrency: 1,
  });
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
