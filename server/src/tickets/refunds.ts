import type { Transaction } from 'kysely';
import type { Storage } from '../db/database.js';
import type { Database, TicketsTable } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { Clock } from '../util/clock.js';
import { post, refundEntries } from './ledger.js';
import type { PaymentProvider } from './providers/types.js';

export type RefundReason =
  | 'cancelled'
  | 'no_show'
  | 'admin'
  | 'removed'
  | 'space_ended'
  | 'sold_out'
  | 'provider';

/** Told of each ticket refunded (or found refunded): notifies the buyer, once by its key. */
export type Refunded = (ticket: TicketsTable) => Promise<void>;

const PAGE = 200;

/**
 * Money back to buyers. A refund reverses the purchase exactly (ledger.ts):
 * from escrow before the space is settled, from the host's payable and the
 * platform's fee, as the settlement recorded them, after. Idempotent end to
 * end: the provider's refund carries the key `refund:<checkout>`, the ledger
 * transaction the same key, and the ticket moves to `refunded` with a
 * conditional update; a second call, a retried job or another node finds the
 * work done and only makes sure the buyer was told.
 */
export class Refunds {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly provider: PaymentProvider,
    private readonly refunded: Refunded,
  ) {}

  private get db() {
    return this.storage.db;
  }

  /**
   * Refunds one ticket. `externalRef`: the provider already refunded it (a
   * `charge.refunded` webhook): no call goes out, the ledger follows.
   */
  async refund(
    ticketId: string,
    reason: RefundReason,
    externalRef: string | null = null,
  ): Promise<TicketsTable> {
    const ticket = await this.load(ticketId);
    if (ticket.state === 'refunded') {
      await this.refunded(ticket);
      return ticket;
    }
    const purchase = await this.db
      .selectFrom('ledger_transactions')
      .select('id')
      .where('idempotency_key', '=', `purchase:${ticket.checkout_id}`)
      .executeTakeFirst();
    if (!purchase) {
      throw AppError.conflict('ticket_not_refundable', 'This ticket was never paid.');
    }
    const refundRef =
      externalRef ??
      (
        await this.provider.refund({
          ticketId: ticket.id,
          paymentRef: ticket.payment_ref,
          amountMinor: ticket.price_minor,
          idempotencyKey: `refund:${ticket.checkout_id}`,
        })
      ).refundRef;
    const done = await this.db.transaction().execute(async (trx) => {
      const now = this.clock.now();
      // The ticket's row lock orders this refund against its settlement (settlement.ts).
      const moved = await trx
        .updateTable('tickets')
        .set({ state: 'refunded', refunded_at: now, refund_ref: refundRef, refund_reason: reason })
        .where('id', '=', ticket.id)
        .where('checkout_id', '=', ticket.checkout_id)
        .where('state', 'in', ['paid', 'cancelled'])
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) return false;
      await this.postRefund(trx, ticket, refundRef, now);
      // A paid ticket held a sold seat; a late payment (cancelled) never did.
      if (ticket.state === 'paid') {
        await trx
          .updateTable('ticket_offers')
          .set((eb) => ({ sold: eb('sold', '-', 1), updated_at: now }))
          .where('space_id', '=', ticket.space_id)
          .where('sold', '>', 0)
          .execute();
      }
      return true;
    });
    const after = await this.load(ticket.id);
    if (done || after.state === 'refunded') await this.refunded(after);
    return after;
  }

  private async postRefund(
    trx: Transaction<Database>,
    ticket: TicketsTable,
    refundRef: string,
    now: number,
  ): Promise<void> {
    const settlement = await trx
      .selectFrom('ledger_transactions')
      .select('id')
      .where('idempotency_key', '=', `settle:${ticket.checkout_id}`)
      .executeTakeFirst();
    const settled = settlement
      ? (
          await trx
            .selectFrom('ledger_entries')
            .select(['account', 'amount_minor'])
            .where('transaction_id', '=', settlement.id)
            .execute()
        ).map((e) => ({ account: e.account, amountMinor: Number(e.amount_minor) }))
      : null;
    await post(
      trx,
      {
        // Alike the purchase's posting (buying.ts) in shape: the entries and their signs differ.
        key: `refund:${ticket.checkout_id}`,
        kind: 'refund',
        currency: ticket.currency,
        spaceId: ticket.space_id,
        ticketId: ticket.id,
        hostId: ticket.host_id,
        externalRef: refundRef,
        entries: refundEntries(ticket.user_id, ticket.space_id, ticket.price_minor, settled),
      },
      now,
    );
  }

  /**
   * Refunds every paid ticket of a space, page by page; `progress` is called
   * between pages (a job extends its lease there, and stops if it lost it).
   */
  async refundSpace(
    spaceId: string,
    reason: RefundReason,
    progress: () => Promise<boolean> = async () => true,
  ): Promise<number> {
    let count = 0;
    let after = '';
    for (;;) {
      const page = await this.db
        .selectFrom('tickets')
        .select('id')
        .where('space_id', '=', spaceId)
        .where('state', '=', 'paid')
        .where('id', '>', after)
        .orderBy('id')
        .limit(PAGE)
        .execute();
      for (const { id } of page) {
        await this.refund(id, reason);
        count += 1;
      }
      // Tickets already refunded by an earlier run still owe their buyer a notice.
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.id;
      if (!(await progress())) throw new Error('lost the lease; another node resumes');
    }
    await this.notifyRefundedOf(spaceId);
    return count;
  }

  /** After a crash between a refund and its notice, the notice still goes (once, by key). */
  private async notifyRefundedOf(spaceId: string): Promise<void> {
    const rows = await this.db
      .selectFrom('tickets')
      .selectAll()
      .where('space_id', '=', spaceId)
      .where('state', '=', 'refunded')
      .execute();
    for (const row of rows) await this.refunded(row);
  }

  private async load(ticketId: string): Promise<TicketsTable> {
    const ticket = await this.db
      .selectFrom('tickets')
      .selectAll()
      .where('id', '=', ticketId)
      .executeTakeFirst();
    if (!ticket) throw AppError.notFound('ticket');
    return ticket;
  }
}
