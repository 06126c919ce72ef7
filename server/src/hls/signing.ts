import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Scope } from '../streams/layout.js';

/**
 * Signed, expiring HLS URLs. The token sits in the path, not the query:
 * `/hls/<space>/<scope>/<expires>.<signature>/index.m3u8`, so the relative
 * segment URIs of a playlist resolve under the same token and every player
 * (hls.js, Safari, ffmpeg) carries it without rewriting playlists.
 *
 * The signature is an HMAC-SHA256 over `<space>/<scope>/<expires>` with a key
 * kept in the database (any node verifies what another issued). Expiry is
 * rounded up to a bucket, so everyone admitted within the same few minutes
 * gets the same URL, and a CDN caches one copy per bucket, not one per
 * listener.
 *
 * The live playlist is the exception: its token also names the viewer
 * (`<expires>.<viewer>.<signature>`) and lives a minute, so that a removal
 * (or a suspension) refuses that person's next playlist fetch, and the
 * origin rewrites the playlist's segment URIs to the shared, long-lived
 * token (`../<expires>.<signature>/l000123.ts`): segments, which are nearly
 * all of the bytes, are still one CDN copy for everyone. The player asks
 * `/listen` for a fresh playlist URL before it expires.
 *
 * A ticketed space goes one step further: every file of its live and replay
 * scopes is fetched under a viewer's token (`issueFor`), and its playlists
 * are not rewritten, so the segments resolve under the same token and each
 * fetch is checked against the person's ticket. A refund or a removal thus
 * stops segments too, at the next fetch; a ticketed space has at most a few
 * hundred holders, so one copy per holder costs a CDN little.
 */
export const HLS_PREFIX = '/hls/';
const KEY_SETTING = 'hls_url_key';
const MAX_TOKEN = 100;
/** Who a playlist URL is for: `u<user id>` or `g<guest id>`. */
const VIEWER = /^[ug][0-9a-z]{1,40}$/;

export type Verdict = 'ok' | 'invalid_signature' | 'expired';

export interface SignedUrl {
  /** Path-absolute: `/hls/…/index.m3u8`. */
  path: string;
  expiresAt: number;
}

export class HlsUrlSigner {
  constructor(private readonly key: Buffer) {}

  /** Loads the signing key, creating it on first start (safe with several nodes racing). */
  static async load(db: Kysely<Database>): Promise<HlsUrlSigner> {
    await db
      .insertInto('server_settings')
      .values({ key: KEY_SETTING, value: randomBytes(32).toString('base64url') })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const row = await db
      .selectFrom('server_settings')
      .select('value')
      .where('key', '=', KEY_SETTING)
      .executeTakeFirstOrThrow();
    return new HlsUrlSigner(Buffer.from(row.value, 'base64url'));
  }

  /** A URL valid for at least `ttlSeconds` from `now` (ms), at most a bucket longer. */
  issue(spaceId: string, scope: Scope, now: number, ttlSeconds: number, file = 'index.m3u8') {
    const token = this.token(spaceId, scope, expiryFor(now, ttlSeconds));
    return {
      path: `${HLS_PREFIX}${spaceId}/${scope}/${token.value}/${file}`,
      expiresAt: token.expires * 1000,
    } satisfies SignedUrl;
  }

  token(spaceId: string, scope: Scope, expiresS: number): { value: string; expires: number } {
    return {
      value: `${expiresS}.${this.sign(`${spaceId}/${scope}/${expiresS}`)}`,
      expires: expiresS,
    };
  }

  /** A live playlist URL for one viewer (`u<id>`, `g<id>`), valid at least `ttlSeconds`. */
  issuePlaylist(spaceId: string, viewer: string, now: number, ttlSeconds: number): SignedUrl {
    return this.issueFor(spaceId, 'live', viewer, now, ttlSeconds);
  }

  /** A URL of a scope for one viewer (`u<id>`, `g<id>`), valid at least `ttlSeconds`. */
  issueFor(
    spaceId: string,
    scope: Scope,
    viewer: string,
    now: number,
    ttlSeconds: number,
    file = 'index.m3u8',
  ): SignedUrl {
    if (!VIEWER.test(viewer)) throw new Error(`not a viewer key: ${viewer}`);
    const expires = expiryFor(now, ttlSeconds);
    const token = `${expires}.${viewer}.${this.sign(`${spaceId}/${scope}/${expires}/${viewer}`)}`;
    return { path: `${HLS_PREFIX}${spaceId}/${scope}/${token}/${file}`, expiresAt: expires * 1000 };
  }

  /** Checks a live playlist token; the viewer it names when valid. */
  verifyPlaylist(
    spaceId: string,
    token: string,
    now: number,
  ): { verdict: 'ok'; viewer: string } | { verdict: Exclude<Verdict, 'ok'> } {
    return this.verifyFor(spaceId, 'live', token, now);
  }

  /** Whether a token names a viewer (`<expires>.<viewer>.<signature>`) rather than being shared. */
  static namesViewer(token: string): boolean {
    return token.split('.').length === 3;
  }

  /** Checks a viewer's token for a scope; the viewer it names when valid. */
  verifyFor(
    spaceId: string,
    scope: Scope,
    token: string,
    now: number,
  ): { verdict: 'ok'; viewer: string } | { verdict: Exclude<Verdict, 'ok'> } {
    const parts = token.length > MAX_TOKEN ? [] : token.split('.');
    if (parts.length !== 3) return { verdict: 'invalid_signature' };
    const [expires, viewer, signature] = parts as [string, string, string];
    if (!/^\d{1,12}$/.test(expires) || !VIEWER.test(viewer))
      return { verdict: 'invalid_signature' };
    const expected = Buffer.from(this.sign(`${spaceId}/${scope}/${expires}/${viewer}`));
    const actual = Buffer.from(signature);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
      return { verdict: 'invalid_signature' };
    return Number(expires) * 1000 <= now ? { verdict: 'expired' } : { verdict: 'ok', viewer };
  }

  verify(spaceId: string, scope: Scope, token: string, now: number): Verdict {
    if (token.length > MAX_TOKEN) return 'invalid_signature';
    const dot = token.indexOf('.');
    if (dot <= 0) return 'invalid_signature';
    const expires = token.slice(0, dot);
    if (!/^\d{1,12}$/.test(expires)) return 'invalid_signature';
    const expected = Buffer.from(this.sign(`${spaceId}/${scope}/${expires}`));
    const actual = Buffer.from(token.slice(dot + 1));
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
      return 'invalid_signature';
    return Number(expires) * 1000 <= now ? 'expired' : 'ok';
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

/** Expiry in epoch seconds: now + ttl, rounded up to a bucket of up to 5 minutes. */
export function expiryFor(now: number, ttlSeconds: number): number {
  const bucket = Math.max(1, Math.min(300, Math.floor(ttlSeconds / 4)));
  return Math.ceil((Math.floor(now / 1000) + ttlSeconds) / bucket) * bucket;
}
