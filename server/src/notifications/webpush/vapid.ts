import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/**
 * VAPID (RFC 8292): the server identifies itself to push services with a
 * P-256 key pair. The pair is generated at the first start and kept in the
 * database, so every node signs with the same key, and browsers subscribed
 * with its public key keep working across restarts.
 */
const SETTING = 'vapid_keys';
/** Push services refuse tokens that live longer than 24 hours. */
const TOKEN_TTL_S = 12 * 3600;

interface StoredKeys {
  /** The private key as a JWK (kty EC, crv P-256, x, y, d). */
  jwk: { kty: string; crv: string; x: string; y: string; d: string };
}

export class VapidKeys {
  /** base64url of the uncompressed public point: what `applicationServerKey` takes. */
  readonly publicKey: string;

  private constructor(private readonly privateKey: KeyObject) {
    const jwk = privateKey.export({ format: 'jwk' });
    this.publicKey = Buffer.concat([
      Buffer.from([4]),
      Buffer.from(jwk.x!, 'base64url'),
      Buffer.from(jwk.y!, 'base64url'),
    ]).toString('base64url');
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
    return new VapidKeys(createPrivateKey({ key: stored.jwk, format: 'jwk' }));
  }

  /** The Authorization header for a request to this push endpoint. */
  authorization(endpoint: string, subject: string, nowMs: number): string {
    const header = { typ: 'JWT', alg: 'ES256' };
    const claims = {
      aud: new URL(endpoint).origin,
      exp: Math.floor(nowMs / 1000) + TOKEN_TTL_S,
      sub: subject,
    };
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode(header)}.${encode(claims)}`;
    const signature = sign('sha256', Buffer.from(unsigned), {
      key: this.privateKey,
      dsaEncoding: 'ieee-p1363',
    }).toString('base64url');
    return `vapid t=${unsigned}.${signature}, k=${this.publicKey}`;
  }
}
