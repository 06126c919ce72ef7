import { when } from '../../components/time';

/** Dates of spaces in the person's language (Intl), as lists and the space page show them. */
export function formatWhen(iso: string, language: string): string {
  return when(iso, language);
}

export function formatDay(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium' }).format(new Date(iso));
}

/** For a datetime-local input: the local wall time of `ms`, to the minute. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
