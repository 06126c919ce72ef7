import { AppError } from '../errors.js';
import { textProblem } from '../util/text.js';

/**
 * Cursors are opaque to clients: base64url of a JSON array of the last row's
 * sort key. A cursor that does not decode to the expected shape is a 400,
 * decided here and alike on both engines: a time must be a non-negative safe
 * integer (PostgreSQL's bigint refuses `1.5`, `1e21` and 2^63, SQLite would
 * compare them), and a string must be text both can store.
 */

export function encodeCursor(values: Array<string | number>): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decode(raw: string, shape: ReadonlyArray<'string' | 'number'>): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.length === shape.length &&
    parsed.every((value, i) =>
      shape[i] === 'number'
        ? Number.isSafeInteger(value) && value >= 0
        : typeof value === 'string' && value.length <= 100 && textProblem(value) === null,
    );
  if (!ok) {
    throw AppError.invalid('invalid_cursor', 'query.cursor is not a cursor this server gave out.', {
      field: 'query.cursor',
    });
  }
  return parsed as unknown[];
}

/** A cursor over rows ordered by id. */
export function decodeIdCursor(raw: string | undefined): string | null {
  return raw === undefined ? null : (decode(raw, ['string'])[0] as string);
}

/** A cursor over rows ordered by (time, id). */
export function decodeTimeIdCursor(raw: string | undefined): [number, string] | null {
  return raw === undefined ? null : (decode(raw, ['number', 'string']) as [number, string]);
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** Rows were fetched with limit + 1; the extra row says whether there is a next page. */
export function toPage<Row, T>(
  rows: Row[],
  limit: number,
  present: (row: Row) => T,
  cursorOf: (row: Row) => Array<string | number>,
): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    data: pageRows.map(present),
    next_cursor: more && last !== undefined ? encodeCursor(cursorOf(last)) : null,
  };
}
