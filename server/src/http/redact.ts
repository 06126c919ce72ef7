import type { FastifyRequest } from 'fastify';

/**
 * Query parameters that carry a credential somewhere in Salon or in what
 * clients habitually send (OAuth-style tokens, signed-URL signatures, API
 * keys). Request logs keep the parameter's name and lose its value, so a log
 * line shows that a token was sent but never lets a reader replay it.
 */
const SECRET_PARAMS = new Set([
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'key',
  'api_key',
  'apikey',
  'sig',
  'signature',
  'secret',
  'password',
  'code',
  'auth',
  'authorization',
  'session',
]);

export const REDACTED = '[redacted]';

/** The URL as it may be logged: the value of every credential-like query parameter replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url.slice(q + 1);
  const parts = query.split('&').map((part) => {
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    let name: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      name = rawName;
    }
    return SECRET_PARAMS.has(name.trim().toLowerCase()) ? `${rawName}=${REDACTED}` : part;
  });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

/** Fastify's request serializer with the URL redacted (same fields as Fastify's own). */
export function redactedRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
