import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { cleanups } from './support/cleanup.js';
import { heard, onsetAfter } from './support/hearing.js';
import { Stage, startJanus } from './support/stage.js';
import { waitFor } from './support/wait.js';

// Speaker (libwebrtc) → AudioBridge room → rtp_forward of the mix → Streaming
// mountpoint → listener (libwebrtc), all through a real Janus in the test
// namespace: scripts/netns-run.sh -- node --conditions=salon-source --import tsx
// --test --test-concurrency=1 server/test/media/*.test.ts (SALON_JANUS_LOG=1
// prints Janus's log).

const TIMEOUT = { timeout: 90_000 };

test(
  'a listener on the mountpoint hears the tone a speaker publishes into the room',
  TIMEOUT,
  async (t) => {
    const defer = cleanups(t);
    const janus = await startJanus();
    defer(() => janus.close());
    const stage = await Stage.open(janus);
    defer(() => stage.close());

    const listener = await stage.listener();
    const speaker = await stage.speaker(1, 440);
    const shares = await heard(listener, { present: [440], absent: [660] });
    t.diagnostic(`share of power at 440 Hz: ${shares[440]?.toFixed(3)}`);

    // Onset latency: silence first, then the tone, timed at the listener's sink.
    speaker.play(0);
    await heard(listener, { absent: [440] });
    const toneOn = performance.now();
    speaker.play(440);
    await heard(listener, { present: [440] });
    const onset = onsetAfter(listener, toneOn, 440);
    assert.ok(onset !== undefined, 'the onset is among the kept frames');
    t.diagnostic(`tone onset, speaker source → listener sink: ${onset.toFixed(0)} ms`);
  },
);

test('a listener hears both tones of a two-speaker stage', TIMEOUT, async (t) => {
  const defer = cleanups(t);
  const janus = await startJanus();
  defer(() => janus.close());
  const stage = await Stage.open(janus);
  defer(() => stage.close());

  const listener = await stage.listener();
  await stage.speaker(1, 440);
  await stage.speaker(2, 660);
  const shares = await heard(listener, { present: [440, 660], absent: [550] });
  t.diagnostic(`shares: 440 Hz ${shares[440]?.toFixed(3)}, 660 Hz ${shares[660]?.toFixed(3)}`);
});

test("a speaker's own handle reports them talking, then stopping", TIMEOUT, async (t) => {
  const defer = cleanups(t);
  const janus = await startJanus();
  defer(() => janus.close());
  const stage = await Stage.open(janus);
  defer(() => stage.close());

  const speaker = await stage.speaker(1, 440);
  const verdicts: boolean[] = [];
  speaker.handle.on('talking', (change) => {
    if (change.id === 1 && change.room === stage.room) verdicts.push(change.talking);
  });
  await waitFor('a talking event', () => verdicts.includes(true));
  speaker.play(0);
  await waitFor('a stopped-talking event', () => verdicts.at(-1) === false);
});
