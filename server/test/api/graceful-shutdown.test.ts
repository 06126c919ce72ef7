import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { Client } from '../support/client.js';
import { startEntrypoint } from '../support/entrypoint.js';

/**
 * The real entrypoint in a child process: SIGTERM during a burst of writes,
 * then a restart on the same data. Every write that got a 2xx must be there.
 */
const dataDir = mkdtempSync(path.join(tmpdir(), 'salon-sigterm-'));
// A failing assertion must not leave a server running (it would hang the test runner).
const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

function startChild() {
  return startEntrypoint({ DATA_DIR: dataDir }, children);
}

test('SIGTERM during a burst of writes loses none that were acknowledged', async () => {
  const first = await startChild();
  const writer = new Client(first.url);
  const reg = await writer.post('/api/v1/auth/register', {
    handle: 'writer',
    display_name: 'W',
    password: 'long enough pw',
  });
  assert.equal(reg.status, 201);

  const acknowledged: string[] = [];
  let refused = 0;
  let sent = 0;
  let signalled = false;
  const exited = once(first.child, 'exit');
  const worker = async () => {
    while (sent < 2000) {
      sent += 1;
      try {
        const reply = await writer.post('/api/v1/posts', { text: `burst ${sent}` });
        if (reply.status === 201) acknowledged.push(reply.body.id);
        else refused += 1;
      } catch {
        refused += 1; // connection refused or reset once the server stops listening
        if (signalled) return;
      }
      if (!signalled && acknowledged.length >= 150) {
        signalled = true;
        first.child.kill('SIGTERM');
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const [code] = await exited;
  assert.equal(code, 0, 'a clean exit after draining');
  assert.ok(signalled && acknowledged.length >= 150, `acknowledged ${acknowledged.length}`);

  const second = await startChild();
  try {
    const reader = new Client(second.url);
    assert.equal(
      (await reader.post('/api/v1/auth/login', { handle: 'writer', password: 'long enough pw' }))
        .status,
      200,
    );
    const stored = new Set<string>();
    let cursor = '';
    for (;;) {
      const page = await reader.get(`/api/v1/users/${reg.body.user.id}/posts?limit=100${cursor}`);
      for (const p of page.body.data) stored.add(p.id);
      if (!page.body.next_cursor) break;
      cursor = `&cursor=${page.body.next_cursor}`;
    }
    const missing = acknowledged.filter((id) => !stored.has(id));
    assert.deepEqual(
      missing,
      [],
      `${missing.length} of ${acknowledged.length} acknowledged writes lost (${refused} refused)`,
    );
  } finally {
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
  }
});
