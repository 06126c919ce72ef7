import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { holdersOf, offersOf } from '../../tickets/holders.js';
import { parameterError } from './errors.js';
import type { QueryReader } from './fields.js';

/**
 * Ticketed spaces as the Twitter API v2 shows them: `is_ticketed`,
 * `subscriber_count` (Twitter: the people who bought a ticket or set a
 * reminder, each counted once) and the buyers list. Tickets are read through
 * `tickets/holders.ts`, as every other reader of tickets does.
 */

export interface TicketFacts {
  ticketed: boolean;
  /** Distinct people with a paid ticket or a reminder. */
  subscribers: number;
}

export async function ticketFacts(
  db: Kysely<Database>,
  spaceIds: readonly string[],
): Promise<Map<string, TicketFacts>> {
  const out = new Map<string, TicketFacts>();
  if (spaceIds.length === 0) return out;
  const ids = [...new Set(spaceIds)];
  const people = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]));
  const reminders = await db
    .selectFrom('space_reminders')
    .select(['space_id', 'user_id'])
    .where('space_id', 'in', ids)
    .execute();
  for (const r of reminders) people.get(r.space_id)?.add(r.user_id);
  const offers = await offersOf(db, ids);
  for (const spaceId of offers.keys()) {
    for (const userId of await holdersOf(db, spaceId)) people.get(spaceId)?.add(userId);
  }
  for (const id of ids)
    out.set(id, { ticketed: offers.has(id), subscribers: people.get(id)?.size ?? 0 });
  return out;
}

/**
 * The buyers' pagination token: base64url of `[offset]` into the list of
 * holders (oldest purchase first). A ticketed space has at most
 * TICKET_COUNT_MAX holders, so the list is read whole; a refund between two
 * pages shifts the rest by one, as an offset does.
 */
export function readBuyersToken(reader: QueryReader, raw: string | undefined): number {
  if (raw === undefined) return 0;
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 1 &&
    Number.isSafeInteger(parsed[0]) &&
    (parsed[0] as number) > 0
  )
    return parsed[0] as number;
  reader.errors.push(
    parameterError(
      'pagination_token',
      [raw.slice(0, 100)],
      `The \`pagination_token\` query parameter value [${raw.slice(0, 100)}] is not a valid token`,
    ),
  );
  return 0;
}

export function buyersToken(offset: number): string {
  return Buffer.from(JSON.stringify([offset])).toString('base64url');
}

/** One page of a space's buyers (user ids), and the token of the next page if any. */
export async function buyersPage(
  db: Kysely<Database>,
  spaceId: string,
  offset: number,
  max: number,
): Promise<{ userIds: string[]; nextToken: string | null }> {
  const all = await holdersOf(db, spaceId);
  const userIds = all.slice(offset, offset + max);
  const next = offset + max;
  return { userIds, nextToken: next < all.length ? buyersToken(next) : null };
}
