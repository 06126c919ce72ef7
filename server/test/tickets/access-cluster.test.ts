import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import type { ServerMessage } from '@salon/protocol';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { liveSpace } from '../support/factories.js';
import { RealtimeClient } from '../support/realtime.js';
import { giveTicket, refundTicket, sellTickets } from './support/access.js';

/**
 * A ticket's changes cross nodes in one bus hop: a refund, a grant or a
 * removal committed through node A takes effect on node B's open
 * connections and on the HLS links B serves, although B had the answer
 * cached. Two nodes on one PostgreSQL and one Redis, without media.
 */

let requests = 0;
async function answer(rt: RealtimeClient, message: Record<string, unknown>): Promise<string> {
  const requestId = `c${++requests}`;
  const reply = rt.waitFor((m) => 'request_id' in m && m.request_id === requestId);
  rt.ws.send(JSON.stringify({ ...message, request_id: requestId }));
  const m = await reply;
  return m.type === 'error' ? m.code : 'ok';
}

const snapshotWith = (spaceId: string, access: string) => (m: ServerMessage) =>
  m.type === 'snapshot' && m.space_id === spaceId && m.snapshot.access === access;

describe('ticket changes on two nodes (PostgreSQL + Redis)', () => {
  let cluster: TestCluster;
  let spaceId: string;
  let hostId: string;
  let host: Awaited<ReturnType<TestCluster['user']>>;
  before(async () => {
    cluster = await startTestCluster({
      nodes: 2,
      redis: true,
      env: { HOST_MIN_FOLLOWERS: '0', MEDIA: 'off' },
    });
    host = await cluster.user(0, 'tchost');
    hostId = host.id;
    spaceId = (await liveSpace(host, { title: 'Two nodes, tickets' })).id;
    await sellTickets(cluster.nodes[0]!, spaceId, hostId);
  });
  after(() => cluster.close());

  /** A holder whose socket and HLS link are on node B, with B's cache warmed by a check. */
  async function holderOnB(handle: string) {
    const u = await cluster.user(1, handle);
    await giveTicket(cluster.nodes[0]!, spaceId, hostId, u.id);
    const rt = await RealtimeClient.connect(cluster.url(1), u.client);
    const sub = (await rt.subscribe(spaceId)) as Extract<ServerMessage, { type: 'snapshot' }>;
    assert.equal(sub.snapshot.access, 'holder');
    assert.equal(
      await answer(rt, { type: 'media_listen', space_id: spaceId }),
      'media_unavailable',
    );
    const b = cluster.nodes[1]!.services;
    const link = b.hls.signer.issueFor(
      spaceId,
      'live',
      `u${u.id}`,
      b.clock.now(),
      60,
      'l000001.ts',
    );
    const fetched = await u.client.get(link.path);
    assert.equal(fetched.body.error.code, 'file_not_found', 'the link passes B’s guard');
    return { ...u, rt, link: link.path };
  }

  test('a refund committed on node A revokes on node B: the socket, WebRTC requests and the HLS link', async (t) => {
    const p = await holderOnB('tcrefund');
    const fresh = p.rt.waitFor(snapshotWith(spaceId, 'needs_ticket'));
    const start = performance.now();
    await refundTicket(cluster.nodes[0]!, spaceId, p.id);
    await fresh;
    t.diagnostic(
      `node B sent the needs_ticket snapshot ${Math.round(performance.now() - start)} ms after the refund on A`,
    );
    assert.equal(
      await answer(p.rt, { type: 'media_listen', space_id: spaceId }),
      'ticket_required',
    );
    assert.equal(await answer(p.rt, { type: 'feeds_watch', space_id: spaceId }), 'ticket_required');
    const refused = await p.client.get(p.link);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'ticket_required');
    await p.rt.close();
  });

  test('a removal through node A revokes the holder on node B', async () => {
    const p = await holderOnB('tcbanned');
    const removed = p.rt.waitFor((m) => m.type === 'removed_from_space' && m.space_id === spaceId);
    const reply = await host.client.post(`/api/v1/spaces/${spaceId}/removals`, {
      kind: 'user',
      id: p.id,
    });
    assert.ok(reply.status < 300, JSON.stringify(reply.body));
    await removed;
    assert.equal(
      await answer(p.rt, { type: 'media_listen', space_id: spaceId }),
      'removed_from_space',
    );
    const refused = await p.client.get(p.link);
    assert.equal(refused.body.error.code, 'removed_from_space');
    await p.rt.close();
  });

  test('a ticket granted on node A lets its buyer in on node B at once', async () => {
    const u = await cluster.user(1, 'tclate');
    const rt = await RealtimeClient.connect(cluster.url(1), u.client);
    const sub = (await rt.subscribe(spaceId)) as Extract<ServerMessage, { type: 'snapshot' }>;
    assert.equal(sub.snapshot.access, 'needs_ticket');
    // B now caches "no ticket"; the grant on A must replace that, not wait for it to expire.
    assert.equal(await answer(rt, { type: 'media_listen', space_id: spaceId }), 'ticket_required');
    const fresh = rt.waitFor(snapshotWith(spaceId, 'holder'));
    await giveTicket(cluster.nodes[0]!, spaceId, hostId, u.id);
    await fresh;
    assert.equal(
      await answer(rt, { type: 'media_listen', space_id: spaceId }),
      'media_unavailable',
    );
    await rt.close();
  });
});
