import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { Field } from '../../components/Field';
import { i18n } from '../../i18n';
import { formatMoney, minorDigits } from './money';
import { ticketsApi } from './ticketsApi';
import type { SellerEligibility, TicketLimits } from './types';
import type { TicketForm, TicketFormErrors } from './validate';
import { validateBirthDate } from './validate';

export interface SellState extends TicketForm {
  on: boolean;
}

/** Why the server says you may not sell, in the person's language (its English is the most precise). */
export function reasonText(reason: { code: string; message: string }): string {
  if (i18n.resolvedLanguage === 'en' && reason.message) return reason.message;
  return i18n.t(`reasons.${reason.code}`, { ns: 'tickets', defaultValue: reason.message });
}

/**
 * "Sell tickets" in the create and schedule form: the price and count within
 * the instance's limits, or why this host may not sell yet (with the one-time
 * date-of-birth confirmation when that is what is missing). Part of the
 * space's form, so it holds no form of its own.
 */
export function SellTickets({
  eligibility,
  value,
  errors,
  onChange,
  onEligibility,
}: {
  eligibility: SellerEligibility;
  value: SellState;
  errors: TicketFormErrors;
  onChange: (next: SellState) => void;
  onEligibility: (next: SellerEligibility) => void;
}) {
  const { t } = useTranslation('tickets');
  const id = useId();
  const { limits } = eligibility;
  return (
    <fieldset className="sell-tickets stack" aria-describedby={`${id}-about`}>
      <legend>{t('sell.legend')}</legend>
      <p className="hint" id={`${id}-about`}>
        {t('sell.about')}
      </p>
      <label className="check">
        <input
          type="checkbox"
          name="sell_tickets"
          checked={value.on && eligibility.eligible}
          disabled={!eligibility.eligible}
          onChange={(e) => onChange({ ...value, on: e.target.checked })}
        />
        {t('sell.toggle')}
      </label>
      {!eligibility.eligible ? (
        <NotEligible eligibility={eligibility} onEligibility={onEligibility} />
      ) : value.on ? (
        <OfferFields limits={limits} value={value} errors={errors} onChange={onChange} />
      ) : null}
      {eligibility.eligible && value.on && eligibility.provider === 'test' ? (
        <p className="muted">{t('sell.testProvider')}</p>
      ) : null}
    </fieldset>
  );
}

/** The price and count inputs, with the limits as hints; `priceLocked` after the first sale. */
export function OfferFields<F extends TicketForm>({
  limits,
  value,
  errors,
  onChange,
  priceLocked = false,
}: {
  limits: TicketLimits;
  value: F;
  errors: TicketFormErrors;
  onChange: (next: F) => void;
  priceLocked?: boolean;
}) {
  const { t, i18n } = useTranslation('tickets');
  const money = (minor: number) => formatMoney(minor, limits.currency, i18n.language);
  const currency = limits.currency.toUpperCase();
  return (
    <div className="price-row">
      <Field
        label={t('sell.price', { currency })}
        name="ticket_price"
        inputMode={minorDigits(limits.currency) ? 'decimal' : 'numeric'}
        autoComplete="off"
        value={value.price}
        readOnly={priceLocked}
        onChange={(e) => onChange({ ...value, price: e.target.value })}
        error={errors.price}
        hint={
          priceLocked
            ? t('sell.priceLocked')
            : t('sell.priceHint', {
                min: money(limits.min_price_minor),
                max: money(limits.max_price_minor),
              })
        }
      />
      <Field
        label={t('sell.count')}
        name="ticket_count"
        inputMode="numeric"
        autoComplete="off"
        value={value.count}
        onChange={(e) => onChange({ ...value, count: e.target.value })}
        error={errors.count}
        hint={t('sell.countHint', { min: limits.min_count, max: limits.max_count })}
      />
    </div>
  );
}

function NotEligible({
  eligibility,
  onEligibility,
}: {
  eligibility: SellerEligibility;
  onEligibility: (next: SellerEligibility) => void;
}) {
  const { t } = useTranslation('tickets');
  const reasons = eligibility.reasons;
  return (
    <div className="stack" data-testid="not-eligible">
      <p className="strong">{t('sell.notEligible')}</p>
      {reasons.length ? (
        <ul className="reasons">
          {reasons.map((r) => (
            <li key={r.code}>{reasonText(r)}</li>
          ))}
        </ul>
      ) : null}
      {eligibility.needs_birth_date ? <BirthDateConfirm onConfirmed={onEligibility} /> : null}
      <p className="muted">{t('sell.askAdmin')}</p>
    </div>
  );
}

/** The one-time attestation that the seller is 18 or older; the server keeps it. */
export function BirthDateConfirm({
  onConfirmed,
}: {
  onConfirmed: (next: SellerEligibility) => void;
}) {
  const { t } = useTranslation('tickets');
  const [date, setDate] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function confirm() {
    const found = validateBirthDate(date);
    setProblem(found);
    if (found) return;
    setBusy(true);
    setError(null);
    try {
      onConfirmed(await ticketsApi.confirmBirthDate(date));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <fieldset className="stack birth-date">
      <legend className="strong">{t('birth.title')}</legend>
      <Field
        label={t('birth.label')}
        type="date"
        name="birth_date"
        value={date}
        max={new Date().toISOString().slice(0, 10)}
        onChange={(e) => setDate(e.target.value)}
        error={problem ?? undefined}
        hint={t('birth.hint')}
      />
      <ErrorText error={error} />
      <p>
        <button type="button" disabled={busy} onClick={() => void confirm()}>
          {t('birth.confirm')}
        </button>
      </p>
    </fieldset>
  );
}
