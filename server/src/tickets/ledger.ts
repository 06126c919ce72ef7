import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, LedgerTransactionsTable } from '../db/schema.js';
import { newId } from '../util/ids.js';

/**
 * The money trail: double-entry, append-only, integer minor units.
 *
 * Accounts (a balance is the sum of an account's entries):
 * - `buyer:<user>`: the outside world a buyer's money comes from; it only goes
 *   negative (−paid) and back towards zero with refunds;
 * - `escrow:<space>`: what a space's sales hold until it ends; never negative;
 * - `host_payable:<host>`: settled revenue owed to the host; a refund of a
 *   settled ticket after a payout may take it below zero (a debt netted against
 *   the next payout);
 * - `platform_fees`: the platform's fees; never negative;
 * - `host_paid:<host>`: what was paid out to the host; only grows.
 *
 * Every transaction's entries sum to zero, and a transaction is written once:
 * its idempotency key is unique, so a retried job or a redelivered webhook
 * that posts it again writes nothing.
 */
export const account = {
  buyer: (userId: string) => `buyer:${userId}`,
  escrow: (spaceId: string) => `escrow:${spaceId}`,
  hostPayable: (hostId: string) => `host_payable:${hostId}`,
  hostPaid: (hostId: string) => `host_paid:${hostId}`,
  platformFees: 'platform_fees',
} as const;

export interface Posting {
  account: string;
  amountMinor: number;
}

export interface LedgerTransaction {
  key: string;
  kind: LedgerTransactionsTable['kind'];
  currency: string;
  spaceId?: string | null;
  ticketId?: string | null;
  hostId?: string | null;
  externalRef?: string | null;
  entries: Posting[];
}

type Db = Kysely<Database> | Transaction<Database>;

/** A transaction that does not balance, or carries a non-integer amount, is a bug: refused. */
export function checkBalanced(entries: readonly Posting[]): void {
  let sum = 0;
  for (const e of entries) {
    if (!Number.isSafeInteger(e.amountMinor))
      throw new Error(`ledger: bad amount ${e.amountMinor}`);
    sum += e.amountMinor;
  }
  if (sum !== 0) throw new Error(`ledger: entries sum to ${sum}, not 0`);
}

/**
 * Writes a transaction unless its key was used; true when this call wrote it.
 * Call inside the transaction that makes the change it records.
 */
export async function post(db: Db, tx: LedgerTransaction, now: number): Promise<boolean> {
  checkBalanced(tx.entries);
  const id = newId(now);
  const inserted = await db
    .insertInto('ledger_transactions')
    .values({
      id,
      idempotency_key: tx.key,
      kind: tx.kind,
      currency: tx.currency,
      space_id: tx.spaceId ?? null,
      ticket_id: tx.ticketId ?? null,
      host_id: tx.hostId ?? null,
      external_ref: tx.externalRef ?? null,
      created_at: now,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
  const entries = tx.entries.filter((e) => e.amountMinor !== 0);
  if (entries.length > 0) {
    await db
      .insertInto('ledger_entries')
      .values(
        entries.map((e, i) => ({
          id: `${id}${String(i).padStart(2, '0')}`,
          transaction_id: id,
          account: e.account,
          amount_minor: e.amountMinor,
          currency: tx.currency,
          created_at: now,
        })),
      )
      .execute();
  }
  return true;
}

// ---- the transactions of a ticket's life ---------------------------------------

/** A purchase: the buyer's money into the space's escrow. */
export function purchaseEntries(buyerId: string, spaceId: string, priceMinor: number): Posting[] {
  return [
    { account: account.buyer(buyerId), amountMinor: -priceMinor },
    { account: account.escrow(spaceId), amountMinor: priceMinor },
  ];
}

/** The space ended: one ticket's price out of escrow, to the host and the platform. */
export function settlementEntries(
  spaceId: string,
  hostId: string,
  priceMinor: number,
  feeMinor: number,
): Posting[] {
  return [
    { account: account.escrow(spaceId), amountMinor: -priceMinor },
    { account: account.hostPayable(hostId), amountMinor: priceMinor - feeMinor },
    { account: account.platformFees, amountMinor: feeMinor },
  ];
}

/**
 * A refund reverses the purchase exactly: before settlement out of escrow;
 * after it, out of the host's payable and the platform's fees, in the very
 * amounts the settlement recorded (`settled`: its entries).
 */
export function refundEntries(
  buyerId: string,
  spaceId: string,
  priceMinor: number,
  settled: readonly Posting[] | null,
): Posting[] {
  const back = { account: account.buyer(buyerId), amountMinor: priceMinor };
  if (!settled) return [{ account: account.escrow(spaceId), amountMinor: -priceMinor }, back];
  return [
    ...settled
      .filter((e) => !e.account.startsWith('escrow:'))
      .map((e) => ({ account: e.account, amountMinor: -e.amountMinor })),
    back,
  ];
}

export function payoutEntries(hostId: string, amountMinor: number): Posting[] {
  return [
    { account: account.hostPayable(hostId), amountMinor: -amountMinor },
    { account: account.hostPaid(hostId), amountMinor: amountMinor },
  ];
}

// ---- reads ------------------------------------------------------------------

export async function balance(db: Db, accountName: string, currency: string): Promise<number> {
  const row = await db
    .selectFrom('ledger_entries')
    .select(sql<number>`coalesce(sum(amount_minor), 0)`.as('sum'))
    .where('account', '=', accountName)
    .where('currency', '=', currency)
    .executeTakeFirst();
  return Number(row?.sum ?? 0);
}

/** Balances of every account whose name starts with `prefix` (e.g. `host_payable:`). */
export async function balancesLike(
  db: Db,
  prefix: string,
  currency: string,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('ledger_entries')
    .select(['account', sql<number>`sum(amount_minor)`.as('sum')])
    .where('account', 'like', `${prefix}%`)
    .where('currency', '=', currency)
    .groupBy('account')
    .execute();
  return new Map(rows.map((r) => [r.account, Number(r.sum)]));
}

/** The entries of a ticket's transaction of one kind (its settlement), or null. */
export async function entriesOf(
  db: Db,
  ticketId: string,
  kind: LedgerTransactionsTable['kind'],
): Promise<Posting[] | null> {
  const tx = await db
    .selectFrom('ledger_transactions')
    .select('id')
    .where('ticket_id', '=', ticketId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (!tx) return null;
  const rows = await db
    .selectFrom('ledger_entries')
    .select(['account', 'amount_minor'])
    .where('transaction_id', '=', tx.id)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ account: r.account, amountMinor: Number(r.amount_minor) }));
}

/**
 * A host's lifetime ticket revenue as the fee schedule counts it: the gross of
 * every settled sale. Refunds after settlement do not lower it (the fee rate
 * a host reached never goes back, so refund cycles cannot game the threshold).
 */
export async function lifetimeGross(db: Db, hostId: string, currency: string): Promise<number> {
  const row = await db
    .selectFrom('ledger_entries')
    .innerJoin('ledger_transactions', 'ledger_transactions.id', 'ledger_entries.transaction_id')
    .select(sql<number>`coalesce(sum(ledger_entries.amount_minor), 0)`.as('sum'))
    .where('ledger_transactions.kind', '=', 'settlement')
    .where('ledger_transactions.host_id', '=', hostId)
    .where('ledger_entries.currency', '=', currency)
    .where('ledger_entries.account', 'like', 'escrow:%')
    .executeTakeFirst();
  return -Number(row?.sum ?? 0);
}
