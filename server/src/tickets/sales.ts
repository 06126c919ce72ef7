import type { SalesTotals, SpaceSalesFigures } from '@salon/protocol';
import { sql } from 'kysely';
import type { Storage } from '../db/database.js';
import { account, balance, balancesLike, lifetimeGross } from './ledger.js';
import { feeRateNow } from './rules.js';
import type { TicketSettings } from './settings.js';

export interface SpaceSales extends SpaceSalesFigures {
  space_id: string;
  space_state: string;
}

export interface HostSales {
  currency: string;
  lifetime_gross_minor: number;
  fee_rate_bps_now: number;
  totals: SalesTotals;
  spaces: SpaceSales[];
}

/**
 * What the ledger says, for the host's sales page and the admin's totals:
 * every figure is a sum of ledger entries, so the pages agree with the CSV.
 * Per space: gross = purchases, refunded = refunds, fee = the platform's fee
 * kept (settlements less the fees refunded), net = gross − refunded − fee.
 */
export class SalesReports {
  constructor(
    private readonly storage: Storage,
    private readonly settings: TicketSettings,
  ) {}

  private get db() {
    return this.storage.db;
  }

  async forHost(hostId: string): Promise<HostSales> {
    const currency = this.settings.currency;
    const rows = await this.db
      .selectFrom('ledger_entries')
      .innerJoin('ledger_transactions', 'ledger_transactions.id', 'ledger_entries.transaction_id')
      .select([
        'ledger_transactions.space_id as space_id',
        'ledger_transactions.kind as kind',
        'ledger_entries.account as account',
        sql<number>`sum(ledger_entries.amount_minor)`.as('sum'),
      ])
      .where('ledger_transactions.host_id', '=', hostId)
      .where('ledger_transactions.kind', '!=', 'payout')
      .where('ledger_entries.currency', '=', currency)
      .groupBy([
        'ledger_transactions.space_id',
        'ledger_transactions.kind',
        'ledger_entries.account',
      ])
      .execute();
    const bySpace = new Map<string, { gross: number; refunded: number; fee: number }>();
    for (const r of rows) {
      if (!r.space_id) continue;
      const s = bySpace.get(r.space_id) ?? { gross: 0, refunded: 0, fee: 0 };
      const sum = Number(r.sum);
      if (r.kind === 'purchase' && r.account.startsWith('escrow:')) s.gross += sum;
      if (r.kind === 'refund' && r.account.startsWith('buyer:')) s.refunded += sum;
      if (r.account === account.platformFees) s.fee += sum;
      bySpace.set(r.space_id, s);
    }
    const ids = [...bySpace.keys()];
    const spaceRows = ids.length
      ? await this.db
          .selectFrom('spaces')
          .select(['id', 'state', 'created_at'])
          .where('id', 'in', ids)
          .execute()
      : [];
    const stateOf = new Map(spaceRows.map((s) => [s.id, s]));
    const sold = ids.length
      ? await this.db
          .selectFrom('tickets')
          .select(['space_id', sql<number>`count(*)`.as('n')])
          .where('space_id', 'in', ids)
          .where('state', '=', 'paid')
          .groupBy('space_id')
          .execute()
      : [];
    const soldOf = new Map(sold.map((r) => [r.space_id, Number(r.n)]));
    const spaces: SpaceSales[] = ids
      .map((id) => {
        const s = bySpace.get(id)!;
        const spaceState = stateOf.get(id)?.state ?? 'ended';
        const net = s.gross - s.refunded - s.fee;
        const state: SpaceSales['state'] =
          s.gross > 0 && s.refunded === s.gross
            ? 'refunded'
            : spaceState === 'ended'
              ? 'available'
              : 'pending';
        return {
          space_id: id,
          space_state: spaceState,
          sold: soldOf.get(id) ?? 0,
          gross_minor: s.gross,
          refunded_minor: s.refunded,
          fee_minor: s.fee,
          net_minor: net,
          state,
        };
      })
      .sort((a, b) => (a.space_id < b.space_id ? 1 : -1));
    const escrow = ids.length
      ? await this.db
          .selectFrom('ledger_entries')
          .select(sql<number>`coalesce(sum(amount_minor), 0)`.as('sum'))
          .where(
            'account',
            'in',
            ids.map((id) => account.escrow(id)),
          )
          .where('currency', '=', currency)
          .executeTakeFirst()
      : { sum: 0 };
    const lifetime = await lifetimeGross(this.db, hostId, currency);
    const sum = (f: (s: SpaceSales) => number) => spaces.reduce((n, s) => n + f(s), 0);
    return {
      currency,
      lifetime_gross_minor: lifetime,
      fee_rate_bps_now: feeRateNow(lifetime, this.settings),
      totals: {
        gross_minor: sum((s) => s.gross_minor),
        refunded_minor: sum((s) => s.refunded_minor),
        fee_minor: sum((s) => s.fee_minor),
        net_minor: sum((s) => s.net_minor),
        pending_minor: Number(escrow?.sum ?? 0),
        available_minor: await balance(this.db, account.hostPayable(hostId), currency),
        paid_out_minor: await balance(this.db, account.hostPaid(hostId), currency),
      },
      spaces,
    };
  }

  async platform() {
    const currency = this.settings.currency;
    const byKind = await this.db
      .selectFrom('ledger_entries')
      .innerJoin('ledger_transactions', 'ledger_transactions.id', 'ledger_entries.transaction_id')
      .select([
        'ledger_transactions.kind as kind',
        sql<number>`sum(ledger_entries.amount_minor)`.as('sum'),
      ])
      .where('ledger_entries.currency', '=', currency)
      .where('ledger_entries.account', 'like', 'buyer:%')
      .groupBy('ledger_transactions.kind')
      .execute();
    const kindSum = (kind: string) => Number(byKind.find((r) => r.kind === kind)?.sum ?? 0);
    const total = async (prefix: string) =>
      [...(await balancesLike(this.db, prefix, currency)).values()].reduce((n, v) => n + v, 0);
    const payable = await balancesLike(this.db, 'host_payable:', currency);
    return {
      currency,
      gross_minor: -kindSum('purchase'),
      fees_minor: await balance(this.db, account.platformFees, currency),
      refunded_minor: kindSum('refund'),
      escrow_minor: await total('escrow:'),
      payable_minor: await total('host_payable:'),
      paid_out_minor: await total('host_paid:'),
      hosts: [...payable.entries()]
        .filter(([, v]) => v !== 0)
        .map(([name, v]) => ({ host_id: name.slice('host_payable:'.length), payable_minor: v }))
        .sort((a, b) => b.payable_minor - a.payable_minor),
    };
  }

  /** Every ledger entry, oldest first, as CSV (RFC 4180 quoting; a leading = + @ is neutralised for spreadsheets). */
  async csv(): Promise<string> {
    const rows = await this.db
      .selectFrom('ledger_entries')
      .innerJoin('ledger_transactions', 'ledger_transactions.id', 'ledger_entries.transaction_id')
      .select([
        'ledger_entries.id as entry_id',
        'ledger_transactions.id as transaction_id',
        'ledger_transactions.created_at as created_at',
        'ledger_transactions.kind as kind',
        'ledger_transactions.idempotency_key as idempotency_key',
        'ledger_entries.account as account',
        'ledger_entries.amount_minor as amount_minor',
        'ledger_entries.currency as currency',
        'ledger_transactions.space_id as space_id',
        'ledger_transactions.ticket_id as ticket_id',
        'ledger_transactions.host_id as host_id',
        'ledger_transactions.external_ref as external_ref',
      ])
      .orderBy('ledger_entries.id')
      .execute();
    const header = [
      'entry_id',
      'transaction_id',
      'created_at',
      'kind',
      'idempotency_key',
      'account',
      'amount_minor',
      'currency',
      'space_id',
      'ticket_id',
      'host_id',
      'external_ref',
    ];
    const lines = [header.join(',')];
    for (const r of rows) {
      lines.push(
        [
          r.entry_id,
          r.transaction_id,
          new Date(Number(r.created_at)).toISOString(),
          r.kind,
          r.idempotency_key,
          r.account,
          String(Number(r.amount_minor)),
          r.currency,
          r.space_id ?? '',
          r.ticket_id ?? '',
          r.host_id ?? '',
          r.external_ref ?? '',
        ]
          .map(csvField)
          .join(','),
      );
    }
    return `${lines.join('\r\n')}\r\n`;
  }
}

function csvField(value: string): string {
  const safe = /^[=+@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
