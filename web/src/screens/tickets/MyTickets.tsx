import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ErrorText } from '../../components/ErrorText';
import { SpaceCard } from '../../components/SpaceCard';
import { Loading } from '../../components/Spinner';
import { useAsync } from '../../components/useAsync';
import { formatMoney } from './money';
import { ticketsApi } from './ticketsApi';
import type { TicketDto } from './types';
import './tickets.css';

const dateOf = (iso: string, language: string) =>
  new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );

/** /settings/tickets — the tickets you bought, the space each opens, and refunds. */
export function MyTickets() {
  const { t } = useTranslation('tickets');
  const tickets = useAsync(() => ticketsApi.myTickets(), []);
  return (
    <main className="page narrow" aria-labelledby="my-tickets-title">
      <p>
        <Link to="/settings">{t('backToSettings')}</Link>
      </p>
      <h1 id="my-tickets-title">{t('mine.title')}</h1>
      {tickets.loading && !tickets.data ? <Loading /> : null}
      <ErrorText error={tickets.error} />
      {tickets.data?.data.length === 0 ? (
        <div className="empty">
          <p className="strong">{t('mine.none')}</p>
          <p className="muted">{t('mine.noneHelp')}</p>
          <Link className="button" to="/spaces">
            {t('mine.browse')}
          </Link>
        </div>
      ) : null}
      <ul className="ticket-list">
        {tickets.data?.data.map((ticket) => (
          <li key={ticket.id}>
            <TicketItem ticket={ticket} />
          </li>
        ))}
      </ul>
    </main>
  );
}

export function TicketItem({ ticket }: { ticket: TicketDto }) {
  const { t, i18n } = useTranslation('tickets');
  const price = formatMoney(ticket.price_minor, ticket.currency, i18n.language);
  return (
    <article className="stack" data-testid="my-ticket" data-state={ticket.state}>
      {ticket.space ? (
        <SpaceCard space={ticket.space} />
      ) : (
        <Link to={`/spaces/${ticket.space_id}`}>{t('mine.openSpace')}</Link>
      )}
      <p className="muted">
        {ticket.state === 'refunded' && ticket.refunded_at
          ? t('mine.refunded', { price, when: dateOf(ticket.refunded_at, i18n.language) })
          : ticket.state === 'pending'
            ? t('mine.pending', { price })
            : t('mine.paid', { price, when: dateOf(ticket.bought_at, i18n.language) })}
      </p>
    </article>
  );
}
