import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { cleanups } from './support/cleanup.js';
import { heard } from './support/hearing.js';
import { Stage, startJanus } from './support/stage.js';

test('a Janus killed with SIGKILL is restarted, announced, and a new stage works on it', {
  timeout: 90_000,
}, async (t) => {
  const defer = cleanups(t);
  const janus = await startJanus();
  defer(() => janus.close());
  const before = await Stage.open(janus);
  defer(() => before.close());
  const oldPid = janus.pid;
  assert.ok(oldPid, 'Janus runs');

  const signal = AbortSignal.timeout(30_000);
  const exited = once(janus, 'exited', { signal });
  const restarted = once(janus, 'restarted', { signal });
  const connectionClosed = once(before.connection, 'closed', { signal });
  process.kill(oldPid, 'SIGKILL');

  const [exit] = await exited;
  assert.equal(exit.signal, 'SIGKILL');
  await connectionClosed;
  assert.ok(before.session.closed, 'sessions on the dead Janus are closed too');
  const [restart] = await restarted;
  assert.equal(restart.restarts, 1);
  assert.equal(restart.url, janus.url);
  assert.ok(janus.pid && janus.pid !== oldPid, 'a new process');

  // The new Janus knows nothing of the old stage; the caller rebuilds it.
  const after = await Stage.open(janus);
  defer(() => after.close());
  const listener = await after.listener();
  await after.speaker(1, 440);
  await heard(listener, { present: [440] });
});
