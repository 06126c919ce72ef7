import { AppError } from '../errors.js';

/** The session's cookie, set at sign-in (http/cookies.ts) and read by both transports. */
export const SESSION_COOKIE = 'salon_session';

export interface Credential {
  token: string;
  from: 'bearer' | 'cookie';
}

/**
 * The bearer token of an `Authorization` header, else the session cookie's
 * value; null when there is neither. One parser for HTTP requests
 * (http/app.ts) and the WebSocket handshake (realtime/socket.ts), so both
 * accept the same headers. A header that is not `Bearer <token>` is refused.
 */
export function credentialOf(
  authorization: string | undefined,
  sessionCookie: string | null | undefined,
): Credential | null {
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match?.[1]) {
      throw new AppError(
        'unauthenticated',
        'invalid_authorization',
        'Authorization must be "Bearer <token>".',
      );
    }
    return { token: match[1], from: 'bearer' };
  }
  return sessionCookie ? { token: sessionCookie, from: 'cookie' } : null;
}

/**
 * One cookie's value from a raw `Cookie` header, for requests Fastify does not
 * parse (the WebSocket upgrade). A value that is not valid percent-encoding is
 * returned as it stands: a header is the client's to get wrong, never a reason
 * to throw.
 */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return null;
}
