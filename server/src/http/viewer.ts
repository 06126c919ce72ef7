import type { FastifyRequest } from 'fastify';
import type { Viewer } from '../accounts/viewer.js';
import type { UsersTable } from '../db/schema.js';
import { AppError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer;
  }
}

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
