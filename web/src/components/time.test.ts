import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n';
import { ago, count, duration, relative, when } from './time';

const NOW = Date.parse('2026-12-01T20:30:00Z');
const earlier = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();
// Intl writes French thousands with a narrow no-break space: compare with plain spaces.
const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');

describe('times and counts in the person’s language', () => {
  afterEach(async () => {
    await i18n.changeLanguage('en');
  });

  it('keeps the timeline’s short English', () => {
    expect(ago(earlier(30), NOW)).toBe('30s');
    expect(ago(earlier(180), NOW)).toBe('3m');
    expect(ago(earlier(2 * 3600), NOW)).toBe('2h');
    expect(ago(earlier(5 * 86_400), NOW)).toBe('5d');
    expect(count(1234)).toBe('1,234');
    expect(relative(earlier(180), NOW)).toBe('3 minutes ago');
  });

  it('writes them the French way', async () => {
    await i18n.changeLanguage('fr');
    expect(plain(ago(earlier(180), NOW))).toBe('3 min');
    expect(plain(ago(earlier(5 * 86_400), NOW))).toBe('5 j');
    expect(plain(count(1234))).toBe('1 234');
    expect(relative(earlier(180), NOW)).toBe('il y a 3 minutes');
    expect(relative(earlier(86_400), NOW)).toBe('hier');
    expect(when('2026-12-01T20:30:00Z')).toMatch(/déc/);
    expect(plain(duration(3900))).toBe('1 h 5 min');
  });
});
