import type { SpaceDto } from '@salon/protocol';
import { useTranslation } from 'react-i18next';
import { formatMoney } from './money';
import { ticketingOf } from './types';
import './tickets.css';

/**
 * A ticketed space's price and what is left ("Sold out"), wherever the space
 * appears: cards, Home bubbles, the space page, share cards. Nothing for a
 * free space. The count is only left out of a compact bubble when plenty remain.
 */
export function TicketBadge({ space, compact = false }: { space: SpaceDto; compact?: boolean }) {
  const { t, i18n } = useTranslation('tickets');
  const ticketing = ticketingOf(space);
  if (!ticketing) return null;
  const price = formatMoney(ticketing.price_minor, ticketing.currency, i18n.language);
  const over = space.state === 'ended' || space.state === 'cancelled';
  return (
    <span className="ticket-badges" data-testid="ticket-badge">
      <span className="badge badge-ticket">
        <span aria-hidden="true">🎟</span>
        <span className="visually-hidden">{t('badge.price')} </span>
        {price}
      </span>
      {over ? null : ticketing.sold_out ? (
        <span className="badge badge-sold-out">{t('badge.soldOut')}</span>
      ) : compact && ticketing.left > 10 ? null : (
        <span className="badge">{t('badge.left', { count: ticketing.left })}</span>
      )}
    </span>
  );
}
