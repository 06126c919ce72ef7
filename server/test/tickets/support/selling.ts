import assert from 'node:assert/strict';
import type { Client } from '../../support/client.js';
import { scheduledSpace } from '../../support/factories.js';
import type { TestServer } from '../../support/server.js';

/** Settings under which anyone of age may host and sell: the tests' hosts need no audience. */
export const OPEN_SELLING = {
  HOST_MIN_FOLLOWERS: '0',
  TICKET_SELLER_MIN_FOLLOWERS: '0',
  TICKET_SELLER_MIN_SPACES: '0',
};

/** A signed-in seller: attested 18+ (the rules above ask nothing else). */
export async function seller(t: TestServer) {
  const host = await t.user();
  const attested = await host.client.put('/api/v1/tickets/seller', { birth_date: '1990-04-02' });
  assert.equal(attested.status, 200, JSON.stringify(attested.body));
  assert.equal(attested.body.eligible, true, JSON.stringify(attested.body));
  return host;
}

/** A space scheduled `hoursAhead` from the server's clock, with tickets. */
export async function ticketedSpace(
  host: { client: Client },
  ticketing: { price_minor: number; count: number },
  startAt: number,
) {
  return scheduledSpace(host, startAt, { title: 'A ticketed talk', ticketing });
}

/** Buys with the test provider: a checkout, then its pay. */
export async function buy(client: Client, spaceId: string) {
  const checkout = await client.post(`/api/v1/spaces/${spaceId}/tickets`);
  assert.equal(checkout.status, 200, JSON.stringify(checkout.body));
  const paid = await client.post(`/api/v1/tickets/test-checkouts/${checkout.body.checkout.id}/pay`);
  assert.equal(paid.status, 200, JSON.stringify(paid.body));
  return paid.body.ticket as { id: string; state: string };
}

/** Every ledger entry, summed per transaction and per currency: each must be zero. */
export async function ledgerImbalances(t: TestServer): Promise<string[]> {
  const db = t.server.services.storage.db;
  const rows = await db
    .selectFrom('ledger_entries')
    .select(['transaction_id', 'currency', 'amount_minor'])
    .execute();
  const sums = new Map<string, number>();
  for (const r of rows) {
    for (const k of [`tx ${r.transaction_id}`, `currency ${r.currency}`]) {
      sums.set(k, (sums.get(k) ?? 0) + Number(r.amount_minor));
    }
  }
  return [...sums].filter(([, v]) => v !== 0).map(([k, v]) => `${k}: ${v}`);
}

export async function balanceOf(t: TestServer, account: string): Promise<number> {
  const rows = await t.server.services.storage.db
    .selectFrom('ledger_entries')
    .select('amount_minor')
    .where('account', '=', account)
    .execute();
  return rows.reduce((n, r) => n + Number(r.amount_minor), 0);
}
