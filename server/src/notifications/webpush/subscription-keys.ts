import { createECDH } from 'node:crypto';

/**
 * The check of a subscription's keys when a browser subscribes, so a bad key
 * is a 400 then and not a failed job later. The encryption itself (RFC 8291)
 * is the `web-push` library's.
 */

export class InvalidSubscriptionKeys extends Error {
  override readonly name = 'InvalidSubscriptionKeys';
}

/** Checks a subscription's keys as a browser sends them (base64url); throws when unusable. */
export function decodeSubscriptionKeys(p256dh: string, auth: string): { ua: Buffer; auth: Buffer } {
  const ua = Buffer.from(p256dh, 'base64url');
  const secret = Buffer.from(auth, 'base64url');
  if (ua.length !== 65 || ua[0] !== 0x04) {
    throw new InvalidSubscriptionKeys('p256dh must be an uncompressed P-256 public key');
  }
  if (secret.length !== 16) throw new InvalidSubscriptionKeys('auth must be 16 bytes');
  try {
    // Rejects points that are not on the curve.
    const probe = createECDH('prime256v1');
    probe.generateKeys();
    probe.computeSecret(ua);
  } catch (cause) {
    throw new InvalidSubscriptionKeys('p256dh is not a point on P-256', { cause });
  }
  return { ua, auth: secret };
}
