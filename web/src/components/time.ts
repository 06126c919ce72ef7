/**
 * Times, durations and numbers in the person's language, through `Intl` with
 * the app's current language (`1,234` in English, `1 234` in French).
 */
import { i18n } from '../i18n';

const language = () => i18n.resolvedLanguage ?? i18n.language ?? 'en';

/** "3m", "2h", "5d" (in French "3 min", "2 h", "5 j") or a date: short, as timelines show it. */
export function ago(iso: string, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return unit(seconds, 'second');
  if (seconds < 3600) return unit(Math.floor(seconds / 60), 'minute');
  if (seconds < 86_400) return unit(Math.floor(seconds / 3600), 'hour');
  if (seconds < 7 * 86_400) return unit(Math.floor(seconds / 86_400), 'day');
  return new Intl.DateTimeFormat(language(), { dateStyle: 'medium' }).format(new Date(iso));
}

function unit(value: number, name: 'second' | 'minute' | 'hour' | 'day'): string {
  const lang = language();
  // English timelines say "3m"; French's narrow form glues the unit ("3min"), its short one reads "3 min".
  return new Intl.NumberFormat(lang, {
    style: 'unit',
    unit: name,
    unitDisplay: lang === 'en' ? 'narrow' : 'short',
  }).format(value);
}

/** "Tue, Dec 1, 08:30 PM" / "mar. 1 déc., 20:30": a scheduled or past moment (in `lang`, the app's by default). */
export function when(iso: string, lang: string = language()): string {
  return new Intl.DateTimeFormat(lang, {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));
}

/** "3 minutes ago", "in 2 hours", "yesterday" / "il y a 3 minutes", "dans 2 heures", "hier". */
export function relative(iso: string, now: number = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const format = new Intl.RelativeTimeFormat(language(), { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return format.format(seconds, 'second');
  if (abs < 3600) return format.format(Math.trunc(seconds / 60), 'minute');
  if (abs < 86_400) return format.format(Math.trunc(seconds / 3600), 'hour');
  if (abs < 30 * 86_400) return format.format(Math.trunc(seconds / 86_400), 'day');
  return when(iso);
}

/** "1 h 05 min", "12 min", "45 s": how long something lasted. */
export function duration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const parts: [number, 'hour' | 'minute' | 'second'][] =
    hours > 0
      ? [
          [hours, 'hour'],
          [minutes, 'minute'],
        ]
      : minutes > 0
        ? [[minutes, 'minute']]
        : [[s, 'second']];
  return parts
    .filter(([value], i) => i === 0 || value > 0)
    .map(([value, name]) =>
      new Intl.NumberFormat(language(), {
        style: 'unit',
        unit: name,
        unitDisplay: 'short',
      }).format(value),
    )
    .join(' ');
}

/** A count as the person writes numbers: "1,234" / "1 234". */
export function count(value: number): string {
  return new Intl.NumberFormat(language()).format(value);
}

/** A big count, short: "12K" / "12 k". */
export function compactCount(value: number): string {
  return new Intl.NumberFormat(language(), { notation: 'compact' }).format(value);
}
