import { generateKeyPairSync } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/**
 * VAPID (RFC 8292): the server identifies itself to push services with a
 * P-256 key pair. The pair is generated at the first start and kept in the
 * database, so every node signs with the same key, and browsers subscribed
 * with its public key keep working across restarts. The `web-push` library
 * signs the tokens (12 hours long; push services refuse more than 24).
 */
const SETTING = 'vapid_keys';

interface StoredKeys {
  /** The private key as a JWK (kty EC, crv P-256, x, y, d). */
  jwk: { kty: string; crv: string; x: string; y: string; d: string };
}

export class VapidKeys {
  /** base64url of the uncompressed public point: what `applicationServerKey` takes. */
  readonly publicKey: string;
  /** base64url of the private scalar, as `web-push` takes it. */
  readonly privateKey: string;

  private constructor(jwk: StoredKeys['jwk']) {
    this.publicKey = Buffer.concat([
      Buffer.from([4]),
      Buffer.from(jwk.x, 'base64url'),
      Buffer.from(jwk.y, 'base64url'),
    ]).toString('base64url');
    this.privateKey = jwk.d;
  }

  /** Loads the pair, creating it on first start (safe with several nodes racing). */
  static async load(db: Kysely<Database>): Promise<VapidKeys> {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const fresh: StoredKeys = { jwk: privateKey.export({ format: 'jwk' }) as StoredKeys['jwk'] };
    await db
      .insertInto('server_settings')
      .values({ key: SETTING, value: JSON.stringify(fresh) })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const row = await db
      .selectFrom('server_settings')
      .select('value')
      .where('key', '=', SETTING)
      .executeTakeFirstOrThrow();
    const stored = JSON.parse(row.value) as StoredKeys;
    return new VapidKeys(stored.jwk);
  }

  /** What `web-push` signs with, for the `sub` claim `subject`. */
  details(subject: string): { subject: string; publicKey: string; privateKey: string } {
    return { subject, publicKey: this.publicKey, privateKey: this.privateKey };
  }
}
