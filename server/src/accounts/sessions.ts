import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, SessionsTable } from '../db/schema.js';
import { randomToken } from '../util/ids.js';

/** Session tokens start with `s_`; the database keeps only their sha256. */
export const SESSION_PREFIX = 's_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createSession(
  db: Kysely<Database>,
  input: {
    userId: string;
    kind: SessionsTable['kind'];
    name?: string | null;
    now: number;
    ttlMs: number | null;
    userAgent?: string | null;
  },
): Promise<{ token: string; session: SessionsTable }> {
  const token = SESSION_PREFIX + randomToken();
  const session: SessionsTable = {
    id: hashToken(token),
    user_id: input.userId,
    kind: input.kind,
    name: input.name ?? null,
    created_at: input.now,
    expires_at: input.ttlMs === null ? null : input.now + input.ttlMs,
    last_used_at: input.now,
    user_agent: input.userAgent ? input.userAgent.slice(0, 300) : null,
  };
  await db.insertInto('sessions').values(session).execute();
  return { token, session };
}

/** The live session for a token, or null. Touches last_used_at at most once a minute. */
export async function findSession(
  db: Kysely<Database>,
  token: string,
  now: number,
): Promise<SessionsTable | null> {
  if (!token.startsWith(SESSION_PREFIX) || token.length > 100) return null;
  const session = await db
    .selectFrom('sessions')
    .selectAll()
    .where('id', '=', hashToken(token))
    .executeTakeFirst();
  if (!session) return null;
  if (session.expires_at !== null && session.expires_at <= now) return null;
  if (now - session.last_used_at > 60_000) {
    await db
      .updateTable('sessions')
      .set({ last_used_at: now })
      .where('id', '=', session.id)
      .execute();
  }
  return session;
}

export async function deleteSession(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}
