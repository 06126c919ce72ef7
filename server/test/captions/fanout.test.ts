import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ServerMessage } from '@salon/protocol';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { eventually, RealtimeClient } from '../support/realtime.js';
import { giveTicket, sellTickets } from '../tickets/support/access.js';
import { captionedSpace, say } from './support.js';

/**
 * Captions on two nodes (one PostgreSQL, one Redis): lines published on the
 * node that transcribes a speaker reach listeners on both, partials at most
 * one per speaker per 500 ms (the latest wins), a late joiner gets the last
 * finals in its snapshot, a ticketed space's words only reach those who may
 * hear it, and turning captions off stops them.
 */
let cluster: TestCluster;
before(async () => {
  // Node B on node A's DATA_DIR, as two processes sharing a volume.
  cluster = await startTestCluster({
    nodes: 2,
    redis: true,
    sharedDataDir: true,
    env: { MEDIA: 'off', HOST_MIN_FOLLOWERS: '0' },
  });
});
after(() => cluster.close());

type Caption = Extract<ServerMessage, { type: 'caption' }>;
const captionsOf = (rt: RealtimeClient, spaceId: string) =>
  rt.messages.filter((m): m is Caption => m.type === 'caption' && m.space_id === spaceId);

test('lines reach both nodes, partials are bounded (latest wins), finals follow, a late joiner gets the last 5', async () => {
  const host = await cluster.user(0);
  const space = await captionedSpace(host);
  const onA = await RealtimeClient.connect(cluster.url(0), (await cluster.user(0)).client);
  const onB = await RealtimeClient.connect(cluster.url(1), (await cluster.user(1)).client);
  const first = (await onB.subscribe(space.id)) as Extract<ServerMessage, { type: 'snapshot' }>;
  assert.equal(first.snapshot.captions?.state, 'running');
  assert.deepEqual(first.snapshot.captions?.recent, []);
  await onA.subscribe(space.id);
  const start = Date.parse(space.started_at);

  // Ten partials of one utterance at once (published on node A, as its pipeline
  // would). All ten are handed over before any is awaited: awaited one by one
  // on a loaded machine, they can outlast the 500 ms window, and then a third
  // partial is rightly sent.
  const pending = [];
  for (let i = 1; i <= 10; i++)
    pending.push(
      say(
        cluster.nodes[0]!,
        space.id,
        host.id,
        `hello ${i}`,
        start,
        start + i * 100,
        'partial',
        'utt-1',
      ),
    );
  const outcomes = await Promise.all(pending);
  assert.equal(outcomes[0], 'sent');
  assert.ok(
    outcomes.slice(1).every((o) => o === 'coalesced'),
    outcomes.join(),
  );
  for (const rt of [onA, onB])
    await eventually(
      () => captionsOf(rt, space.id).some((c) => c.text === 'hello 10'),
      'the latest partial',
    );
  for (const rt of [onA, onB]) {
    const partials = captionsOf(rt, space.id).filter((c) => c.kind === 'partial');
    assert.deepEqual(
      partials.map((c) => c.text),
      ['hello 1', 'hello 10'],
      'one now, the latest after 500 ms',
    );
    assert.equal(partials[0]!.speaker_id, host.id);
    assert.ok(partials[1]!.seq > partials[0]!.seq);
  }
  // The final replaces them, with a greater seq.
  assert.equal(
    await say(
      cluster.nodes[0]!,
      space.id,
      host.id,
      'hello everyone',
      start,
      start + 1200,
      'final',
      'utt-1',
    ),
    'stored',
  );
  const final = await onB.waitFor<Caption>(
    (m) => m.type === 'caption' && m.kind === 'final',
    5000,
    true,
  );
  assert.equal(final.text, 'hello everyone');
  assert.equal(final.utterance_id, 'utt-1');
  assert.ok(final.seq > captionsOf(onB, space.id)[1]!.seq);

  // Six more finals; a late joiner on B sees the last five, oldest first.
  for (let i = 2; i <= 7; i++)
    await say(cluster.nodes[0]!, space.id, host.id, `line ${i}`, start + i * 2000);
  const late = await RealtimeClient.connect(cluster.url(1), (await cluster.user(1)).client);
  const snap = (await late.subscribe(space.id)) as Extract<ServerMessage, { type: 'snapshot' }>;
  assert.deepEqual(
    snap.snapshot.captions?.recent.map((l) => l.text),
    ['line 3', 'line 4', 'line 5', 'line 6', 'line 7'],
  );
  for (const rt of [onA, onB, late]) await rt.close();
});

test('a ticketed space: captions only for those who may hear it', async () => {
  const host = await cluster.user(0);
  const space = await captionedSpace(host);
  await sellTickets(cluster.nodes[0]!, space.id, host.id);
  const holder = await cluster.user(1);
  await giveTicket(cluster.nodes[0]!, space.id, host.id, holder.id);
  const without = await cluster.user(1);
  const rtHolder = await RealtimeClient.connect(cluster.url(1), holder.client);
  const rtWithout = await RealtimeClient.connect(cluster.url(1), without.client);
  const h = (await rtHolder.subscribe(space.id)) as Extract<ServerMessage, { type: 'snapshot' }>;
  const w = (await rtWithout.subscribe(space.id)) as Extract<ServerMessage, { type: 'snapshot' }>;
  assert.equal(h.snapshot.captions?.state, 'running');
  assert.equal(w.snapshot.access, 'needs_ticket');
  assert.equal(w.snapshot.captions, undefined, 'no captions in the snapshot without a ticket');
  await say(
    cluster.nodes[0]!,
    space.id,
    host.id,
    'for holders only',
    Date.parse(space.started_at) + 1000,
  );
  await rtHolder.waitFor((m) => m.type === 'caption' && m.text === 'for holders only', 5000, true);
  // A marker both get after the caption: the one without a ticket had its chance and got nothing.
  const edit = await host.client.put(`/api/v1/spaces/${space.id}/clipping`, { clipping: false });
  assert.equal(edit.status, 200, JSON.stringify(edit.body));
  await rtWithout.waitFor((m) => m.type === 'event', 5000, true);
  assert.equal(captionsOf(rtWithout, space.id).length, 0);
  await rtHolder.close();
  await rtWithout.close();
});

test('captions off (the host) or a speaker opting out: no more lines; only the host or a co-host may switch', async () => {
  const host = await cluster.user(0);
  const space = await captionedSpace(host);
  const listener = await cluster.user(1);
  const rt = await RealtimeClient.connect(cluster.url(1), listener.client);
  await rt.subscribe(space.id);
  const start = Date.parse(space.started_at);
  // Not theirs to switch, nor a stage member's own choice for a listener.
  assert.equal(
    (await listener.client.put(`/api/v1/spaces/${space.id}/captions`, { enabled: false })).body
      .error.code,
    'not_host_or_cohost',
  );
  assert.equal(
    (await listener.client.put(`/api/v1/spaces/${space.id}/captions/me`, { enabled: false })).body
      .error.code,
    'not_on_stage',
  );
  assert.equal(
    (await host.client.put(`/api/v1/spaces/${space.id}/captions`, { enabled: 'no' })).status,
    400,
  );

  // The host opts out of their own captions: their lines stop.
  const own = await host.client.put(`/api/v1/spaces/${space.id}/captions/me`, { enabled: false });
  assert.equal(own.status, 200, JSON.stringify(own.body));
  await rt.waitFor(
    (m) => m.type === 'event' && m.events.some((e) => e.type === 'captions_opt_changed'),
    5000,
    true,
  );
  await eventually(
    async () =>
      (await say(cluster.nodes[0]!, space.id, host.id, 'not shown', start + 100)) === 'speaker_off',
    'node A sees the opt-out',
  );
  assert.deepEqual(rt.views.get(space.id)?.space.captions_off, [host.id]);
  assert.equal(
    (await host.client.put(`/api/v1/spaces/${space.id}/captions/me`, { enabled: true })).status,
    200,
  );
  await eventually(
    async () =>
      (await say(cluster.nodes[0]!, space.id, host.id, 'shown again', start + 200)) === 'stored',
    'back on',
  );
  await rt.waitFor((m) => m.type === 'caption' && m.text === 'shown again', 5000, true);

  // Off for the space: the event reaches node B, and node A drops every line after it.
  const off = await host.client.put(`/api/v1/spaces/${space.id}/captions`, { enabled: false });
  assert.equal(off.status, 200, JSON.stringify(off.body));
  assert.equal(off.body.captions, false);
  await rt.waitFor(
    (m) => m.type === 'event' && m.events.some((e) => e.type === 'captions_changed'),
    5000,
    true,
  );
  assert.equal(rt.views.get(space.id)?.space.captions, false);
  assert.equal(
    await say(cluster.nodes[0]!, space.id, host.id, 'after off', start + 300),
    'captions_off',
  );
  assert.equal(
    await say(
      cluster.nodes[0]!,
      space.id,
      host.id,
      'partial after off',
      start + 400,
      start + 500,
      'partial',
    ),
    'captions_off',
  );
  assert.ok(captionsOf(rt, space.id).every((c) => !c.text.includes('after off')));
  assert.equal(
    (await cluster.nodes[0]!.services.captions.store.lines(space.id, 100)).length,
    2 - 1 + 0,
    'only "shown again" stored',
  );
  await rt.close();
});
