import { sql } from 'kysely';
import type { Storage } from '../db/database.js';
import type { TicketsTable } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { Clock } from '../util/clock.js';
import {
  account,
  balance,
  lifetimeGross,
  payoutEntries,
  post,
  settlementEntries,
} from './ledger.js';
import type { PaymentProvider } from './providers/types.js';
import { splitSale } from './rules.js';
import type { TicketSettings } from './settings.js';

export interface Payout {
  host_id: string;
  amount_minor: number;
  currency: string;
  provider: 'test' | 'stripe';
  reference: string;
  created_at: string;
}

/**
 * The space ended: each paid ticket moves out of escrow, to the host's
 * payable and the platform's fee, sale by sale in the order they were paid,
 * each at the rate of the host's lifetime gross at that sale (rules.ts splits
 * a sale that crosses the threshold). Each settlement locks the host's row
 * first, so two spaces of one host settling on two nodes count the lifetime in
 * turn, and the ticket's row, so a refund racing it sees it settled or not at
 * all. Keyed `settle:<checkout>`: a rerun writes nothing twice.
 */
export class Settlement {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly settings: TicketSettings,
    private readonly provider: PaymentProvider,
  ) {}

  private get db() {
    return this.storage.db;
  }

  async settleSpace(spaceId: string): Promise<number> {
    const tickets = await this.db
      .selectFrom('tickets')
      .selectAll()
      .where('space_id', '=', spaceId)
      .where('state', '=', 'paid')
      .orderBy('paid_at')
      .orderBy('id')
      .execute();
    let settled = 0;
    for (const ticket of tickets) if (await this.settleTicket(ticket)) settled += 1;
    return settled;
  }

  private settleTicket(ticket: TicketsTable): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const now = this.clock.now();
      await trx
        .updateTable('users')
        .set((eb) => ({ id: eb.ref('id') }))
        .where('id', '=', ticket.host_id)
        .execute();
      const still = await trx
        .updateTable('tickets')
        .set((eb) => ({ state: eb.ref('state') }))
        .where('id', '=', ticket.id)
        .where('state', '=', 'paid')
        .where('checkout_id', '=', ticket.checkout_id)
        .executeTakeFirst();
      if (Number(still.numUpdatedRows) !== 1) return false; // refunded meanwhile
      const key = `settle:${ticket.checkout_id}`;
      const done = await trx
        .selectFrom('ledger_transactions')
        .select('id')
        .where('idempotency_key', '=', key)
        .executeTakeFirst();
      if (done) return false;
      const lifetime = await lifetimeGross(trx, ticket.host_id, ticket.currency);
      const split = splitSale(ticket.price_minor, lifetime, this.settings);
      return post(
        trx,
        {
          key,
          kind: 'settlement',
          currency: ticket.currency,
          spaceId: ticket.space_id,
          ticketId: ticket.id,
          hostId: ticket.host_id,
          entries: settlementEntries(
            ticket.space_id,
            ticket.host_id,
            ticket.price_minor,
            split.feeMinor,
          ),
        },
        now,
      );
    });
  }

  /**
   * Pays out a host's whole payable balance: a transfer to their Stripe
   * connected account, or with the test provider a "mark paid" that only
   * writes the ledger. The key counts the host's payouts, so two admins
   * clicking at once, or a retry, pay once (Stripe sees the same key too).
   */
  async payout(hostId: string): Promise<Payout> {
    const currency = this.settings.currency;
    const amount = await balance(this.db, account.hostPayable(hostId), currency);
    if (amount <= 0) {
      throw AppError.conflict('nothing_to_pay', 'This host has no balance to pay out.');
    }
    const previous = await this.db
      .selectFrom('ledger_transactions')
      .select(sql<number>`count(*)`.as('n'))
      .where('kind', '=', 'payout')
      .where('host_id', '=', hostId)
      .executeTakeFirst();
    const key = `payout:${hostId}:${Number(previous?.n ?? 0) + 1}`;
    const seller = await this.db
      .selectFrom('ticket_sellers')
      .select('stripe_account_id')
      .where('user_id', '=', hostId)
      .executeTakeFirst();
    const { reference } = await this.provider.payout({
      hostId,
      accountId: seller?.stripe_account_id ?? null,
      amountMinor: amount,
      currency,
      idempotencyKey: key,
    });
    const now = this.clock.now();
    const wrote = await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set((eb) => ({ id: eb.ref('id') }))
        .where('id', '=', hostId)
        .execute();
      // What was transferred is written, even if a refund moved the balance meanwhile
      // (the payable may then dip below zero: a debt the next payout nets).
      return post(
        trx,
        {
          key,
          kind: 'payout',
          currency,
          hostId,
          externalRef: reference,
          entries: payoutEntries(hostId, amount),
        },
        now,
      );
    });
    if (!wrote) {
      throw AppError.conflict('payout_in_progress', 'Another payout of this host just happened.');
    }
    return {
      host_id: hostId,
      amount_minor: amount,
      currency,
      provider: this.provider.name,
      reference,
      created_at: new Date(now).toISOString(),
    };
  }
}
