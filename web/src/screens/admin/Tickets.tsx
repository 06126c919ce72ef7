import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { Loading } from '../../components/Spinner';
import { useAsync } from '../../components/useAsync';
import { formatMoney } from '../tickets/money';
import { LEDGER_CSV_URL, ticketsApi } from '../tickets/ticketsApi';
import type { AdminTicketsSummary } from '../tickets/types';
import { PersonLine } from './parts';
import '../tickets/tickets.css';

/**
 * The console's Tickets section (admins): the platform's totals from the
 * ledger and its CSV export, each host's payable with "mark paid" (the test
 * provider) or a payout (Stripe), one buyer's refund by ticket, and the grant
 * that lets someone sell who does not meet the rules.
 */
export function Tickets() {
  const { t } = useTranslation('tickets');
  const summary = useAsync(() => ticketsApi.summary(), []);
  const provider = useAsync(() => ticketsApi.eligibility().then((e) => e.provider), []);
  return (
    <section aria-labelledby="admin-tickets-title" className="stack">
      <h2 id="admin-tickets-title">{t('admin.title')}</h2>
      {summary.loading && !summary.data ? <Loading /> : null}
      <ErrorText error={summary.error} />
      {summary.data ? (
        <Totals
          summary={summary.data}
          stripe={provider.data === 'stripe'}
          onChanged={summary.reload}
        />
      ) : null}
      <RefundTicket onDone={summary.reload} />
      <GrantSelling />
    </section>
  );
}

function Totals({
  summary,
  stripe,
  onChanged,
}: {
  summary: AdminTicketsSummary;
  stripe: boolean;
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation('tickets');
  const money = (minor: number) => formatMoney(minor, summary.currency, i18n.language);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const totals = [
    ['gross', summary.gross_minor],
    ['fees', summary.fees_minor],
    ['refunded', summary.refunded_minor],
    ['escrow', summary.escrow_minor],
    ['payable', summary.payable_minor],
    ['paidOut', summary.paid_out_minor],
  ] as const;

  async function payOut(hostId: string, name: string) {
    setBusy(hostId);
    setError(null);
    setDone(null);
    try {
      await ticketsApi.payOut(hostId);
      setDone(t('admin.paidDone', { name }));
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <dl className="money-grid">
        {totals.map(([key, value]) => (
          <div key={key} data-testid={`platform-${key}`}>
            <dt>{t(`admin.${key}`)}</dt>
            <dd>{money(value)}</dd>
          </div>
        ))}
      </dl>
      <p>
        <a href={LEDGER_CSV_URL} download="ledger.csv" className="button">
          {t('admin.csv')}
        </a>
      </p>
      <h3>{t('admin.payables')}</h3>
      {summary.hosts.length === 0 ? <p className="muted">{t('admin.noPayables')}</p> : null}
      <ul className="admin-list">
        {summary.hosts.map(({ host, payable_minor }) => (
          <li key={host.id} className="admin-card row" data-testid="payable-host">
            <PersonLine person={{ ...host, suspended: false }} />
            <span className="strong">{money(payable_minor)}</span>
            <button
              type="button"
              disabled={busy !== null || payable_minor <= 0}
              onClick={() => void payOut(host.id, host.display_name)}
            >
              {stripe ? t('admin.transfer') : t('admin.markPaid')}
            </button>
          </li>
        ))}
      </ul>
      {done ? <p role="status">{done}</p> : null}
      <ErrorText error={error} />
    </>
  );
}

function RefundTicket({ onDone }: { onDone: () => void }) {
  const { t, i18n } = useTranslation('tickets');
  const id = useId();
  const [ticketId, setTicketId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const wanted = ticketId.trim();
    if (!wanted) return setError(t('admin.ticketMissing'));
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const ticket = await ticketsApi.refund(wanted);
      setDone(
        t('admin.refundDone', {
          price: formatMoney(ticket.price_minor, ticket.currency, i18n.language),
        }),
      );
      setTicketId('');
      onDone();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="stack" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('admin.refundTitle')}</h3>
      <div className="field">
        <label htmlFor={`${id}-ticket`}>{t('admin.ticketId')}</label>
        <input
          id={`${id}-ticket`}
          value={ticketId}
          autoComplete="off"
          aria-describedby={`${id}-hint`}
          onChange={(e) => setTicketId(e.target.value)}
        />
        <p className="hint" id={`${id}-hint`}>
          {t('admin.ticketHint')}
        </p>
      </div>
      <p>
        <button type="submit" className="danger" disabled={busy}>
          {t('admin.refund')}
        </button>
      </p>
      {done ? <p role="status">{done}</p> : null}
      <ErrorText error={error} />
    </form>
  );
}

function GrantSelling() {
  const { t } = useTranslation('tickets');
  const id = useId();
  const [handle, setHandle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function grant(granted: boolean) {
    const wanted = handle.trim().replace(/^@/, '');
    if (!wanted) return setError(t('admin.handleMissing'));
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const user = await api.userByHandle(wanted);
      await ticketsApi.grantSelling(user.id, granted);
      setDone(
        granted
          ? t('admin.granted', { name: user.display_name })
          : t('admin.revoked', { name: user.display_name }),
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="stack"
      noValidate
      aria-labelledby={`${id}-title`}
      onSubmit={(event) => {
        event.preventDefault();
        void grant(true);
      }}
    >
      <h3 id={`${id}-title`}>{t('admin.grantTitle')}</h3>
      <p className="hint">{t('admin.grantHelp')}</p>
      <div className="field">
        <label htmlFor={`${id}-handle`}>{t('admin.handle')}</label>
        <input
          id={`${id}-handle`}
          value={handle}
          placeholder="@handle"
          autoComplete="off"
          onChange={(e) => setHandle(e.target.value)}
        />
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {t('admin.grant')}
        </button>
        <button type="button" disabled={busy} onClick={() => void grant(false)}>
          {t('admin.revoke')}
        </button>
      </div>
      {done ? <p role="status">{done}</p> : null}
      <ErrorText error={error} />
    </form>
  );
}
