import type { ReactNode } from 'react';

/**
 * Links in what people write, made clickable safely: only http and https
 * addresses become links (a `javascript:` or `data:` "link" stays text), the
 * text is never parsed as HTML (React escapes it), and every link opens in a
 * new tab without handing the page to the target (`noopener`), without
 * vouching for it to search engines (`nofollow`) and marked as user content
 * (`ugc`).
 */
const URL_PATTERN = /https?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that ends a sentence rather than the address: "see https://a.example." */
const TRAILING = /[.,;:!?'"»”’]+$/;

export const LINK_REL = 'noopener nofollow ugc';

/** The text split into strings and safe link targets. */
export function findLinks(text: string): Array<string | { href: string; label: string }> {
  const parts: Array<string | { href: string; label: string }> = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let label = match[0];
    label = label.replace(TRAILING, '');
    // A closing bracket belongs to the address only if the address opened one.
    while (label.endsWith(')') && count(label, '(') < count(label, ')')) label = label.slice(0, -1);
    const href = safeHref(label);
    if (!href) continue;
    const start = match.index;
    if (start > last) parts.push(text.slice(last, start));
    parts.push({ href, label });
    last = start + label.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

function safeHref(candidate: string): string | null {
  try {
    const url = new URL(candidate);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (!url.hostname) return null;
    return url.href;
  } catch {
    return null;
  }
}

/** Text with its http(s) addresses as links. */
export function Linkified({ text }: { text: string }): ReactNode {
  return findLinks(text).map((part, i) =>
    typeof part === 'string' ? (
      part
    ) : (
      // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text never move
      <a key={i} href={part.href} target="_blank" rel={LINK_REL}>
        {part.label}
      </a>
    ),
  );
}
