import { createCipheriv, createECDH, createHmac, randomBytes } from 'node:crypto';

/**
 * Message encryption for Web Push (RFC 8291) in the aes128gcm content coding
 * (RFC 8188), with one record: the push service sees only ciphertext, and
 * only the browser that holds the subscription's private key can read it.
 */

/** The largest body a push service must accept (RFC 8030 §7.2). */
export const MAX_RECORD_SIZE = 4096;
const HEADER_SIZE = 16 + 4 + 1 + 65;
const TAG_SIZE = 16;
/** Room for the payload in one record: the record less the tag and the delimiter byte. */
export const MAX_PAYLOAD_BYTES = MAX_RECORD_SIZE - HEADER_SIZE - TAG_SIZE - 1;

export interface EncryptOptions {
  /** For tests with known vectors; random otherwise. */
  salt?: Buffer;
  /** The application server's ephemeral ECDH private key, for known vectors. */
  senderPrivateKey?: Buffer;
}

function hmac(key: Buffer, data: Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** HKDF with SHA-256 for outputs of at most 32 bytes: one HMAC for extract, one for expand. */
function hkdf(salt: Buffer, ikm: Buffer, info: Buffer, length: number): Buffer {
  const prk = hmac(salt, ikm);
  return hmac(prk, Buffer.concat([info, Buffer.from([1])])).subarray(0, length);
}

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

/** The request body for one push message: header (salt, rs, keyid) then the sealed record. */
export function encryptPayload(
  payload: Buffer,
  uaPublic: Buffer,
  authSecret: Buffer,
  options: EncryptOptions = {},
): Buffer {
  if (payload.length > MAX_PAYLOAD_BYTES) {
    throw new RangeError(`a push payload holds at most ${MAX_PAYLOAD_BYTES} bytes`);
  }
  const sender = createECDH('prime256v1');
  if (options.senderPrivateKey) sender.setPrivateKey(options.senderPrivateKey);
  else sender.generateKeys();
  const asPublic = sender.getPublicKey();
  const ecdhSecret = sender.computeSecret(uaPublic);

  // RFC 8291 §3.4: the input keying material mixes in the auth secret and both public keys.
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = hkdf(authSecret, ecdhSecret, keyInfo, 32);

  const salt = options.salt ?? randomBytes(16);
  const cek = hkdf(salt, ikm, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const nonce = hkdf(salt, ikm, Buffer.from('Content-Encoding: nonce\0'), 12);

  const cipher = createCipheriv('aes-128-gcm', cek, nonce);
  // 0x02 marks the last (and only) record; no padding.
  const sealed = Buffer.concat([
    cipher.update(Buffer.concat([payload, Buffer.from([2])])),
    cipher.final(),
    cipher.getAuthTag(),
  ]);

  const header = Buffer.alloc(HEADER_SIZE);
  salt.copy(header, 0);
  header.writeUInt32BE(MAX_RECORD_SIZE, 16);
  header.writeUInt8(asPublic.length, 20);
  asPublic.copy(header, 21);
  return Buffer.concat([header, sealed]);
}
