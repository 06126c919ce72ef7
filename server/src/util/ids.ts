import { randomBytes } from 'node:crypto';
import { ID_PATTERN } from '@salon/protocol';

/**
 * Ids are 20 lowercase base-36 characters: 9 of milliseconds, 3 of a
 * per-process counter, 8 random. Equal width makes them sort by creation time
 * as plain strings, which is what cursor pagination orders by, on SQLite and
 * PostgreSQL alike.
 */
let lastMs = 0;
let counter = 0;

export function newId(now: number = Date.now()): string {
  if (now === lastMs) {
    counter = (counter + 1) % 46656;
  } else {
    lastMs = now;
    counter = 0;
  }
  const random = BigInt(`0x${randomBytes(6).toString('hex')}`) % 36n ** 8n;
  return (
    now.toString(36).padStart(9, '0') +
    counter.toString(36).padStart(3, '0') +
    random.toString(36).padStart(8, '0')
  );
}

/** Declared in the protocol, with the `Id` schema that HTTP and the socket check with. */
export { ID_PATTERN };

const idRe = new RegExp(ID_PATTERN);
export function isId(value: string): boolean {
  return idRe.test(value);
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
