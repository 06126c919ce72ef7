import { i18n } from '../../i18n';

/** A date and time in the person's language: "1 Dec 2026, 22:40". */
export function dateTime(iso: string): string {
  return new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

/**
 * "Firefox on Linux" from a User-Agent, enough for a person to recognise
 * their own devices; the raw string stays available as a tooltip. Order
 * matters: Edge and Opera say Chrome too, Chrome says Safari.
 */
export function deviceOf(userAgent: string | null): { browser: string; os: string } | null {
  if (!userAgent) return null;
  const ua = userAgent;
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /OPR\/|Opera/.test(ua)
      ? 'Opera'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Chromium\//.test(ua)
          ? 'Chromium'
          : /Chrome\//.test(ua)
            ? 'Chrome'
            : /Safari\//.test(ua)
              ? 'Safari'
              : (ua.split(/[/ ]/)[0] ?? ua);
  const os = /iPhone|iPad|iPod/.test(ua)
    ? 'iOS'
    : /Android/.test(ua)
      ? 'Android'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /CrOS/.test(ua)
            ? 'ChromeOS'
            : /Linux|X11/.test(ua)
              ? 'Linux'
              : '';
  return { browser, os };
}
