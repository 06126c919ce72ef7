import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { errorMessage } from '../../api';
import { Avatar } from '../../components/Avatar';
import { ErrorText } from '../../components/ErrorText';
import { StateBadge } from '../../components/SpaceCard';
import { formatWhen } from '../spaces/format';
import { BuySheet, type Navigate } from './BuySheet';
import { formatMoney } from './money';
import { TicketBadge } from './TicketBadge';
import { ticketsApi } from './ticketsApi';
import { type Provider, type TicketedSpace, ticketingOf } from './types';

/** How often, and how long, a return from Stripe's Checkout asks whether the ticket is granted. */
const CONFIRM_EVERY_MS = 1500;
const CONFIRM_TRIES = 40;

/**
 * A ticketed space seen by someone without a ticket (guests too): its title,
 * host and price, and the Buy button; nothing of its audio or its room. Back
 * from Stripe (`?ticket=done`) it waits for the payment to be confirmed (the
 * webhook grants the ticket, maybe a moment later). `onAccess` loads the
 * space again: with a ticket, the page joins it and plays.
 */
export function TicketGate({
  space,
  signedIn,
  onAccess,
  navigate,
}: {
  space: TicketedSpace;
  signedIn: boolean;
  onAccess: () => void;
  navigate?: Navigate;
}) {
  const { t, i18n } = useTranslation('tickets');
  const ticketing = ticketingOf(space);
  const [params, setParams] = useSearchParams();
  const returning = params.get('ticket') === 'done';
  const [sheet, setSheet] = useState(false);
  const [provider, setProvider] = useState<Provider | null>(null);
  const [confirming, setConfirming] = useState<'waiting' | 'slow' | null>(
    returning && signedIn ? 'waiting' : null,
  );
  const [error, setError] = useState<string | null>(null);
  const over = space.state === 'ended' || space.state === 'cancelled';

  // Who takes the payment, to say so before anyone buys (the server's setting).
  useEffect(() => {
    if (!signedIn) return;
    let live = true;
    ticketsApi.eligibility().then(
      (e) => live && setProvider(e.provider),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [signedIn]);

  useEffect(() => {
    if (!returning || !signedIn) return;
    let live = true;
    let tries = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = async () => {
      tries += 1;
      try {
        const { ticket } = await ticketsApi.mine(space.id);
        if (!live) return;
        if (ticket?.state === 'paid') {
          setConfirming(null);
          setParams({}, { replace: true });
          onAccess();
          return;
        }
      } catch (err) {
        if (live) setError(errorMessage(err));
      }
      if (!live) return;
      if (tries >= CONFIRM_TRIES) setConfirming('slow');
      else timer = setTimeout(check, CONFIRM_EVERY_MS);
    };
    void check();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [returning, signedIn, space.id, onAccess, setParams]);

  return (
    <main className="page narrow ticket-gate" aria-labelledby="gate-title">
      <div className="row">
        <StateBadge space={space} />
        <TicketBadge space={space} />
      </div>
      <h1 id="gate-title" dir="auto">
        {space.title}
      </h1>
      <p className="host-line">
        <Avatar user={space.host} size="sm" live={space.state === 'live'} />
        <span>
          {t('gate.hostedBy')} <span dir="auto">{space.host.display_name}</span>{' '}
          <span className="muted">@{space.host.handle}</span>
        </span>
      </p>
      {space.description ? (
        <p className="space-description" dir="auto">
          {space.description}
        </p>
      ) : null}
      {space.state === 'scheduled' && space.scheduled_start ? (
        <p>{t('gate.startsAt', { when: formatWhen(space.scheduled_start, i18n.language) })}</p>
      ) : null}

      <section className="notice-box stack" aria-labelledby="gate-ticket">
        <h2 id="gate-ticket">{t('gate.needTicket')}</h2>
        {ticketing ? (
          <p className="buy-price">
            {formatMoney(ticketing.price_minor, ticketing.currency, i18n.language)}
          </p>
        ) : null}
        <p className="muted">{t('gate.why')}</p>
        {confirming ? (
          <p role="status" className="strong">
            {confirming === 'waiting' ? t('gate.confirming') : t('gate.confirmingSlow')}
          </p>
        ) : over ? (
          <p className="strong">{t('gate.over')}</p>
        ) : !signedIn ? (
          <p>
            <Link
              className="button primary"
              to={`/signin?next=${encodeURIComponent(`/spaces/${space.id}`)}`}
            >
              {t('gate.signInToBuy')}
            </Link>
          </p>
        ) : ticketing?.sold_out ? (
          <p className="strong">{t('gate.soldOut')}</p>
        ) : ticketing ? (
          <p>
            <button type="button" className="primary buy" onClick={() => setSheet(true)}>
              {t('gate.buy', {
                price: formatMoney(ticketing.price_minor, ticketing.currency, i18n.language),
              })}
            </button>
          </p>
        ) : null}
        <ErrorText error={error} />
      </section>

      {sheet && ticketing ? (
        <BuySheet
          spaceId={space.id}
          title={space.title}
          ticketing={ticketing}
          provider={provider}
          {...(navigate ? { navigate } : {})}
          onBought={() => {
            setSheet(false);
            onAccess();
          }}
          onClose={() => setSheet(false)}
        />
      ) : null}
    </main>
  );
}
