import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, test } from 'node:test';
import { liveSpace, onStage } from '../support/factories.js';
import { SalonFeedWatcher, watchesSpeakers } from './support/feed-peers.js';
import { heard } from './support/hearing.js';
import { Publisher } from './support/publisher.js';
import {
  connectAny,
  on,
  register,
  type SalonProcesses,
  startSalonProcesses,
} from './support/salon-processes.js';

/**
 * Per-speaker feeds when a Salon node dies (issue 13): two Salon processes
 * (the real entrypoint, so kill -9 is a real one) sharing one feed room per
 * space on one Janus. A listener watches the feeds through A; the speaker
 * publishes theirs through B. B is killed: Janus drops B's session with its
 * WebSocket, so the dead node's feed leaves the watcher's offer (no stale,
 * silent track is left behind); the speaker, reconnected to A from their
 * node list, publishes again and is heard on their own track through A.
 */
const TONE = 660;
const AFTER = 880;

let salon: SalonProcesses;
before(async () => {
  salon = await startSalonProcesses(2);
});
after(() => salon?.close());

test('Salon node B is killed with -9: its speaker’s feed leaves the watch on A, and comes back once they publish through A', {
  timeout: 240_000,
}, async () => {
  const [a, b] = salon.nodes;
  assert.ok(a && b);
  const creator = await register(a.url);
  const space = await liveSpace(creator);
  const host = { ...creator, client: on(creator.client, a.url) };
  const speaker = await register(b.url);
  await onStage(host, space, speaker);

  const listener = await register(a.url);
  const listenerRt = await connectAny([a.url], listener.client);
  await listenerRt.subscribe(space.id);
  const watcher = await SalonFeedWatcher.watch(listenerRt, space.id);

  const speakerUrls = [b.url, a.url];
  const speakerRt = await connectAny(speakerUrls, speaker.client);
  await speakerRt.subscribe(space.id);
  const feed = await Publisher.feed(speakerRt, space.id, TONE);
  await speaker.client.post(`${space.path}/stage/${speaker.id}/unmute`);
  await watchesSpeakers(
    watcher,
    [speaker.id],
    'the feed published through B, watched on A',
    20_000,
  );
  await heard(watcher.voiceOf(speaker.id), { present: [TONE] });

  const closed = new Promise<void>((resolve) => speakerRt.ws.once('close', () => resolve()));
  const killedAt = performance.now();
  b.child.kill('SIGKILL');
  await closed;
  await feed.close();
  // The dead node's publisher goes with its Janus session: the watcher's offer loses it.
  await watchesSpeakers(watcher, [], 'the dead node’s feed to leave the watch', 30_000);
  const goneMs = performance.now() - killedAt;

  const again = await connectAny(speakerUrls, speaker.client);
  assert.equal(new URL(again.ws.url).host, new URL(a.url).host, 'reconnected to A');
  await again.subscribe(space.id);
  const refeed = await Publisher.feed(again, space.id, AFTER);
  await watchesSpeakers(watcher, [speaker.id], 'the feed published again through A', 20_000);
  await heard(watcher.voiceOf(speaker.id), { present: [AFTER], absent: [TONE], timeoutMs: 30_000 });
  console.log(
    `feeds node loss: the dead node's feed left the watch ${Math.round(goneMs)} ms after kill -9; ` +
      `the speaker's feed heard again through A ${Math.round(performance.now() - killedAt)} ms after it`,
  );
  await Promise.all([refeed.close(), watcher.close()]);
});
