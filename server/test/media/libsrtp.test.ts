import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { resolveLibsrtpDir } from '../../src/media/janus-process.js';
import { cleanups } from './support/cleanup.js';
import { startJanus } from './support/stage.js';

// Janus can load libsrtp2 from a folder of our choice (the OpenSSL build of
// scripts/build-libsrtp.sh): check that the running Janus maps that file.

const TIMEOUT = { timeout: 60_000 };

/** The libsrtp2 files the process has mapped. */
async function mappedLibsrtp(pid: number): Promise<string[]> {
  const maps = await readFile(`/proc/${pid}/maps`, 'utf8');
  const files = maps
    .split('\n')
    .map((line) => line.split(/\s+/).slice(5).join(' '))
    .filter((file) => /\/libsrtp2\.so/.test(file));
  return [...new Set(files)];
}

test('Janus loads libsrtp2 from the folder it is given, or the system one', TIMEOUT, async (t) => {
  const defer = cleanups(t);
  const system = await startJanus({ libsrtpDir: null });
  defer(() => system.close());
  assert.equal(system.libsrtpDir, null);
  const [systemFile] = await mappedLibsrtp(system.pid!);
  assert.ok(systemFile, 'Janus maps a libsrtp2');

  // A folder of our own holding a copy of the same library.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'salon-libsrtp-'));
  defer(() => rm(dir, { recursive: true, force: true }));
  await copyFile(systemFile, path.join(dir, 'libsrtp2.so.1'));
  const own = await startJanus({ libsrtpDir: dir });
  defer(() => own.close());
  assert.equal(own.libsrtpDir, dir);
  assert.deepEqual(await mappedLibsrtp(own.pid!), [path.join(dir, 'libsrtp2.so.1')]);
});

test('a libsrtp folder without libsrtp2.so.1 is refused before Janus starts', () => {
  assert.throws(() => resolveLibsrtpDir('/nonexistent'), /no libsrtp2\.so\.1 in \/nonexistent/);
  assert.equal(resolveLibsrtpDir(null), null);
});
