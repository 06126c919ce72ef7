import type { FastifyRequest } from 'fastify';
import type { UsersTable } from '../db/schema.js';
import { AppError } from '../errors.js';

/** Who is making a request: a signed-in user, a guest listener, or nobody. */
export type Viewer =
  | { kind: 'user'; user: UsersTable; sessionId: string }
  | { kind: 'guest'; guestId: string }
  | { kind: 'anonymous' };

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer;
  }
}

export const SESSION_COOKIE = 'salon_session';

export function requireUser(request: FastifyRequest): UsersTable {
  const viewer = request.viewer;
  if (viewer.kind === 'user') return viewer.user;
  if (viewer.kind === 'guest') {
    throw AppError.forbidden(
      'guest_not_allowed',
      'Guests can listen only. Create an account to do this.',
    );
  }
  throw AppError.unauthenticated();
}

export function requireAdmin(request: FastifyRequest): UsersTable {
  const user = requireUser(request);
  if (user.role !== 'admin')
    throw AppError.forbidden('admin_only', 'Only administrators can do this.');
  return user;
}

/** Admins and moderators: the report queue, appeals, suspensions, the decision log. */
export function requireModerator(request: FastifyRequest): UsersTable {
  const user = requireUser(request);
  if (user.role !== 'admin' && user.role !== 'moderator')
    throw AppError.forbidden('moderators_only', 'Only moderators and administrators can do this.');
  return user;
}

export function viewerUserId(request: FastifyRequest): string | null {
  return request.viewer.kind === 'user' ? request.viewer.user.id : null;
}

/** The bearer token or session cookie of a request, if any. */
export function credentialOf(
  request: FastifyRequest,
): { token: string; from: 'bearer' | 'cookie' } | null {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) {
      throw new AppError(
        'unauthenticated',
        'invalid_authorization',
        'Authorization must be "Bearer <token>".',
      );
    }
    return { token: match[1], from: 'bearer' };
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  return cookie ? { token: cookie, from: 'cookie' } : null;
}
