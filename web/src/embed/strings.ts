/**
 * The embed's words, in English or French by the browser's language: its
 * two catalogues (the `embed` namespace the app's i18n tests check), without
 * i18next, which the small bundle leaves out. Plurals through Intl.PluralRules.
 */
const files = import.meta.glob<{ default: Record<string, unknown> }>(
  '../i18n/locales/*/embed.json',
  { eager: true },
);
const catalogue = (language: string) =>
  files[`../i18n/locales/${language}/embed.json`]?.default ?? {};

export function pickLanguage(preferred: readonly string[]): 'en' | 'fr' {
  for (const tag of preferred) {
    const base = tag?.toLowerCase().split('-')[0];
    if (base === 'en' || base === 'fr') return base;
  }
  return 'en';
}

export interface Strings {
  language: 'en' | 'fr';
  t(key: string, values?: Record<string, string | number>): string;
}

export function strings(language: 'en' | 'fr'): Strings {
  const words = catalogue(language);
  const plural = new Intl.PluralRules(language);
  const lookup = (key: string): string | undefined => {
    let node: unknown = words;
    for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
    return typeof node === 'string' ? node : undefined;
  };
  return {
    language,
    t(key, values = {}) {
      const count = values['count'];
      const text =
        (typeof count === 'number' ? lookup(`${key}_${plural.select(count)}`) : undefined) ??
        (typeof count === 'number' ? lookup(`${key}_other`) : undefined) ??
        lookup(key) ??
        key;
      return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name] ?? ''));
    },
  };
}
