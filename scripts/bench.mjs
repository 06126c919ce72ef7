#!/usr/bin/env node
// Runs the benchmarks: every bench/<name>/run.ts, or only those named as
// arguments (`npm run bench realtime`). Not part of the test suite: benches
// are slow and their numbers depend on the machine. Each bench runs with the
// open-file limit raised to the hard limit (up to 65536), since load tests
// hold a descriptor per simulated client. Exits non-zero if any bench failed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const benchDir = path.join(root, 'bench');
const available = existsSync(benchDir)
  ? readdirSync(benchDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(path.join(benchDir, d.name, 'run.ts')))
      .map((d) => d.name)
      .sort()
  : [];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(
    `unknown bench: ${unknown.join(', ')} (available: ${available.join(', ') || 'none'})`,
  );
  process.exit(2);
}
const names = wanted.length > 0 ? wanted : available;
if (names.length === 0) {
  console.error('no benches found (bench/<name>/run.ts)');
  process.exit(2);
}

// The soft limit may rise up to the hard one without privileges; asking for
// more than the hard limit would fail, so ask for the smaller of the two.
const raiseLimit =
  'h=$(ulimit -Hn); if [ "$h" = unlimited ] || [ "$h" -gt 65536 ]; then h=65536; fi; ulimit -n "$h"';

const failed = [];
for (const name of names) {
  console.log(`\n=== bench ${name}`);
  const entry = path.join('bench', name, 'run.ts');
  const result = spawnSync(
    'bash',
    [
      '-c',
      `${raiseLimit}; exec "$@"`,
      'bench',
      process.execPath,
      '--conditions=salon-source',
      '--import',
      'tsx',
      entry,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.status !== 0) {
    failed.push(name);
    console.log(`FAILED: bench ${name} (exit ${result.status ?? result.signal})`);
  }
}

console.log(`\n${names.length - failed.length} benches ran, ${failed.length} failed`);
process.exit(failed.length === 0 ? 0 : 1);
