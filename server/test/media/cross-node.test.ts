import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { onStage, type Person, type Space } from '../support/factories.js';
import { eventually, type RealtimeClient } from '../support/realtime.js';
import { heard } from './support/hearing.js';
import { Publisher } from './support/publisher.js';
import { type SalonCluster, startSalonCluster } from './support/salon-cluster.js';
import { ask, SalonListener } from './support/salon-peers.js';

/**
 * Every node enforces every change (issue 13, holes 1 and 3): two Salon
 * nodes on PostgreSQL + Redis and one Janus. The speaker's socket, and so
 * their Janus handle, is on node B; the host's commands land on node A over
 * HTTP. The speaker's client keeps sending throughout: only the server
 * decides what is mixed.
 *
 * The listener signals through B too: each node still opens its own room for
 * a space (hole 2, which placement fixes), so a listener on A would hear A's
 * room, where the speaker is not.
 */
const A = 0;
const B = 1;
const TONE = 660;
// Generous: the first scene warms Janus up, and a loaded machine makes each `heard` slower.
const TIMEOUT = { timeout: 240_000 };

let c: SalonCluster;
before(async () => {
  c = await startSalonCluster({ salonNodes: 2, janusNodes: 1 });
});
after(() => c?.close());

interface Scene {
  host: Person;
  speaker: Person;
  space: Space;
  speakerRt: RealtimeClient;
  voice: Publisher<null>;
  ear: SalonListener;
}

/** A live space hosted through A, with a speaker heard through B, unmuted and sending. */
async function scene(): Promise<Scene> {
  const host = await c.person(A);
  const speaker = await c.person(B);
  const created = (await host.client.post('/api/v1/spaces', { title: 'Across nodes' })).body;
  assert.ok(created.id, JSON.stringify(created));
  const space: Space = { ...created, path: `/api/v1/spaces/${created.id}` };
  await onStage(host, space, speaker);
  const speakerRt = await c.socket(speaker, B);
  await speakerRt.subscribe(space.id);
  const listener = await c.person(B);
  const listenerRt = await c.socket(listener, B);
  await listenerRt.subscribe(space.id);
  const ear = await SalonListener.listen(listenerRt, space.id);
  const voice = await Publisher.mix(speakerRt, space.id, TONE);
  await speaker.client.post(`${space.path}/stage/${speaker.id}/unmute`);
  await heard(ear, { present: [TONE] });
  return { host, speaker, space, speakerRt, voice, ear };
}

/** Refused as ended (the message check) or not live (the signaling's own reading of the space). */
const notLive = (error: { code?: string }) =>
  ['space_ended', 'space_not_live'].includes(error.code ?? '');

async function keepsSending(voice: Publisher<null>): Promise<void> {
  const before = await voice.packetsSent();
  await eventually(
    async () => (await voice.packetsSent()) > before + 25,
    'the speaker to keep sending',
    10_000,
  );
}

test(
  'the host mutes through A a speaker signalled through B: the tone leaves the mix while their client keeps sending',
  TIMEOUT,
  async () => {
    const s = await scene();
    const muted = await s.host.client.post(`${s.space.path}/stage/${s.speaker.id}/mute`);
    assert.equal(muted.status, 200, JSON.stringify(muted.body));
    await heard(s.ear, { absent: [TONE] });
    await keepsSending(s.voice);
    await heard(s.ear, { absent: [TONE] });
    // Their own unmute (through B) brings it back: the mute was the server's, not a dead stream.
    await s.speaker.client.post(`${s.space.path}/stage/${s.speaker.id}/unmute`);
    await heard(s.ear, { present: [TONE] });
    await Promise.all([s.voice.close(), s.ear.close()]);
  },
);

test(
  'the host demotes through A a speaker signalled through B: cut from the mix, and told so',
  TIMEOUT,
  async () => {
    const s = await scene();
    const stopped = s.speakerRt.waitFor((m) => m.type === 'media_stopped', 15_000);
    const demoted = await s.host.client.delete(`${s.space.path}/stage/${s.speaker.id}`);
    assert.equal(demoted.status, 200, JSON.stringify(demoted.body));
    await heard(s.ear, { absent: [TONE] });
    const told = await stopped;
    assert.equal(told.type === 'media_stopped' && told.reason, 'not_on_stage');
    assert.equal(
      c.cluster.nodes[B]!.services.media!.plane.describe(s.space.id)?.publishers.length,
      0,
    );
    await Promise.all([s.voice.close(), s.ear.close()]);
  },
);

test(
  'the host removes through A a speaker signalled through B: cut from the mix',
  TIMEOUT,
  async () => {
    const s = await scene();
    const removed = await s.host.client.post(`${s.space.path}/removals`, {
      kind: 'user',
      id: s.speaker.id,
    });
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    await heard(s.ear, { absent: [TONE] });
    await keepsSending(s.voice);
    await heard(s.ear, { absent: [TONE] });
    await Promise.all([s.voice.close(), s.ear.close()]);
  },
);

test(
  'the host ends the space through A: its room is gone on B too, and the speaker there is told',
  TIMEOUT,
  async () => {
    const s = await scene();
    const stopped = s.speakerRt.waitFor(
      (m) => m.type === 'media_stopped' && m.reason === 'space_ended',
      15_000,
    );
    const ended = await s.host.client.post(`${s.space.path}/end`);
    assert.equal(ended.status, 200, JSON.stringify(ended.body));
    await stopped;
    for (const node of [A, B]) {
      await eventually(
        () => c.cluster.nodes[node]!.services.media!.plane.describe(s.space.id) === null,
        `no media left for the ended space on node ${node}`,
        15_000,
      );
    }
    await Promise.all([s.voice.close(), s.ear.close()]);
  },
);

test(
  'a space ended through A is not live any more on B, which has no subscriber in it (hole 3)',
  TIMEOUT,
  async () => {
    const host = await c.person(A);
    const speaker = await c.person(B);
    const created = (await host.client.post('/api/v1/spaces', { title: 'Stale' })).body;
    const space: Space = { ...created, path: `/api/v1/spaces/${created.id}` };
    await onStage(host, space, speaker);
    // A socket on B that never subscribes: B keeps no local subscriber of the space.
    const rt = await c.socket(speaker, B);
    const voice = await Publisher.mix(rt, space.id, TONE);
    await voice.close();
    const ended = await host.client.post(`${space.path}/end`);
    assert.equal(ended.status, 200, JSON.stringify(ended.body));
    // At once, through B: publishing and listening are refused, and no room opens again there.
    // Refused by the message check (space_ended) once the commit reached B's cache, or else
    // by the publication's own reading of the stored space (space_not_live): never let through.
    await assert.rejects(Publisher.mix(rt, space.id, TONE), notLive);
    await assert.rejects(
      ask(rt, { type: 'media_listen', space_id: space.id }, 'media_offer'),
      notLive,
    );
    await eventually(
      () => c.cluster.nodes[B]!.services.media!.plane.describe(space.id) === null,
      'no media left for the ended space on node B',
      15_000,
    );
  },
);
