/**
 * The embeddable player's edge rules, pure: which requests belong to it
 * (they may be framed by any page, and never set a cookie), and the headers
 * that differ from the rest of Salon.
 */

const ID = '[0-9a-z]{20}';
const EMBED_PAGE = new RegExp(`^/embed/spaces/${ID}/?(?:[?#]|$)`);

/**
 * Responses that set no cookie whoever asks: the embed page and its JSON,
 * the build's static files, and what other apps fetch on a person's behalf (unfurls, podcast apps):
 * oEmbed, the share card, the feed, the rendered audio.
 */
const COOKIELESS = [
  /^\/embed\//,
  // The build's hashed files: a script the embed imports (hls.js, on play) is
  // fetched with that script's own URL as Referer, not the embed page's.
  /^\/assets\//,
  /^\/api\/v1\/embed\//,
  /^\/oembed(?:[/?#]|$)/,
  /^\/u\/[^/]+\/replays\.rss(?:[?#]|$)/,
  new RegExp(`^/api/v1/spaces/${ID}/(?:replay\\.m4a|card\\.png)(?:[?#]|$)`),
];

/** The page an iframe loads: the only one any site may frame. */
export function isEmbedPage(url: string | undefined): boolean {
  return url !== undefined && EMBED_PAGE.test(url);
}

/**
 * Whether a request must leave without a cookie: one of the cookieless paths,
 * or a call made by the embed page itself (the guest token, `/listen`, the
 * replay), which its Referer says: same host, an `/embed/` path. The page is
 * served with the usual `strict-origin-when-cross-origin`, so its requests
 * to Salon carry that full URL.
 */
export function isCookieless(
  url: string,
  referer: string | undefined,
  host: string | undefined,
): boolean {
  if (COOKIELESS.some((pattern) => pattern.test(url))) return true;
  if (!referer || !host) return false;
  try {
    const from = new URL(referer);
    return from.host === host && from.pathname.startsWith('/embed/');
  } catch {
    return false;
  }
}

/** The player asks for nothing a browser guards, the microphone least of all. */
export const EMBED_PERMISSIONS_POLICY =
  'microphone=(), camera=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), midi=(), display-capture=()';
