import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { Modal } from '../../components/Modal';
import { formatMoney } from './money';
import { ticketsApi } from './ticketsApi';
import type { Provider, TicketDto, TicketingDto } from './types';

export type BuyStep =
  | { step: 'confirm' }
  | { step: 'buying' }
  /** The built-in test provider's checkout: a seat is held until it is paid or cancelled. */
  | { step: 'test'; checkoutId: string; paying: boolean }
  | { step: 'redirecting'; url: string }
  | { step: 'done'; ticket: TicketDto | null };

/** Where a Stripe Checkout goes: the whole page leaves for it (and comes back to ?ticket=done). */
export type Navigate = (url: string) => void;

const leaveForCheckout: Navigate = (url) => window.location.assign(url);

/**
 * The buy sheet: the price, what a ticket gives, who takes the payment. With
 * the built-in test provider the checkout happens here, clearly labelled as
 * moving no money; with Stripe the page leaves for Stripe's Checkout. The
 * server's refusals (sold out, already have one, blocked) are said as they are.
 */
export function BuySheet({
  spaceId,
  title,
  ticketing,
  provider,
  onBought,
  onClose,
  navigate = leaveForCheckout,
}: {
  spaceId: string;
  title: string;
  ticketing: TicketingDto;
  /** Who takes the payment, when known before buying. */
  provider: Provider | null;
  /** Paid (or it turns out you already had a ticket): the space may play now. */
  onBought: (ticket: TicketDto | null) => void;
  onClose: () => void;
  navigate?: Navigate;
}) {
  const { t, i18n } = useTranslation('tickets');
  const [state, setState] = useState<BuyStep>({ step: 'confirm' });
  const [error, setError] = useState<unknown>(null);
  const price = formatMoney(ticketing.price_minor, ticketing.currency, i18n.language);
  const held = useRef<string | null>(null);
  held.current = state.step === 'test' ? state.checkoutId : null;

  // Closing the sheet with a test checkout open gives its seat back to others.
  useEffect(
    () => () => {
      if (held.current) void ticketsApi.cancelTest(held.current).catch(() => undefined);
    },
    [],
  );

  async function buy() {
    setError(null);
    setState({ step: 'buying' });
    try {
      const { checkout } = await ticketsApi.buy(spaceId);
      if (checkout.provider === 'test') {
        setState({ step: 'test', checkoutId: checkout.id, paying: false });
      } else {
        setState({ step: 'redirecting', url: checkout.url });
        navigate(checkout.url);
      }
    } catch (err) {
      // Bought in another tab or on another device: nothing to pay, the space may play.
      if (err instanceof ApiError && err.code === 'already_has_ticket') {
        setState({ step: 'done', ticket: null });
        return;
      }
      setError(err);
      setState({ step: 'confirm' });
    }
  }

  async function pay(checkoutId: string) {
    setError(null);
    setState({ step: 'test', checkoutId, paying: true });
    try {
      const { ticket } = await ticketsApi.payTest(checkoutId);
      held.current = null;
      setState({ step: 'done', ticket });
    } catch (err) {
      setError(err);
      setState({ step: 'test', checkoutId, paying: false });
    }
  }

  async function cancel(checkoutId: string) {
    held.current = null;
    setState({ step: 'confirm' });
    await ticketsApi.cancelTest(checkoutId).catch(() => undefined);
  }

  const shownProvider = state.step === 'test' ? 'test' : provider;
  const code = error instanceof ApiError ? error.code : null;

  return (
    <Modal title={t('buy.title')} onClose={onClose}>
      <div className="stack buy-sheet" data-step={state.step}>
        <p dir="auto" className="strong">
          {title}
        </p>
        <p className="buy-price" data-testid="buy-price">
          {price}
        </p>
        <div>
          <p className="strong">{t('buy.whatYouGet')}</p>
          <ul className="reasons">
            <li>{t('buy.getListen')}</li>
            <li>{t('buy.getReplay')}</li>
            <li>{t('buy.getOne')}</li>
          </ul>
        </div>
        {shownProvider === 'test' ? (
          <p className="test-provider" data-testid="test-provider">
            {t('buy.testProvider')}
            <br />
            <span className="test-provider-help">{t('buy.testProviderHelp')}</span>
          </p>
        ) : shownProvider === 'stripe' ? (
          <p className="muted">{t('buy.stripe')}</p>
        ) : null}

        {state.step === 'done' ? (
          <>
            <p role="status" className="strong">
              {state.ticket ? t('buy.done') : t('buy.alreadyHave')}
            </p>
            <button type="button" className="primary" onClick={() => onBought(state.ticket)}>
              {t('buy.listen')}
            </button>
          </>
        ) : state.step === 'test' ? (
          <div className="row">
            <button
              type="button"
              className="primary"
              disabled={state.paying}
              onClick={() => void pay(state.checkoutId)}
            >
              {state.paying ? t('buy.paying') : t('buy.payTest', { price })}
            </button>
            <button
              type="button"
              disabled={state.paying}
              onClick={() => void cancel(state.checkoutId)}
            >
              {t('buy.cancelTest')}
            </button>
          </div>
        ) : state.step === 'redirecting' ? (
          <p role="status">
            {t('buy.redirecting')} <a href={state.url}>{t('buy.redirectLink')}</a>
          </p>
        ) : (
          <div className="row">
            <button
              type="button"
              className="primary"
              disabled={state.step === 'buying' || code === 'sold_out'}
              onClick={() => void buy()}
            >
              {state.step === 'buying'
                ? t('buy.buying')
                : provider === 'stripe'
                  ? t('buy.continueStripe', { price })
                  : t('buy.buy', { price })}
            </button>
            <button type="button" onClick={onClose}>
              {t('buy.notNow')}
            </button>
          </div>
        )}
        <ErrorText error={error ? errorMessage(error) : null} />
      </div>
    </Modal>
  );
}
