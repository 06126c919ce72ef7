/**
 * The app's languages: English and French, with i18next. Every screen's
 * strings live in a namespace of its own (`locales/<lang>/<namespace>.json`),
 * picked up here by file name, so a new screen adds its two files and touches
 * nothing else. Plurals (`_one` / `_other` keys), numbers and dates follow the
 * person's language through `Intl`.
 *
 * The language follows the browser until the person chooses one in settings
 * (kept in this browser).
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'salon.language';

const files = import.meta.glob<{ default: Record<string, unknown> }>('./locales/*/*.json', {
  eager: true,
});
const resources: Record<string, Record<string, Record<string, unknown>>> = {};
for (const [file, module] of Object.entries(files)) {
  const match = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(file);
  if (!match) continue;
  const [, language, namespace] = match as unknown as [string, string, string];
  resources[language] ??= {};
  resources[language][namespace] = module.default;
}

function isLanguage(value: string | null | undefined): value is Language {
  return (LANGUAGES as readonly string[]).includes(value ?? '');
}

/** The person's choice, else the first browser language we speak, else English. */
export function initialLanguage(): Language {
  const stored = safeStorage()?.getItem(STORAGE_KEY);
  if (isLanguage(stored)) return stored;
  const preferred =
    typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  for (const tag of preferred) {
    const base = tag?.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

function safeStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources,
  lng: initialLanguage(),
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  defaultNS: 'common',
  ns: Object.keys(resources['en'] ?? { common: {} }),
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  initAsync: false,
});

function applyToDocument(language: string): void {
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}
applyToDocument(i18n.language);
i18n.on('languageChanged', applyToDocument);

/** Chosen in settings: kept in this browser, applied at once. */
export async function setLanguage(language: Language): Promise<void> {
  safeStorage()?.setItem(STORAGE_KEY, language);
  await i18n.changeLanguage(language);
}

/** An error as the server sends it (`{ error: { code, message, details } }`). */
export interface ErrorLike {
  code?: string;
  message: string;
  details?: Record<string, unknown> | undefined;
}

/**
 * A server error in the person's language: its stable code is looked up in
 * the `errors` namespace, with the error's details as values. In English the
 * server's own sentence is kept: it is the most precise one (it names the
 * field, the limit, the handle), and the catalogue's English is its general
 * form. A code the catalogue does not know falls back to the server's words.
 */
export function errorText(error: ErrorLike): string {
  if (!error.code) return error.message;
  if (i18n.resolvedLanguage === 'en' && error.message) return error.message;
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error.details ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') values[key] = value;
  }
  // A switch the hosts turned off says which, in the words of its checkbox (space:switches).
  const key =
    error.code === 'turned_off' && typeof values['switch'] === 'string'
      ? `space:switches.${values['switch']}.off`
      : error.code;
  const text = i18n.t([key, error.code], { ns: 'errors', defaultValue: error.message, ...values });
  return error.code === 'weak_password'
    ? [text, ...passwordReasons(error.details)].join(' ')
    : text;
}

/** Why a password is weak: the server names zxcvbn's feedback keys beside its English sentences. */
function passwordReasons(details: Record<string, unknown> | undefined): string[] {
  const keys = Array.isArray(details?.['reason_keys']) ? (details['reason_keys'] as unknown[]) : [];
  const english = Array.isArray(details?.['reasons']) ? (details['reasons'] as unknown[]) : [];
  return keys.map((key, i) =>
    i18n.t(`password_${String(key)}`, {
      ns: 'errors',
      defaultValue: String(english[i] ?? ''),
    }),
  );
}
