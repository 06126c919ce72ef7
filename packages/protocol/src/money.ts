/**
 * Money on the wire travels as integer minor units (cents) with a currency
 * code. How many minor digits a currency has is what `Intl.NumberFormat`
 * says (2 for usd and eur, 0 for jpy), so no currency is special-cased: the
 * server's receipts and link previews and the web app's screens format an
 * amount with the same two functions.
 */

/** How many digits the currency's minor unit has (2 for usd: 1 dollar = 100 cents). */
export function minorDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', {
      style: 'currency',
      currency: currency.toUpperCase(),
    }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** 1250, "usd" → "$12.50" (en), "12,50 $US" (fr). */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const digits = minorDigits(currency);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: currency.toUpperCase(),
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(minor / 10 ** digits);
}
