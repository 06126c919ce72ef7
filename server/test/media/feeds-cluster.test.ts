import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WEBRTC_FULL_CODE } from '@salon/protocol';
import { JanusSession } from '../../src/media/janus/session.js';
import { VideoRoom } from '../../src/media/janus/videoroom.js';
import { onStage, type Person, type Space } from '../support/factories.js';
import { eventually, type RealtimeClient } from '../support/realtime.js';
import { closer } from './support/cleanup.js';
import {
  SalonFeedStandby,
  SalonFeedWatcher,
  toldWanted,
  watchesSpeakers,
} from './support/feed-peers.js';
import { heard } from './support/hearing.js';
import { Publisher } from './support/publisher.js';
import { type SalonCluster, startSalonCluster } from './support/salon-cluster.js';
import { SalonListener } from './support/salon-peers.js';

/**
 * Per-speaker feeds across Salon nodes (issue 13): a space has one VideoRoom
 * room on its media home, whichever Salon node signals its people. A
 * watcher on node A receives the feeds of speakers signalled through A and
 * through B; a speaker on B is told their feed is wanted when the watcher is
 * on A; and the host's mute through A silences, in Janus, a feed whose
 * handle B holds, while that speaker's client keeps sending.
 *
 * Two Janus nodes, so the room is on the space's stored home and both
 * Salon nodes find it there, and a space's WebRTC seats may spill over to
 * the other: the seats of feed watchers on one Salon node count when another
 * seats listeners of the mix.
 */
const A = 0;
const B = 1;
const TIMEOUT = { timeout: 240_000 };
/** Across nodes, on a loaded machine: each wait a little longer than on one node. */
const SPEAKERS_MS = 20_000;
const TOLD_MS = 15_000;

let c: SalonCluster;
before(async () => {
  // Seats to spare for the first two tests; the third fills a space's.
  c = await startSalonCluster({
    salonNodes: 2,
    janusNodes: 2,
    env: { WEBRTC_LISTENERS_PER_SPACE: '2', WEBRTC_LISTENERS_PER_NODE: '2' },
  });
});
after(() => c?.close());

/** The VideoRoom rooms on every Janus node, as Janus lists them to a handle of the test's own. */
async function feedRooms(): Promise<number[]> {
  const rooms: number[] = [];
  for (const janus of c.janus) {
    const connection = await janus.connect();
    try {
      const control = await VideoRoom.attach(await JanusSession.create(connection));
      rooms.push(...(await control.listRooms()));
    } finally {
      await connection.close();
    }
  }
  return rooms;
}

test(
  'a watcher on A hears the feeds of speakers on A and on B, each on their own track; the host mutes through A a feed held by B',
  TIMEOUT,
  async (tc) => {
    const closing = closer(tc);
    const host: Person = await c.person(A);
    const speaker: Person = await c.person(B);
    const created = (await host.client.post('/api/v1/spaces', { title: 'Feeds across' })).body;
    assert.ok(created.id, JSON.stringify(created));
    const space: Space = { ...created, path: `/api/v1/spaces/${created.id}` };
    await onStage(host, space, speaker);
    const hostRt: RealtimeClient = await c.socket(host, A);
    const speakerRt: RealtimeClient = await c.socket(speaker, B);
    await hostRt.subscribe(space.id);
    await speakerRt.subscribe(space.id);

    // Nobody watches yet: neither feed is wanted.
    const hostStandby = closing(await SalonFeedStandby.start(hostRt, space.id));
    const speakerStandby = closing(await SalonFeedStandby.start(speakerRt, space.id));
    assert.deepEqual(hostStandby.told, [false]);
    assert.deepEqual(speakerStandby.told, [false]);

    // A listener watches through A: the speaker on B is told their feed is wanted.
    const listener = await c.person(A);
    const listenerRt = await c.socket(listener, A);
    await listenerRt.subscribe(space.id);
    const watcher = closing(await SalonFeedWatcher.watch(listenerRt, space.id));
    await toldWanted(
      hostStandby,
      [false, true],
      'the host (on A) told their feed is wanted',
      TOLD_MS,
    );
    await toldWanted(
      speakerStandby,
      [false, true],
      'the speaker (on B) told their feed is wanted',
      TOLD_MS,
    );

    closing(await Publisher.feed(hostRt, space.id, 440));
    const speakerFeed = closing(await Publisher.feed(speakerRt, space.id, 660));
    await host.client.post(`${space.path}/stage/${host.id}/unmute`);
    await speaker.client.post(`${space.path}/stage/${speaker.id}/unmute`);
    await watchesSpeakers(
      watcher,
      [host.id, speaker.id],
      'both feeds offered to the watcher on A',
      SPEAKERS_MS,
    );
    await heard(watcher.voiceOf(host.id), { present: [440], absent: [660] });
    await heard(watcher.voiceOf(speaker.id), { present: [660], absent: [440] });

    // The watcher's seat counts on B too (the caps of the space and of its Janus node).
    await eventually(
      () => c.cluster.nodes[B]!.services.media!.plane.listenerCounts(space.id).space === 1,
      'the seat of the watcher on A counted by B',
      15_000,
    );
    assert.equal(c.cluster.nodes[A]!.services.media!.plane.listenerCounts(space.id).space, 1);

    // One room for the space on the whole media cluster, the same on both Salon nodes.
    const roomA = c.cluster.nodes[A]!.services.media!.feeds.describe(space.id)?.room;
    const roomB = c.cluster.nodes[B]!.services.media!.feeds.describe(space.id)?.room;
    assert.ok(roomA !== undefined);
    assert.equal(roomB, roomA, 'both Salon nodes use one feed room');
    assert.deepEqual(
      (await feedRooms()).filter((room) => room === roomA),
      [roomA],
      'the room exists once, on one Janus node',
    );

    // The host mutes through A: B moderates the feed it holds, while the client keeps sending.
    const muted = await host.client.post(`${space.path}/stage/${speaker.id}/mute`);
    assert.equal(muted.status, 200, JSON.stringify(muted.body));
    const sentAtMute = await speakerFeed.packetsSent();
    await heard(watcher.voiceOf(speaker.id), { absent: [660] });
    await eventually(
      async () => (await speakerFeed.packetsSent()) > sentAtMute + 25,
      'the muted speaker to keep sending',
    );
    await heard(watcher.voiceOf(speaker.id), { absent: [660] });
    await heard(watcher.voiceOf(host.id), { present: [440] });
    await speaker.client.post(`${space.path}/stage/${speaker.id}/unmute`);
    await heard(watcher.voiceOf(speaker.id), { present: [660] });

    // Demoted through A: B cuts the feed and the watcher on A gets an offer without it.
    await host.client.delete(`${space.path}/stage/${speaker.id}`);
    await watchesSpeakers(
      watcher,
      [host.id],
      'the demoted speaker to leave the watch on A',
      SPEAKERS_MS,
    );
    await heard(watcher.voiceOf(host.id), { present: [440], absent: [660] });

    // The watch ends on A: the host is told nobody wants their feed any more.
    await watcher.close();
    listenerRt.send({ type: 'feeds_stop', space_id: space.id });
    await toldWanted(
      hostStandby,
      [false, true, false],
      'the host told nobody watches any more',
      TOLD_MS,
    );

    // The end through A: no feed room is left on any Janus node.
    const ended = await host.client.post(`${space.path}/end`);
    assert.equal(ended.status, 200, JSON.stringify(ended.body));
    await eventually(
      async () => !(await feedRooms()).includes(roomA),
      'the feed room to be destroyed',
      15_000,
    );
  },
);

test(
  'a speaker on B is told their feed is wanted while a watcher on A watches, and not after',
  TIMEOUT,
  async (tc) => {
    const closing = closer(tc);
    const host = await c.person(A);
    const speaker = await c.person(B);
    const created = (await host.client.post('/api/v1/spaces', { title: 'Wanted across' })).body;
    const space: Space = { ...created, path: `/api/v1/spaces/${created.id}` };
    await onStage(host, space, speaker);
    const speakerRt = await c.socket(speaker, B);
    await speakerRt.subscribe(space.id);
    const standby = closing(await SalonFeedStandby.start(speakerRt, space.id));
    const listener = await c.person(A);
    const listenerRt = await c.socket(listener, A);
    await listenerRt.subscribe(space.id);
    const watcher = closing(await SalonFeedWatcher.watch(listenerRt, space.id));
    await toldWanted(standby, [false, true], 'told the watcher on A wants it', TOLD_MS);
    // The watcher's socket goes away: its node says so, and B tells the speaker.
    await watcher.close();
    await listenerRt.close();
    await toldWanted(
      standby,
      [false, true, false],
      'told nobody wants it once the watcher left',
      TOLD_MS,
    );
  },
);

test(
  'a feeds watcher on A holds one of the space’s two WebRTC seats, the mix too still one: B seats one listener of the mix, sends the next to HLS, and seats it once the first leaves',
  TIMEOUT,
  async (tc) => {
    const closing = closer(tc);
    const host = await c.person(A);
    const created = (await host.client.post('/api/v1/spaces', { title: 'Seats across' })).body;
    const space: Space = { ...created, path: `/api/v1/spaces/${created.id}` };
    const hostRt = await c.socket(host, A);
    await hostRt.subscribe(space.id);
    closing(await Publisher.mix(hostRt, space.id, 440));
    await host.client.post(`${space.path}/stage/${host.id}/unmute`);

    const watcherRt = await c.socket(await c.person(A), A);
    await watcherRt.subscribe(space.id);
    closing(await SalonFeedWatcher.watch(watcherRt, space.id));
    // B hears of the watcher's seat (it has not placed the space yet: it will, seating a listener).
    const heardOnB = () => [...c.cluster.nodes[B]!.services.media!.feeds.holders(space.id)].length;
    await eventually(() => heardOnB() === 1, 'B to hear of the watcher on A', 15_000);

    const firstRt = await c.socket(await c.person(B), B);
    await firstRt.subscribe(space.id);
    const first = closing(await SalonListener.listen(firstRt, space.id));
    await heard(first, { present: [440] });
    // The space's two seats are taken (a watcher on A, a listener on B): not one more, on any node.
    const nextRt = await c.socket(await c.person(B), B);
    await nextRt.subscribe(space.id);
    await assert.rejects(SalonListener.listen(nextRt, space.id), { code: WEBRTC_FULL_CODE });

    // The watcher takes the mix too (as the web app does until every feed plays): its own
    // seat still, not a third; Janus counts it now, and B no longer counts it as a watcher's.
    const watcherEar = closing(await SalonListener.listen(watcherRt, space.id));
    await heard(watcherEar, { present: [440] });
    await eventually(() => heardOnB() === 0, 'B to hear the watcher listens to the mix', 15_000);
    // The listener on B leaves: its seat is free for the next one, who is seated through B.
    firstRt.send({ type: 'media_stop_listening', space_id: space.id });
    await first.close();
    await eventually(
      async () => {
        try {
          closing(await SalonListener.listen(nextRt, space.id));
          return true;
        } catch (error) {
          if ((error as { code?: string }).code !== WEBRTC_FULL_CODE) throw error;
          return false;
        }
      },
      'the freed seat to be given through B',
      15_000,
    );
  },
);
