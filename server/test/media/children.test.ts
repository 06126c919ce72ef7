import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { Client } from '../support/client.js';
import { startEntrypoint } from '../support/entrypoint.js';
import { eventually } from '../support/realtime.js';
import { TEST_ICE_ADDRESS } from './support/stage.js';

/**
 * Salon's children (Janus, one ffmpeg per live space) must not outlive it.
 * Killed with SIGKILL, Salon runs no exit handler; a Janus or an ffmpeg left
 * behind kept its ports, and the next start did not reap them.
 */
const dataDir = mkdtempSync(path.join(tmpdir(), 'salon-children-'));
const started = new Set<ChildProcess>();
after(() => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

function startSalon() {
  return startEntrypoint(
    {
      DATA_DIR: dataDir,
      MEDIA: 'embedded',
      JANUS_ICE_ENFORCE_LIST: TEST_ICE_ADDRESS,
      HOST_MIN_FOLLOWERS: '0',
    },
    started,
  );
}

/** The programs whose parent is `pid`, by name. */
function childrenOf(pid: number): Array<{ pid: number; name: string }> {
  const out: Array<{ pid: number; name: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces, so split after the last ')'.
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push({ pid: Number(entry), name });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !isZombie(pid);
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

test('Janus and the HLS packager die with Salon when it is killed with SIGKILL, and the next start works', async (t) => {
  const first = await startSalon();
  const host = new Client(first.url);
  const reply = await host.post('/api/v1/auth/register', {
    handle: 'tiedhost',
    display_name: 'Tied host',
    password: 'correct horse battery',
  });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  const space = await host.post('/api/v1/spaces', { title: 'Tied' });
  assert.equal(space.status, 201, JSON.stringify(space.body));

  let kids: Array<{ pid: number; name: string }> = [];
  await eventually(
    () => {
      kids = childrenOf(first.child.pid!).filter((k) => k.name === 'janus' || k.name === 'ffmpeg');
      return kids.some((k) => k.name === 'janus') && kids.some((k) => k.name === 'ffmpeg');
    },
    'Janus and ffmpeg running under Salon',
    30_000,
  );
  const killedAt = performance.now();
  first.child.kill('SIGKILL');
  await eventually(
    () => kids.every((k) => !alive(k.pid)),
    `children gone (${kids.map((k) => `${k.name} ${k.pid}`).join(', ')})`,
    15_000,
  );
  t.diagnostic(
    `${kids.map((k) => k.name).join(' and ')} gone ${Math.round(performance.now() - killedAt)} ms after Salon's SIGKILL`,
  );

  // The same data folder starts again, with media, and serves the live space.
  const second = await startSalon();
  const ready = await new Client(second.url).get('/readyz');
  assert.equal(ready.status, 200, JSON.stringify(ready.body));
  assert.equal(ready.body.media, 'ok');
  second.child.kill('SIGTERM');
  await new Promise((resolve) => second.child.once('exit', resolve));
});
