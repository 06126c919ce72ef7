import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { cleanups } from './support/cleanup.js';
import { heard } from './support/hearing.js';
import { Stage, startJanus } from './support/stage.js';
import { waitFor } from './support/wait.js';

// Server-side moderation, judged by ear: two speakers (440 Hz and 660 Hz) keep
// sending throughout; only Janus decides what reaches the mix.

const TIMEOUT = { timeout: 120_000 };
const A = { id: 1, frequency: 440 };
const B = { id: 2, frequency: 660 };

async function twoSpeakerStage(t: TestContext) {
  const defer = cleanups(t);
  const janus = await startJanus();
  defer(() => janus.close());
  const stage = await Stage.open(janus);
  defer(() => stage.close());
  const listener = await stage.listener();
  const a = await stage.speaker(A.id, A.frequency);
  const b = await stage.speaker(B.id, B.frequency);
  await heard(listener, { present: [A.frequency, B.frequency] });
  return { stage, listener, a, b };
}

async function participant(stage: Stage, id: number) {
  return (await stage.bridge.listParticipants(stage.room)).find((p) => p.id === id);
}

test(
  'muting a speaker takes their tone out of the mix while their client keeps sending, and unmuting brings it back',
  TIMEOUT,
  async (t) => {
    const { stage, listener, a } = await twoSpeakerStage(t);

    await stage.bridge.mute(stage.room, A.id);
    const sentAtMute = await a.packetsSent();
    await heard(listener, { present: [B.frequency], absent: [A.frequency] });
    assert.equal((await participant(stage, A.id))?.muted, true);
    // 25 packets of 20 ms: half a second more of A's audio went to Janus, unmixed.
    await waitFor('speaker A to keep sending while muted', async () => {
      return (await a.packetsSent()) > sentAtMute + 25;
    });
    await heard(listener, { present: [B.frequency], absent: [A.frequency] });

    await stage.bridge.unmute(stage.room, A.id);
    await heard(listener, { present: [A.frequency, B.frequency] });
    assert.equal((await participant(stage, A.id))?.muted, false);
  },
);

test(
  'mute_room silences every speaker and unmute_room brings them all back',
  TIMEOUT,
  async (t) => {
    const { stage, listener } = await twoSpeakerStage(t);

    await stage.bridge.muteRoom(stage.room);
    // `heard` only judges windows the listener actually received: the forwarder
    // keeps sending (always_on), so this is silence, not a dead stream.
    await heard(listener, { absent: [A.frequency, B.frequency] });

    await stage.bridge.unmuteRoom(stage.room);
    await heard(listener, { present: [A.frequency, B.frequency] });
  },
);

test('kicking a speaker removes them and their tone from the room', TIMEOUT, async (t) => {
  const { stage, listener, a } = await twoSpeakerStage(t);
  let hungUp = false;
  a.handle.handle.on('hangup', () => {
    hungUp = true;
  });

  await stage.bridge.kick(stage.room, A.id);
  await heard(listener, { present: [B.frequency], absent: [A.frequency] });
  assert.equal(await participant(stage, A.id), undefined);
  await waitFor("Janus to hang up the kicked speaker's PeerConnection", () => hungUp);
  assert.ok((await participant(stage, B.id))?.setup, 'the other speaker stays on stage');
});
