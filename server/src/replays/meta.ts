/**
 * Link previews, pure: Open Graph and Twitter Card tags for a space, replay
 * or clip page, the oEmbed discovery link, and their insertion into the
 * app's index.html. Everything that comes from people (titles, names) is
 * HTML-escaped here, once.
 */

export interface PageMeta {
  title: string;
  description: string;
  /** The canonical page URL. */
  url: string;
  image: { url: string; width: number; height: number; alt: string };
  /** `music.song` for audio one can play (a replay, a clip), else `website`. */
  type: 'website' | 'music.song';
  audio?: { url: string; type: string } | undefined;
  /** The oEmbed JSON URL for this page (discovery). */
  oembedUrl?: string | undefined;
  siteName: string;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** At most `max` characters, cut at a word where one is near, with an ellipsis. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

export function metaTags(meta: PageMeta): string {
  const property = (name: string, value: string) =>
    `<meta property="${name}" content="${escapeHtml(value)}" />`;
  const named = (name: string, value: string) =>
    `<meta name="${name}" content="${escapeHtml(value)}" />`;
  const tags = [
    named('description', meta.description),
    property('og:site_name', meta.siteName),
    property('og:type', meta.type),
    property('og:title', meta.title),
    property('og:description', meta.description),
    property('og:url', meta.url),
    property('og:image', meta.image.url),
    property('og:image:type', 'image/png'),
    property('og:image:width', String(meta.image.width)),
    property('og:image:height', String(meta.image.height)),
    property('og:image:alt', meta.image.alt),
  ];
  if (meta.audio) {
    tags.push(property('og:audio', meta.audio.url), property('og:audio:type', meta.audio.type));
  }
  tags.push(
    named('twitter:card', 'summary_large_image'),
    named('twitter:title', meta.title),
    named('twitter:description', meta.description),
    named('twitter:image', meta.image.url),
    named('twitter:image:alt', meta.image.alt),
    `<link rel="canonical" href="${escapeHtml(meta.url)}" />`,
  );
  if (meta.oembedUrl) {
    tags.push(
      `<link rel="alternate" type="application/json+oembed" href="${escapeHtml(meta.oembedUrl)}" title="${escapeHtml(meta.title)}" />`,
    );
  }
  return tags.join('\n    ');
}

/**
 * The app's page with the tags in its head: its own description is replaced
 * (one per page) and its title becomes the page's, so a crawler that reads
 * only `<title>` sees it too.
 */
export function injectHead(html: string, meta: PageMeta): string {
  const withoutDescription = html.replace(/\s*<meta\s+name="description"[^>]*>/i, '');
  const titled = withoutDescription.replace(
    /<title>[^<]*<\/title>/i,
    `<title>${escapeHtml(meta.title)}</title>`,
  );
  const at = titled.search(/<\/head>/i);
  if (at < 0) return titled;
  return `${titled.slice(0, at)}    ${metaTags(meta)}\n  ${titled.slice(at)}`;
}
