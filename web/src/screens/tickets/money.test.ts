import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../../i18n';
import { formatMoney, formatRate, minorDigits, parseMoney, toMajorInput } from './money';

/** Intl separates French amounts with narrow no-break spaces; compare on plain spaces. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('money in minor units', () => {
  afterEach(async () => {
    await i18n.changeLanguage('en');
  });

  it('knows each currency’s minor digits from Intl', () => {
    expect(minorDigits('usd')).toBe(2);
    expect(minorDigits('EUR')).toBe(2);
    expect(minorDigits('jpy')).toBe(0);
  });

  it('formats cents in the person’s language', async () => {
    expect(formatMoney(1250, 'usd')).toBe('$12.50');
    expect(formatMoney(100, 'usd')).toBe('$1.00');
    expect(formatMoney(99_900, 'usd')).toBe('$999.00');
    expect(formatMoney(123_456_789, 'usd')).toBe('$1,234,567.89');
    expect(formatMoney(0, 'usd')).toBe('$0.00');
    expect(formatMoney(500, 'jpy')).toBe('¥500');
    await i18n.changeLanguage('fr');
    expect(plain(formatMoney(1250, 'usd'))).toBe('12,50 $US');
    expect(plain(formatMoney(123_456_789, 'eur'))).toBe('1 234 567,89 €');
  });

  it('reads what a host types without floating point', () => {
    expect(parseMoney('12.5', 'usd')).toBe(1250);
    expect(parseMoney('12,50', 'usd')).toBe(1250);
    expect(parseMoney('0.29', 'usd')).toBe(29); // 0.29 * 100 is 28.999… in floating point
    expect(parseMoney('1.005', 'usd')).toBeNull();
    expect(parseMoney(' 1 000 ', 'usd')).toBe(100_000);
    expect(parseMoney('7', 'usd')).toBe(700);
    expect(parseMoney('7.', 'usd')).toBe(700);
    expect(parseMoney('', 'usd')).toBeNull();
    expect(parseMoney('-3', 'usd')).toBeNull();
    expect(parseMoney('3e2', 'usd')).toBeNull();
    expect(parseMoney('$3', 'usd')).toBeNull();
    expect(parseMoney('500', 'jpy')).toBe(500);
    expect(parseMoney('500.5', 'jpy')).toBeNull();
  });

  it('writes an amount back for an input, and round-trips', () => {
    expect(toMajorInput(1250, 'usd')).toBe('12.50');
    expect(toMajorInput(5, 'usd')).toBe('0.05');
    expect(toMajorInput(500, 'jpy')).toBe('500');
    for (const minor of [0, 1, 29, 100, 1999, 99_900]) {
      expect(parseMoney(toMajorInput(minor, 'usd'), 'usd')).toBe(minor);
    }
  });

  it('says a fee rate in basis points as a percentage', async () => {
    expect(formatRate(300)).toBe('3%');
    expect(formatRate(2000)).toBe('20%');
    expect(formatRate(250)).toBe('2.5%');
    await i18n.changeLanguage('fr');
    expect(plain(formatRate(2000))).toBe('20 %');
  });
});
