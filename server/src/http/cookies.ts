import type { FastifyReply } from 'fastify';
import type { Config } from '../config.js';
import { SESSION_COOKIE } from './viewer.js';

export function setSessionCookie(
  reply: FastifyReply,
  config: Pick<Config, 'cookieSecure' | 'sessionTtlDays'>,
  token: string,
): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    secure: config.cookieSecure,
    sameSite: 'lax',
    maxAge: config.sessionTtlDays * 24 * 3600,
  });
}

export function clearSessionCookie(
  reply: FastifyReply,
  config: Pick<Config, 'cookieSecure'>,
): void {
  reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    secure: config.cookieSecure,
    sameSite: 'lax',
  });
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
