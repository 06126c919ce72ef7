import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServerMessage } from '@salon/protocol';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { RealtimeClient } from '../support/realtime.js';

/**
 * The whole path through the tickets routes, on two nodes: a listener on
 * node B without a ticket sees the space and is refused its audio; they buy
 * with the test provider through node A and are let in on B at once; an
 * admin's refund through node A takes it away on B at once (the tickets core
 * announces each committed change to `TicketAccess`, which the bus carries).
 */

let requests = 0;
async function answer(rt: RealtimeClient, message: Record<string, unknown>): Promise<string> {
  const requestId = `f${++requests}`;
  const reply = rt.waitFor((m) => 'request_id' in m && m.request_id === requestId);
  rt.ws.send(JSON.stringify({ ...message, request_id: requestId }));
  const m = await reply;
  return m.type === 'error' ? m.code : 'ok';
}

const snapshotWith = (spaceId: string, access: string) => (m: ServerMessage) =>
  m.type === 'snapshot' && m.space_id === spaceId && m.snapshot.access === access;

describe('buying and refunding a ticket, as access sees it on another node', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({
      nodes: 2,
      redis: true,
      env: { HOST_MIN_FOLLOWERS: '0', MEDIA: 'off' },
    });
  });
  after(() => cluster.close());

  test('pay through A → hear on B; refund through A → refused on B', async () => {
    const admin = await cluster.user(0, 'tfadmin'); // the first account: admins always sell
    const soon = new Date(Date.now() + 3600_000).toISOString();
    const created = await admin.client.post('/api/v1/spaces', {
      title: 'Paid evening',
      scheduled_start: soon,
      ticketing: { price_minor: 500, count: 5 },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const spaceId = created.body.id as string;
    assert.equal(created.body.ticketing.price_minor, 500);
    assert.equal((await admin.client.post(`/api/v1/spaces/${spaceId}/start`)).status, 200);

    const buyerA = await cluster.user(0, 'tfbuyer');
    // The same account on node B (its own sign-in): the socket and the checks there.
    const onB = cluster.client(1);
    onB.cookies.clear();
    for (const [k, v] of buyerA.client.cookies) onB.cookies.set(k, v);
    const rt = await RealtimeClient.connect(cluster.url(1), onB);
    const sub = (await rt.subscribe(spaceId)) as Extract<ServerMessage, { type: 'snapshot' }>;
    assert.equal(sub.snapshot.access, 'needs_ticket');
    assert.equal(sub.snapshot.space.ticketing?.left, 5);
    assert.equal(await answer(rt, { type: 'media_listen', space_id: spaceId }), 'ticket_required');
    assert.equal((await onB.get(`/api/v1/spaces/${spaceId}`)).body.access, 'needs_ticket');

    const checkout = await buyerA.client.post(`/api/v1/spaces/${spaceId}/tickets`);
    assert.equal(checkout.status < 300, true, JSON.stringify(checkout.body));
    assert.equal(checkout.body.checkout.provider, 'test');
    const granted = rt.waitFor(snapshotWith(spaceId, 'holder'));
    const paid = await buyerA.client.post(
      `/api/v1/tickets/test-checkouts/${checkout.body.checkout.id}/pay`,
    );
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    await granted;
    assert.equal(
      await answer(rt, { type: 'media_listen', space_id: spaceId }),
      'media_unavailable',
    );
    assert.equal((await onB.get(`/api/v1/spaces/${spaceId}`)).body.access, 'holder');

    const revoked = rt.waitFor(snapshotWith(spaceId, 'needs_ticket'));
    const refund = await admin.client.post(`/api/v1/admin/tickets/${paid.body.ticket.id}/refund`);
    assert.equal(refund.status, 200, JSON.stringify(refund.body));
    assert.equal(refund.body.state, 'refunded');
    await revoked;
    assert.equal(await answer(rt, { type: 'media_listen', space_id: spaceId }), 'ticket_required');
    assert.equal((await onB.get(`/api/v1/spaces/${spaceId}`)).body.access, 'needs_ticket');
    await rt.close();
  });
});
