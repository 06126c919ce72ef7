/**
 * Money in the person's language. Amounts travel as integer minor units
 * (cents); the formatting is the protocol's (`@salon/protocol` money.ts),
 * shared with the server's receipts and link previews.
 * Parsing what a host types never goes through floating point: "12.5" is
 * 1250 cents by moving digits, not by multiplying 12.5 by 100.
 */
import { formatMoney as formatLocalised, minorDigits } from '@salon/protocol';
import { i18n } from '../../i18n';

export { minorDigits };

const language = () => i18n.resolvedLanguage ?? i18n.language ?? 'en';

/** 1250, "usd" → "$12.50" (English), "12,50 $US" (French). */
export function formatMoney(minor: number, currency: string, locale: string = language()): string {
  return formatLocalised(minor, currency, locale);
}

/** 1250 → "12.50", for an input the host edits (a dot, whatever the language: parseMoney reads both). */
export function toMajorInput(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(minor);
  const whole = Math.floor(minor / 10 ** digits);
  const fraction = String(minor % 10 ** digits).padStart(digits, '0');
  return `${whole}.${fraction}`;
}

/**
 * What a host typed as a price, in minor units; null when it is not an
 * amount ("abc", "1.234" for a 2-digit currency, a negative). Accepts a dot
 * or a comma for the decimals and spaces between thousands, and no sign.
 */
export function parseMoney(text: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const compact = text.replace(/[\s\u00a0\u202f]/g, '');
  const match = /^(\d{1,9})(?:[.,](\d*))?$/.exec(compact);
  if (!match) return null;
  const [, whole = '', fraction = ''] = match;
  if (fraction.length > digits) return null;
  if (digits === 0 && compact !== whole) return null;
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

/** A fee rate in basis points as a percentage: 300 → "3%", 2000 → "20 %" (French). */
export function formatRate(bps: number, locale: string = language()): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }).format(
    bps / 10_000,
  );
}
