/**
 * Money in the person's language. Amounts travel as integer minor units
 * (cents); how many minor digits a currency has is what `Intl.NumberFormat`
 * says (2 for usd and eur, 0 for jpy), so no currency is special-cased here.
 * Parsing what a host types never goes through floating point: "12.5" is
 * 1250 cents by moving digits, not by multiplying 12.5 by 100.
 */
import { i18n } from '../../i18n';

const language = () => i18n.resolvedLanguage ?? i18n.language ?? 'en';

/** How many digits the currency's minor unit has (2 for usd: 1 dollar = 100 cents). */
export function minorDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', {
      style: 'currency',
      currency: currency.toUpperCase(),
    }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** 1250, "usd" → "$12.50" (English), "12,50 $US" (French). */
export function formatMoney(minor: number, currency: string, locale: string = language()): string {
  const digits = minorDigits(currency);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: currency.toUpperCase(),
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(minor / 10 ** digits);
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
