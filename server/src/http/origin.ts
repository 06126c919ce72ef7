/**
 * Cross-site request refusal (CSRF), as a pure rule over a request's headers.
 *
 * Browsers attach Salon's cookies to requests any page starts (SameSite=Lax
 * still lets top-level POST navigations through on older engines, and a
 * same-site sibling page gets them always), so a state change carried by a
 * cookie must prove it comes from Salon's own pages. The proof is the browser's
 * own statement of where the request comes from, which a page cannot forge:
 *
 * 1. `Origin` present: it must be an allowed origin (`null` never is).
 * 2. Else `Referer` present: its origin must be allowed.
 * 3. Else `Sec-Fetch-Site` present: it must be `same-origin` or `none` (typed
 *    into the address bar). `same-site` is refused: a sibling subdomain is not us.
 * 4. None of them: not a browser (browsers send `Origin` on every cross-site
 *    request and every non-GET fetch), so no victim's cookie to abuse: allowed.
 *
 * Allowed origins are the origin of PUBLIC_URL, the origin the request itself
 * names in `Host` (the same server under another name, e.g. 127.0.0.1 and
 * localhost, or a dev proxy that keeps the Host), and ALLOWED_ORIGINS.
 * A page cannot choose the `Host` the browser sends, so matching it is safe.
 */
export interface OriginPolicy {
  /** Exact origins (scheme://host[:port], lower case). */
  allowed: ReadonlySet<string>;
}

export interface RequestSource {
  origin?: string | undefined;
  referer?: string | undefined;
  secFetchSite?: string | undefined;
  /** The authority the request was sent to (`Host`, or the forwarded host behind a trusted proxy). */
  host?: string | undefined;
}

export type SourceVerdict = { ok: true } | { ok: false; reason: string };

export function originPolicy(publicUrl: string, extra: readonly string[]): OriginPolicy {
  const allowed = new Set<string>();
  for (const url of [publicUrl, ...extra]) {
    const origin = normalizeOrigin(url);
    if (origin) allowed.add(origin);
  }
  return { allowed };
}

/** `scheme://host[:port]` of a URL or origin, lower case, default ports dropped; null if not http(s). */
export function normalizeOrigin(value: string | undefined): string | null {
  if (!value || value === 'null') return null;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin.toLowerCase();
  } catch {
    return null;
  }
}

function matches(origin: string, policy: OriginPolicy, host: string | undefined): boolean {
  if (policy.allowed.has(origin)) return true;
  // The request's own Host, by authority: the scheme is the TLS terminator's business.
  return (
    host !== undefined &&
    host !== '' &&
    origin.slice(origin.indexOf('//') + 2) === host.toLowerCase()
  );
}

export function checkRequestSource(source: RequestSource, policy: OriginPolicy): SourceVerdict {
  if (source.origin !== undefined) {
    const origin = normalizeOrigin(source.origin);
    return origin && matches(origin, policy, source.host)
      ? { ok: true }
      : { ok: false, reason: `Requests from ${source.origin} may not act on your account.` };
  }
  if (source.referer !== undefined) {
    const origin = normalizeOrigin(source.referer);
    return origin && matches(origin, policy, source.host)
      ? { ok: true }
      : { ok: false, reason: 'Requests from another site may not act on your account.' };
  }
  if (source.secFetchSite !== undefined) {
    const site = source.secFetchSite.toLowerCase();
    return site === 'same-origin' || site === 'none'
      ? { ok: true }
      : { ok: false, reason: `A ${site} request may not act on your account.` };
  }
  return { ok: true };
}

/** Methods that change state; GET and HEAD must not, and OPTIONS is a preflight. */
export function isStateChanging(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}

/** The headers of a Node request, as the rule reads them. */
export function sourceOf(
  headers: Record<string, string | string[] | undefined>,
  host: string | undefined,
): RequestSource {
  const one = (name: string): string | undefined => {
    const value = headers[name];
    // Node joins a repeated Origin into one value, which is no origin and so refused;
    // should a list ever come through, it is refused too, never taken as "absent".
    return Array.isArray(value) ? 'null' : value;
  };
  return {
    origin: one('origin'),
    referer: one('referer'),
    secFetchSite: one('sec-fetch-site'),
    host,
  };
}
