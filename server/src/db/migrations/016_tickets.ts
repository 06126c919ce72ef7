import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Ticketed spaces (server/src/tickets). The offer lives beside the space, not in its
 * JSON aggregate: `sold` and `held` are counters that a conditional update moves
 * (`sold + held < count`), which both engines apply atomically under races.
 * One ticket row per person and space (UNIQUE), whatever its state. The ledger is
 * append-only double entry in integer minor units, with no foreign keys: the money
 * trail outlives the spaces and accounts it mentions. `idempotency_key` is unique, so a
 * retried job or a redelivered webhook writes its transaction once. Payment events
 * already seen are kept by id, so a duplicate delivery is recognised.
 */
export function tickets(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('ticket_offers')
        .addColumn('space_id', 'text', (c) =>
          c.primaryKey().references('spaces.id').onDelete('cascade'),
        )
        .addColumn('host_id', 'text', (c) => c.notNull())
        .addColumn('price_minor', 'integer', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        /** Paid tickets. */
        .addColumn('sold', 'integer', (c) => c.notNull().defaultTo(0))
        /** Seats reserved by pending checkouts. */
        .addColumn('held', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('tickets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('space_id', 'text', (c) =>
          c.notNull().references('spaces.id').onDelete('cascade'),
        )
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('host_id', 'text', (c) => c.notNull())
        // pending | paid | refunded | cancelled (an abandoned or expired checkout)
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('price_minor', 'integer', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('checkout_id', 'text', (c) => c.notNull())
        /** The provider's payment (Stripe payment_intent), known once paid. */
        .addColumn('payment_ref', 'text')
        /** The provider's refund, once refunded. */
        .addColumn('refund_ref', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        /** A pending checkout holds its seat until then. */
        .addColumn('hold_until', 'bigint')
        .addColumn('paid_at', 'bigint')
        .addColumn('refunded_at', 'bigint')
        .addColumn('refund_reason', 'text')
        .addUniqueConstraint('tickets_one_per_person', ['space_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('tickets_checkout')
        .on('tickets')
        .columns(['provider', 'checkout_id'])
        .unique()
        .execute();
      await db.schema
        .createIndex('tickets_user')
        .on('tickets')
        .columns(['user_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('tickets_space_state')
        .on('tickets')
        .columns(['space_id', 'state'])
        .execute();

      await db.schema
        .createTable('ticket_sellers')
        .addColumn('user_id', 'text', (c) =>
          c.primaryKey().references('users.id').onDelete('cascade'),
        )
        /** 'YYYY-MM-DD', the 18+ attestation; stored once. */
        .addColumn('birth_date', 'text')
        /** An admin's grant of selling, whatever the other rules say. */
        .addColumn('granted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('granted_by', 'text')
        /** The host's Stripe connected account (acct_…), for payouts by transfer. */
        .addColumn('stripe_account_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('ledger_transactions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        // purchase | settlement | refund | payout
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('space_id', 'text')
        .addColumn('ticket_id', 'text')
        .addColumn('host_id', 'text')
        /** The provider's reference (a payment, refund or transfer id). */
        .addColumn('external_ref', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('ledger_transactions_ticket')
        .on('ledger_transactions')
        .columns(['ticket_id', 'kind'])
        .execute();
      await db.schema
        .createIndex('ledger_transactions_host')
        .on('ledger_transactions')
        .columns(['host_id', 'kind'])
        .execute();

      await db.schema
        .createTable('ledger_entries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('transaction_id', 'text', (c) =>
          c.notNull().references('ledger_transactions.id'),
        )
        .addColumn('account', 'text', (c) => c.notNull())
        /** Signed minor units: debits negative, credits positive; a transaction sums to 0. */
        .addColumn('amount_minor', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('ledger_entries_account')
        .on('ledger_entries')
        .columns(['account', 'currency'])
        .execute();
      await db.schema
        .createIndex('ledger_entries_transaction')
        .on('ledger_entries')
        .column('transaction_id')
        .execute();

      await db.schema
        .createTable('payment_events')
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        /** The payment the event is about (a checkout session or payment intent id). */
        .addColumn('object_ref', 'text')
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('payment_events_pk', ['provider', 'event_id'])
        .execute();
      await db.schema
        .createIndex('payment_events_object')
        .on('payment_events')
        .columns(['object_ref', 'type'])
        .execute();
    },
  };
}
