import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { newId } from '../util/ids.js';

/**
 * Guests (listeners without an account) hold a signed token
 * `g_<guestId>.<expiresMs>.<hmac>`. Nothing is stored per guest: any node
 * that shares the signing key (kept in the database) can verify it.
 */
export const GUEST_PREFIX = 'g_';
const GUEST_TTL_MS = 7 * 24 * 3600 * 1000;

export interface GuestIdentity {
  guestId: string;
  expiresAt: number;
}

export class GuestTokens {
  private constructor(private readonly key: Buffer) {}

  /** Loads the signing key, creating it on first start (safe with several nodes racing). */
  static async load(db: Kysely<Database>): Promise<GuestTokens> {
    await db
      .insertInto('server_settings')
      .values({ key: 'guest_token_key', value: randomBytes(32).toString('base64url') })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const row = await db
      .selectFrom('server_settings')
      .select('value')
      .where('key', '=', 'guest_token_key')
      .executeTakeFirstOrThrow();
    return new GuestTokens(Buffer.from(row.value, 'base64url'));
  }

  issue(now: number): { token: string; identity: GuestIdentity } {
    const identity = { guestId: newId(now), expiresAt: now + GUEST_TTL_MS };
    const body = `${identity.guestId}.${identity.expiresAt}`;
    return { token: `${GUEST_PREFIX}${body}.${this.sign(body)}`, identity };
  }

  verify(token: string, now: number): GuestIdentity | null {
    if (!token.startsWith(GUEST_PREFIX) || token.length > 200) return null;
    const parts = token.slice(GUEST_PREFIX.length).split('.');
    if (parts.length !== 3) return null;
    const [guestId, expires, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${guestId}.${expires}`));
    const actual = Buffer.from(signature);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
    const expiresAt = Number(expires);
    if (!Number.isFinite(expiresAt) || expiresAt <= now) return null;
    return { guestId, expiresAt };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
