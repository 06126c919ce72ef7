/**
 * oEmbed 1.0 (oembed.com), pure: which of our pages a URL names, and the
 * `rich` answer with the embeddable player's iframe.
 */
import { escapeHtml } from './meta.js';

export type EmbeddedPage =
  | { kind: 'space'; id: string }
  | { kind: 'replay'; id: string }
  | { kind: 'clip'; id: string };

const ID = '([0-9a-z]{20})';
const PATHS: Array<[RegExp, EmbeddedPage['kind']]> = [
  [new RegExp(`^/spaces/${ID}/?$`), 'space'],
  [new RegExp(`^/spaces/${ID}/replay/?$`), 'replay'],
  [new RegExp(`^/embed/spaces/${ID}/?$`), 'space'],
  [new RegExp(`^/clips/${ID}/?$`), 'clip'],
];

/**
 * The page a URL names, if it is one of ours: same origin as `publicUrl`
 * (http and https alike: a consumer may have normalized the scheme), any
 * query or fragment ignored.
 */
export function parseEmbeddedUrl(raw: string, publicUrl: string): EmbeddedPage | null {
  let url: URL;
  let own: URL;
  try {
    url = new URL(raw);
    own = new URL(publicUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.host.toLowerCase() !== own.host.toLowerCase()) return null;
  for (const [pattern, kind] of PATHS) {
    const match = pattern.exec(url.pathname);
    if (match?.[1]) return { kind, id: match[1] };
  }
  return null;
}

/** The player's size: 100 % wide up to DEFAULT_WIDTH px, as tall as its card. */
export const DEFAULT_WIDTH = 480;
export const DEFAULT_HEIGHT = 200;
const MIN_WIDTH = 200;
const MIN_HEIGHT = 120;

/** The iframe's size within what the consumer allows (`maxwidth`, `maxheight`). */
export function playerSize(
  maxwidth?: number,
  maxheight?: number,
): { width: number; height: number } {
  const width = Math.max(MIN_WIDTH, Math.min(DEFAULT_WIDTH, maxwidth ?? DEFAULT_WIDTH));
  const height = Math.max(MIN_HEIGHT, Math.min(DEFAULT_HEIGHT, maxheight ?? DEFAULT_HEIGHT));
  return { width, height };
}

/** The snippet a page pastes: the embed page, no microphone, no permissions beyond autoplay. */
export function iframeHtml(src: string, title: string, width: number, height: number): string {
  return `<iframe src="${escapeHtml(src)}" width="${width}" height="${height}" title="${escapeHtml(title)}" frameborder="0" allow="autoplay" loading="lazy" style="border:0;border-radius:12px;max-width:100%"></iframe>`;
}

export interface OembedInput {
  title: string;
  authorName: string;
  authorUrl: string;
  providerUrl: string;
  embedUrl: string;
  thumbnail: { url: string; width: number; height: number };
  maxwidth?: number | undefined;
  maxheight?: number | undefined;
}

export interface OembedRich {
  type: 'rich';
  version: '1.0';
  title: string;
  author_name: string;
  author_url: string;
  provider_name: string;
  provider_url: string;
  cache_age: number;
  thumbnail_url: string;
  thumbnail_width: number;
  thumbnail_height: number;
  html: string;
  width: number;
  height: number;
}

/** A thumbnail larger than maxwidth/maxheight must be left out (the spec says so). */
export function oembedRich(
  input: OembedInput,
): OembedRich | Omit<OembedRich, `thumbnail_${string}`> {
  const { width, height } = playerSize(input.maxwidth, input.maxheight);
  const answer: OembedRich = {
    type: 'rich',
    version: '1.0',
    title: input.title,
    author_name: input.authorName,
    author_url: input.authorUrl,
    provider_name: 'Salon',
    provider_url: input.providerUrl,
    cache_age: 300,
    thumbnail_url: input.thumbnail.url,
    thumbnail_width: input.thumbnail.width,
    thumbnail_height: input.thumbnail.height,
    html: iframeHtml(input.embedUrl, input.title, width, height),
    width,
    height,
  };
  const fits =
    (input.maxwidth === undefined || input.thumbnail.width <= input.maxwidth) &&
    (input.maxheight === undefined || input.thumbnail.height <= input.maxheight);
  if (fits) return answer;
  const { thumbnail_url: _u, thumbnail_width: _w, thumbnail_height: _h, ...rest } = answer;
  return rest;
}
