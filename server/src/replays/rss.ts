/**
 * A host's replays as a podcast: RSS 2.0 with the iTunes namespace, pure.
 * Every text is escaped for XML here, and characters XML 1.0 cannot carry
 * at all (control characters a title may hold) are dropped.
 */

export interface FeedItem {
  title: string;
  description: string;
  /** The replay page. */
  link: string;
  /** Stable for the episode's life: the space's id, not a URL that could move. */
  guid: string;
  publishedAt: number;
  durationMs: number;
  enclosure: { url: string; length: number; type: string };
}

export interface Feed {
  title: string;
  description: string;
  /** The host's profile. */
  link: string;
  /** This feed's own URL (atom:link rel=self, which feed validators ask for). */
  self: string;
  author: string;
  image: string;
  language: string;
  items: FeedItem[];
}

const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: dropping what XML 1.0 forbids is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** iTunes wants HH:MM:SS (or seconds); whole seconds, rounded. */
export function itunesDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}

/** RFC 822 dates, as RSS 2.0 requires (`toUTCString` writes exactly that form). */
export const rfc822 = (ms: number): string => new Date(ms).toUTCString();

export function renderFeed(feed: Feed): string {
  const e = escapeXml;
  const newest = feed.items[0]?.publishedAt;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:atom="http://www.w3.org/2005/Atom">',
    '<channel>',
    `<title>${e(feed.title)}</title>`,
    `<link>${e(feed.link)}</link>`,
    `<atom:link href="${e(feed.self)}" rel="self" type="application/rss+xml"/>`,
    `<description>${e(feed.description)}</description>`,
    `<language>${e(feed.language)}</language>`,
    ...(newest === undefined ? [] : [`<lastBuildDate>${rfc822(newest)}</lastBuildDate>`]),
    '<generator>Salon</generator>',
    `<itunes:author>${e(feed.author)}</itunes:author>`,
    `<itunes:summary>${e(feed.description)}</itunes:summary>`,
    `<itunes:image href="${e(feed.image)}"/>`,
    '<itunes:explicit>false</itunes:explicit>',
    '<itunes:type>episodic</itunes:type>',
    `<image><url>${e(feed.image)}</url><title>${e(feed.title)}</title><link>${e(feed.link)}</link></image>`,
  ];
  for (const item of feed.items) {
    lines.push(
      '<item>',
      `<title>${e(item.title)}</title>`,
      `<link>${e(item.link)}</link>`,
      `<guid isPermaLink="false">${e(item.guid)}</guid>`,
      `<pubDate>${rfc822(item.publishedAt)}</pubDate>`,
      `<description>${e(item.description)}</description>`,
      `<enclosure url="${e(item.enclosure.url)}" length="${item.enclosure.length}" type="${e(item.enclosure.type)}"/>`,
      `<itunes:author>${e(feed.author)}</itunes:author>`,
      `<itunes:duration>${itunesDuration(item.durationMs)}</itunes:duration>`,
      '<itunes:explicit>false</itunes:explicit>',
      '<itunes:episodeType>full</itunes:episodeType>',
      '</item>',
    );
  }
  lines.push('</channel>', '</rss>', '');
  return lines.join('\n');
}
