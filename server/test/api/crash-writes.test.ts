import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { Client } from '../support/client.js';
import { startEntrypoint } from '../support/entrypoint.js';
import { createTestSchema } from '../support/postgres.js';

/**
 * Fault injection: the real entrypoint in a child process, killed with
 * SIGKILL (no drain, no shutdown hook) in the middle of a burst of writes,
 * again and again, each time started anew on the same data. Every write that
 * got a 2xx must be there at the end, on SQLite (WAL, synchronous=FULL) and on
 * PostgreSQL alike.
 */
const KILLS = 3;
const WORKERS = 12;
const PASSWORD = 'crash test writer 7f3k9q';
// A failing assertion must not leave a server running (it would hang the test runner).
const children = new Set<ChildProcess>();
const cleanups: Array<() => unknown> = [];
after(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const cleanup of cleanups) await cleanup();
});

function startChild(env: Record<string, string>) {
  return startEntrypoint(env, children);
}

async function killAndRestart(
  backend: string,
  env: Record<string, string>,
  diagnostic: (message: string) => void,
): Promise<void> {
  let node = await startChild(env);
  const writer = new Client(node.url);
  const reg = await writer.post('/api/v1/auth/register', {
    handle: 'crasher',
    display_name: 'C',
    password: PASSWORD,
  });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  const userId: string = reg.body.user.id;

  const acknowledged: string[] = [];
  let failed = 0;
  let sent = 0;
  const restarts: number[] = [];
  for (let round = 0; round < KILLS; round++) {
    const client = new Client(node.url);
    assert.equal(
      (await client.post('/api/v1/auth/login', { handle: 'crasher', password: PASSWORD })).status,
      200,
    );
    // Killed at a different point of each burst, while every worker has a write in flight.
    const killAfter = acknowledged.length + 60 + 37 * round;
    let killed = false;
    const exited = once(node.child, 'exit');
    const worker = async () => {
      while (!killed) {
        sent += 1;
        try {
          const reply = await client.post('/api/v1/posts', { text: `crash ${round} ${sent}` });
          if (reply.status === 201) acknowledged.push(reply.body.id);
          else failed += 1;
        } catch {
          failed += 1; // the connection died with the process
          if (killed) return;
        }
        if (!killed && acknowledged.length >= killAfter) {
          killed = true;
          node.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    const [, signal] = await exited;
    assert.equal(signal, 'SIGKILL');
    const killedAt = Date.now();
    node = await startChild(env);
    restarts.push(Date.now() - killedAt);
  }

  try {
    const reader = new Client(node.url);
    assert.equal(
      (await reader.post('/api/v1/auth/login', { handle: 'crasher', password: PASSWORD })).status,
      200,
    );
    const stored = new Set<string>();
    let cursor = '';
    for (;;) {
      const page = await reader.get(`/api/v1/users/${userId}/posts?limit=100${cursor}`);
      assert.equal(page.status, 200);
      for (const p of page.body.data) stored.add(p.id);
      if (!page.body.next_cursor) break;
      cursor = `&cursor=${page.body.next_cursor}`;
    }
    const missing = acknowledged.filter((id) => !stored.has(id));
    diagnostic(
      `${backend}: ${acknowledged.length} writes acknowledged across ${KILLS} kill -9s (${failed} failed with the process), ${missing.length} lost; serving again ${restarts.join(', ')} ms after each kill`,
    );
    assert.deepEqual(
      missing,
      [],
      `${missing.length} of ${acknowledged.length} acknowledged writes lost on ${backend}`,
    );
    assert.ok(acknowledged.length >= KILLS * 60);
  } finally {
    node.child.kill('SIGTERM');
    await once(node.child, 'exit');
  }
}

test('kill -9 during a burst of writes, three times over, loses none that were acknowledged (SQLite)', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'salon-sigkill-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  await killAndRestart('SQLite', { DATA_DIR: dataDir }, (m) => t.diagnostic(m));
});

test('kill -9 during a burst of writes, three times over, loses none that were acknowledged (PostgreSQL)', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'salon-sigkill-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const schema = await createTestSchema();
  cleanups.push(() => schema.drop());
  const url = `${schema.url}?options=${encodeURIComponent(`-c search_path=${schema.schema}`)}`;
  await killAndRestart('PostgreSQL', { DATA_DIR: dataDir, DATABASE_URL: url }, (m) =>
    t.diagnostic(m),
  );
});
