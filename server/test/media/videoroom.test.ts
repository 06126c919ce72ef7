import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { isJanusError } from '../../src/media/janus/errors.js';
import { VideoRoomError } from '../../src/media/janus/protocol.js';
import { JanusSession } from '../../src/media/janus/session.js';
import { VideoRoom } from '../../src/media/janus/videoroom.js';
import { cleanups } from './support/cleanup.js';
import { FeedSubscriber } from './support/feed-peers.js';
import { heard } from './support/hearing.js';
import { Publisher } from './support/publisher.js';
import { startJanus } from './support/stage.js';
import { waitFor } from './support/wait.js';

// Our VideoRoom client against a real Janus, judged by ear: each publisher
// sends its own tone, and one multistream subscription must keep them apart.

const TIMEOUT = { timeout: 120_000 };
const SECRET = 'room-secret';

async function feedRoom(t: TestContext) {
  const defer = cleanups(t);
  const janus = await startJanus();
  defer(() => janus.close());
  const connection = await janus.connect();
  defer(() => connection.close());
  const session = await JanusSession.create(connection);
  const control = await VideoRoom.attach(session);
  const room = await control.createRoom({ description: 'feeds', publishers: 3, secret: SECRET });
  defer(() => control.destroyRoom(room, SECRET).catch(() => undefined));
  const peers: Array<{ close(): Promise<void> }> = [];
  defer(() => Promise.allSettled(peers.map((p) => p.close())));
  const publish = async (id: number, frequency: number) => {
    const publisher = await Publisher.inVideoRoom({ session, room, id, frequency });
    peers.push(publisher);
    // Subscribable once its PeerConnection is up.
    await waitFor(`feed ${id} to be live`, async () =>
      (await control.listParticipants(room)).some((p) => p.id === id && p.publisher),
    );
    return publisher;
  };
  const subscribe = async (feeds: Array<{ feed: number; mid?: string }>) => {
    const subscriber = await FeedSubscriber.subscribe({ session, room, feeds });
    peers.push(subscriber);
    return subscriber;
  };
  return { session, control, room, publish, subscribe };
}

test(
  'one subscription carries each publisher on its own track, and moderate mutes one of them',
  TIMEOUT,
  async (t) => {
    const { control, room, publish, subscribe } = await feedRoom(t);
    const a = await publish(1, 440);
    const b = await publish(2, 660);
    const sub = await subscribe([
      { feed: 1, mid: a.mid },
      { feed: 2, mid: b.mid },
    ]);
    assert.deepEqual([...sub.feeds.values()].sort(), [1, 2]);
    await heard(sub.hearing(1), { present: [440], absent: [660] });
    await heard(sub.hearing(2), { present: [660], absent: [440] });

    await control.moderate(room, 1, a.mid, true, SECRET);
    const sentAtMute = await a.packetsSent();
    await waitFor('the muted publisher to keep sending', async () => {
      return (await a.packetsSent()) > sentAtMute + 25;
    });
    // Janus drops the muted feed's packets; the track goes on decoding silence.
    await heard(sub.hearing(1), { absent: [440] });
    await heard(sub.hearing(2), { present: [660] });

    await control.moderate(room, 1, a.mid, false, SECRET);
    await heard(sub.hearing(1), { present: [440], absent: [660] });
  },
);

test('update takes a gone feed out and a new one in, reusing its m-line', TIMEOUT, async (t) => {
  const { control, room, publish, subscribe } = await feedRoom(t);
  await publish(1, 440);
  await publish(2, 660);
  const sub = await subscribe([{ feed: 1 }, { feed: 2 }]);
  await heard(sub.hearing(2), { present: [660] });
  const midOfA = [...sub.feeds].find(([, feed]) => feed === 1)?.[0];
  assert.ok(midOfA);

  await control.kick(room, 1, SECRET);
  await waitFor('the kicked feed to leave the room', async () =>
    (await control.listParticipants(room)).every((p) => p.id !== 1),
  );
  const removed = await sub.handle.update({ unsubscribe: [{ subMid: midOfA }] });
  assert.ok(typeof removed === 'object' && 'jsep' in removed, 'a new offer');
  await sub.answer(removed.jsep.sdp, removed.streams);
  assert.deepEqual([...sub.feeds.values()], [2]);
  await heard(sub.hearing(2), { present: [660] });

  const c = await publish(3, 880);
  const added = await sub.handle.update({ subscribe: [{ feed: 3, mid: c.mid }] });
  assert.ok(typeof added === 'object' && 'jsep' in added, 'a new offer');
  const reused = added.streams.find((s) => s.feedId === 3);
  assert.equal(reused?.mid, midOfA, 'the inactive m-line is reused');
  await sub.answer(added.jsep.sdp, added.streams);
  await heard(sub.hearing(3), { present: [880], absent: [660] });
  await heard(sub.hearing(2), { present: [660], absent: [880] });

  // Subscribing to a feed that is not (or no longer) published is Janus's "no such feed".
  await assert.rejects(sub.handle.update({ subscribe: [{ feed: 1 }] }), (error) =>
    isJanusError(error, VideoRoomError.noSuchFeed),
  );
});

test('destroying a room leaves none, and tells its publishers', TIMEOUT, async (t) => {
  const { control, room, publish } = await feedRoom(t);
  const a = await publish(1, 440);
  let told = false;
  a.handle.on('roomDestroyed', (destroyed) => {
    told = destroyed === room;
  });
  assert.ok((await control.listRooms()).includes(room));
  await control.destroyRoom(room, SECRET);
  assert.ok(!(await control.listRooms()).includes(room));
  assert.equal(await control.exists(room), false);
  await waitFor('the publisher to be told the room is gone', () => told);
  await assert.rejects(control.destroyRoom(room, SECRET), (error) =>
    isJanusError(error, VideoRoomError.noSuchRoom),
  );
});

test('without the secret, Janus refuses moderate and destroy', TIMEOUT, async (t) => {
  const { control, room, publish } = await feedRoom(t);
  const a = await publish(1, 440);
  await assert.rejects(control.moderate(room, 1, a.mid, true, 'wrong'), (error) =>
    isJanusError(error, VideoRoomError.unauthorized),
  );
  await assert.rejects(control.destroyRoom(room, 'wrong'), (error) =>
    isJanusError(error, VideoRoomError.unauthorized),
  );
});
