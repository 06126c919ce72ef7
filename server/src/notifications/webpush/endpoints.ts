import { isIP } from 'node:net';
import { AppError } from '../../errors.js';

/**
 * A push endpoint is a URL that the server will POST to on the user's behalf,
 * so it is checked like any server-side request target: https, a public host.
 * `allowLocal` (PUSH_ALLOW_LOCAL_ENDPOINTS) admits http and private addresses,
 * for tests and closed networks. Names that resolve to private addresses are
 * not caught here; push services are public hosts, and operators who need more
 * should egress through a proxy.
 */
export function checkEndpoint(raw: string, allowLocal: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('The endpoint is not a URL.');
  }
  if (url.username || url.password) throw invalid('The endpoint must not carry credentials.');
  if (url.protocol !== 'https:' && !(allowLocal && url.protocol === 'http:')) {
    throw invalid('The endpoint must be an https URL.');
  }
  if (!allowLocal && isLocalHost(url.hostname)) {
    throw invalid('The endpoint must be a public push service.');
  }
  return url;
}

function invalid(message: string): AppError {
  return AppError.invalid('invalid_push_endpoint', message);
}

function isLocalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return true;
  const kind = isIP(host);
  if (kind === 4) {
    const [a, b] = host.split('.').map(Number) as [number, number];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b < 128) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b < 32) ||
      (a === 192 && b === 168) ||
      a >= 224
    );
  }
  if (kind === 6) {
    return (
      host === '::' ||
      host === '::1' ||
      host.startsWith('fc') ||
      host.startsWith('fd') ||
      host.startsWith('fe80') ||
      host.startsWith('::ffff:')
    );
  }
  return false;
}
