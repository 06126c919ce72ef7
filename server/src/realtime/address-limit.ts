import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';

/**
 * WebSocket connections held per client address. A slot is taken when a
 * handshake starts (before authentication, which awaits: 300 handshakes in
 * flight at once must not all pass a check made before any of them was
 * counted) and given back when the handshake is refused or the socket closes.
 */
export class AddressLimit {
  private readonly held = new Map<string, number>();

  constructor(private readonly perAddress: number) {}

  /** Takes a slot for the address; false when it already holds `perAddress`. */
  take(address: string): boolean {
    const now = this.held.get(address) ?? 0;
    if (now >= this.perAddress) return false;
    this.held.set(address, now + 1);
    return true;
  }

  release(address: string): void {
    const now = this.held.get(address) ?? 0;
    if (now <= 1) this.held.delete(address);
    else this.held.set(address, now - 1);
  }

  /** Connections an address holds now (tests, metrics). */
  count(address: string): number {
    return this.held.get(address) ?? 0;
  }
}

/**
 * The address a limit applies to. Behind a proxy we trust (TRUST_PROXY, as
 * Fastify's `trustProxy: true`), the client is the left-most entry of
 * X-Forwarded-For; otherwise the socket's peer, whatever headers say. IPv6
 * clients are counted by /64: one host commonly holds a whole /64, so a
 * per-address count would not limit anyone.
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? request.headers['x-forwarded-for'] : undefined;
  const header = Array.isArray(forwarded) ? forwarded[0] : forwarded;
  const first = header?.split(',')[0]?.trim();
  const raw = first || request.socket.remoteAddress || 'unknown';
  return addressKey(raw);
}

/** `::ffff:1.2.3.4` is 1.2.3.4; an IPv6 address is its /64. Pure. */
export function addressKey(raw: string): string {
  const address = raw.startsWith('::ffff:') && raw.includes('.') ? raw.slice(7) : raw;
  if (!isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

function expandIPv6(address: string): string[] {
  const [head = '', tail = ''] = address.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const fill = address.includes('::') ? 8 - left.length - right.length : 0;
  return [...left, ...Array<string>(Math.max(0, fill)).fill('0'), ...right].map((g) =>
    (g || '0').toLowerCase().replace(/^0+(?=.)/, ''),
  );
}
