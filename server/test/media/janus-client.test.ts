import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { AudioBridge } from '../../src/media/janus/audiobridge.js';
import { JanusConnection } from '../../src/media/janus/connection.js';
import { isJanusError, JanusError } from '../../src/media/janus/errors.js';
import {
  AudioBridgeError,
  JanusCoreError,
  JanusPlugin,
  JanusReply,
  JanusVerb,
} from '../../src/media/janus/protocol.js';
import { JanusSession } from '../../src/media/janus/session.js';
import { cleanups } from './support/cleanup.js';
import { startJanus } from './support/stage.js';
import { waitFor } from './support/wait.js';

// The client's own guarantees, against a real Janus (no media needed).

const TIMEOUT = { timeout: 60_000 };

async function allThreadsStopped(pid: number): Promise<boolean> {
  const tasks = await readdir(`/proc/${pid}/task`);
  const states = await Promise.all(
    tasks.map(
      async (task) =>
        (await readFile(`/proc/${pid}/task/${task}/stat`, 'utf8')).split(') ')[1]?.[0],
    ),
  );
  return states.every((state) => state === 'T');
}

test(
  'a request Janus does not answer in time fails with a timeout, and the socket stays usable',
  TIMEOUT,
  async (t) => {
    const defer = cleanups(t);
    const janus = await startJanus();
    defer(() => janus.close());
    const connection = await JanusConnection.open({
      url: janus.url,
      apiSecret: janus.apiSecret,
      requestTimeoutMs: 500,
    });
    defer(() => connection.close());
    const pid = janus.pid;
    assert.ok(pid);

    process.kill(pid, 'SIGSTOP');
    try {
      // SIGSTOP lands asynchronously; wait until every Janus thread is stopped.
      await waitFor('Janus to stop', () => allThreadsStopped(pid));
      await assert.rejects(connection.send({ janus: JanusVerb.info }), (error) => {
        return error instanceof JanusError && error.kind === 'timeout';
      });
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const reply = await connection.send({ janus: JanusVerb.info }, { timeoutMs: 10_000 });
    assert.equal(reply.janus, JanusReply.serverInfo);
  },
);

test(
  'closing a connection rejects what is pending, closes its sessions, and is idempotent',
  TIMEOUT,
  async (t) => {
    const defer = cleanups(t);
    const janus = await startJanus();
    defer(() => janus.close());
    const connection = await janus.connect();
    const session = await JanusSession.create(connection);
    let closedEvents = 0;
    connection.on('closed', () => closedEvents++);
    const sessionClosed = once(session, 'closed');

    const pending = [
      connection.send({ janus: JanusVerb.info }),
      session.attach(JanusPlugin.streaming),
    ];
    connection.close();
    connection.close();
    for (const result of await Promise.allSettled(pending)) {
      assert.equal(result.status, 'rejected');
      assert.ok(result.reason instanceof JanusError && result.reason.kind === 'closed');
    }
    await sessionClosed;
    assert.equal(closedEvents, 1);
    await assert.rejects(connection.send({ janus: JanusVerb.info }), /closed/);
  },
);

test('Janus refusals carry the code Janus gave', TIMEOUT, async (t) => {
  const defer = cleanups(t);
  const janus = await startJanus();
  defer(() => janus.close());

  const stranger = await JanusConnection.open({ url: janus.url, apiSecret: 'not-the-secret' });
  defer(() => stranger.close());
  await assert.rejects(JanusSession.create(stranger), (error) =>
    isJanusError(error, JanusCoreError.unauthorized),
  );

  const connection = await janus.connect();
  defer(() => connection.close());
  const session = await JanusSession.create(connection);
  const bridge = await AudioBridge.attach(session);
  await assert.rejects(bridge.join(424_242, { id: 1 }), (error) =>
    isJanusError(error, AudioBridgeError.noSuchRoom),
  );
  await assert.rejects(bridge.mute(424_242, 1), (error) =>
    isJanusError(error, AudioBridgeError.noSuchRoom),
  );
});

test(
  "keepalives hold a session past Janus's session timeout, and an idle one is dropped",
  TIMEOUT,
  async (t) => {
    const defer = cleanups(t);
    const janus = await startJanus({ sessionTimeoutS: 3 });
    defer(() => janus.close());
    const connection = await janus.connect();
    defer(() => connection.close());
    const kept = await JanusSession.create(connection, { keepaliveMs: 1_000 });
    const idle = await JanusSession.create(connection, { keepaliveMs: 600_000 });

    const [error] = await once(idle, 'closed', { signal: AbortSignal.timeout(20_000) });
    assert.match(String(error.message), /timed out/);
    assert.equal(kept.closed, false);
    const handle = await kept.attach(JanusPlugin.audioBridge);
    await handle.detach();
    await kept.destroy();
  },
);
