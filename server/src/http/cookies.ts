import type { FastifyReply } from 'fastify';
import { SESSION_COOKIE } from '../accounts/credentials.js';
import type { Config } from '../config.js';

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
