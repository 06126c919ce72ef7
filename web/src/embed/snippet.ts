/**
 * The `<iframe>` a share sheet offers for a space: the embeddable player
 * (`/embed/spaces/:id`, served with `frame-ancestors *`) at the space's own
 * origin, so the snippet works pasted anywhere.
 */

/** The player's height in px: title, host, the play button and the count, on one card. */
export const EMBED_HEIGHT = 200;

const escapeAttribute = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function embedUrl(space: { id: string; url: string }): string {
  return new URL(`/embed/spaces/${encodeURIComponent(space.id)}`, space.url).toString();
}

/** The HTML to paste: lazy, borderless, as wide as its column up to 480 px, titled for screen readers. */
export function embedSnippet(space: { id: string; url: string; title: string }): string {
  return (
    `<iframe src="${escapeAttribute(embedUrl(space))}" title="${escapeAttribute(space.title)}"` +
    ` width="100%" height="${EMBED_HEIGHT}" style="border:0;max-width:480px" loading="lazy"` +
    ` allow="autoplay"></iframe>`
  );
}
