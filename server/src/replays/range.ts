/**
 * HTTP byte ranges (RFC 9110 §14), pure: what part of a file of `size` bytes
 * a request asks for. Podcast apps and `<audio>` seek with single ranges;
 * several ranges at once are answered with the whole file, which the RFC
 * allows, and so is a Range header that does not parse.
 */
export type RangeAnswer =
  | { kind: 'whole' }
  | { kind: 'part'; start: number; end: number }
  | { kind: 'unsatisfiable' };

export function byteRange(
  header: string | undefined,
  size: number,
  ifRange?: { header: string | undefined; etag: string },
): RangeAnswer {
  if (!header) return { kind: 'whole' };
  // If-Range names the version the client holds; any other means "send it whole".
  if (ifRange?.header !== undefined && ifRange.header !== ifRange.etag) return { kind: 'whole' };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return { kind: 'whole' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    // The last N bytes.
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'part', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (!Number.isSafeInteger(start) || start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (!Number.isSafeInteger(end) || end < start) return { kind: 'whole' };
  return { kind: 'part', start, end };
}
