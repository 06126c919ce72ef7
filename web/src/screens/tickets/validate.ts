/**
 * The rules of a ticket offer as the host types it, the same as the
 * server's (which has the last word): a price and a count within the
 * instance's limits; after the first sale the price is fixed and the count
 * may only grow (and never below what was sold). A date of birth says the
 * seller is 18 or older.
 */
import type { TicketingBody } from '@salon/protocol';
import { i18n } from '../../i18n';
import { formatMoney, parseMoney } from './money';
import type { TicketingDto, TicketLimits } from './types';

export interface TicketForm {
  /** As typed, in major units ("12.50"). */
  price: string;
  /** As typed. */
  count: string;
}

export type TicketFormErrors = Partial<Record<keyof TicketForm, string>>;

const t = (key: string, options?: Record<string, unknown>) =>
  i18n.t(key, { ns: 'tickets', ...options });

export interface Checked {
  errors: TicketFormErrors;
  /** Set when there are no errors. */
  value: TicketingBody | null;
}

/** `current`: the offer as it stands (editing one), for the rules after the first sale. */
export function validateTicketing(
  form: TicketForm,
  limits: TicketLimits,
  current: TicketingDto | null = null,
): Checked {
  const errors: TicketFormErrors = {};
  const money = (minor: number) => formatMoney(minor, limits.currency);
  const sold = current?.sold ?? 0;

  const price = parseMoney(form.price, limits.currency);
  if (sold > 0 && current) {
    if (price !== current.price_minor) errors.price = t('errors.priceFixed');
  } else if (price === null) {
    errors.price = form.price.trim() ? t('errors.priceInvalid') : t('errors.priceMissing');
  } else if (price < limits.min_price_minor || price > limits.max_price_minor) {
    errors.price = t('errors.priceRange', {
      min: money(limits.min_price_minor),
      max: money(limits.max_price_minor),
    });
  }

  const count = /^\s*\d{1,6}\s*$/.test(form.count) ? Number(form.count) : null;
  if (count === null) {
    errors.count = form.count.trim() ? t('errors.countInvalid') : t('errors.countMissing');
  } else if (count < limits.min_count || count > limits.max_count) {
    errors.count = t('errors.countRange', { min: limits.min_count, max: limits.max_count });
  } else if (sold > 0 && current && count < current.count) {
    errors.count = t('errors.countOnlyGrows', { count: current.count });
  }

  const ok = Object.keys(errors).length === 0 && price !== null && count !== null;
  return { errors, value: ok ? { price_minor: price, count } : null };
}

/** The seller's date of birth ("YYYY-MM-DD", as a date input gives it): an error, or null when 18+. */
export function validateBirthDate(text: string, today: Date = new Date()): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return t('errors.birthDateMissing');
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || year < 1900) {
    return t('errors.birthDateInvalid');
  }
  // 18 on the 18th birthday, in the person's calendar (a 29 February birthday counts on 1 March).
  const y = today.getFullYear();
  const m = today.getMonth() + 1;
  const d = today.getDate();
  let age = y - year;
  if (m < month || (m === month && d < day)) age -= 1;
  if (date.getTime() > Date.UTC(y, m - 1, d)) return t('errors.birthDateFuture');
  return age >= 18 ? null : t('errors.under18');
}
