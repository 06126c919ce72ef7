import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isJanusError } from '../../src/media/janus/errors.js';
import { AudioBridgeError, StreamingError } from '../../src/media/janus/protocol.js';
import { cleanups } from './support/cleanup.js';
import { heard } from './support/hearing.js';
import { Stage, startJanus } from './support/stage.js';
import { waitFor } from './support/wait.js';

test('tearing down a live stage leaves no forwarder, mountpoint or room in Janus', {
  timeout: 90_000,
}, async (t) => {
  const defer = cleanups(t);
  const janus = await startJanus();
  defer(() => janus.close());
  const stage = await Stage.open(janus);
  defer(() => stage.close());
  const { bridge, streaming, room, mountpoint, forwarder } = stage;

  const listener = await stage.listener();
  const speaker = await stage.speaker(1, 440);
  await heard(listener, { present: [440] });
  let listenerHungUp = false;
  listener.handle.handle.on('hangup', () => {
    listenerHungUp = true;
  });
  let speakerToldRoomGone = false;
  speaker.handle.on('roomDestroyed', (destroyed) => {
    speakerToldRoomGone = destroyed === room;
  });

  assert.deepEqual(await bridge.listForwarders(room), [forwarder]);
  assert.deepEqual(await streaming.listMountpoints(), [mountpoint.id]);
  assert.deepEqual(await bridge.listRooms(), [room]);

  await bridge.stopRtpForward(room, forwarder);
  assert.deepEqual(await bridge.listForwarders(room), []);

  await streaming.destroyMountpoint(mountpoint.id);
  assert.deepEqual(await streaming.listMountpoints(), []);
  await waitFor("Janus to hang up the listener's PeerConnection", () => listenerHungUp);

  await bridge.destroyRoom(room);
  assert.deepEqual(await bridge.listRooms(), []);
  assert.equal(await bridge.exists(room), false);
  await waitFor('the speaker to be told the room is gone', () => speakerToldRoomGone);

  // Gone means gone: a second destroy is Janus's typed "no such …" error.
  await assert.rejects(bridge.destroyRoom(room), (error) =>
    isJanusError(error, AudioBridgeError.noSuchRoom),
  );
  await assert.rejects(streaming.destroyMountpoint(mountpoint.id), (error) =>
    isJanusError(error, StreamingError.noSuchMountpoint),
  );
});
