import type { Role } from '../db/schema.js';
import { AppError } from '../errors.js';

/**
 * Who runs the instance, as pure rules:
 * - admins run it: they appoint moderators (and other admins), grant hosting
 *   and answer hosting requests;
 * - moderators review reports and appeals, end spaces for a violation, and
 *   suspend ordinary accounts;
 * - the first account (the instance's owner) keeps its role and cannot be
 *   suspended, so an instance never loses its last way in;
 * - nobody changes their own role or suspends themself.
 */
export interface Person {
  id: string;
  role: Role;
  /** The instance's first account. */
  owner: boolean;
}

export function isStaff(role: Role): boolean {
  return role === 'admin' || role === 'moderator';
}

export function moderatorsOnly(): AppError {
  return AppError.forbidden('moderators_only', 'Only moderators and administrators can do this.');
}

export function adminOnly(): AppError {
  return AppError.forbidden('admin_only', 'Only administrators can do this.');
}

export function roleChangeRefusal(actor: Person, target: Person, next: Role): AppError | null {
  if (actor.role !== 'admin') return adminOnly();
  if (actor.id === target.id)
    return AppError.invalid('cannot_change_own_role', 'You cannot change your own role.');
  if (target.owner && next !== 'admin')
    return AppError.forbidden(
      'instance_owner',
      "The instance's first account stays its administrator.",
    );
  return null;
}

export function suspensionRefusal(actor: Person, target: Person): AppError | null {
  if (!isStaff(actor.role)) return moderatorsOnly();
  if (actor.id === target.id)
    return AppError.invalid('cannot_suspend_self', 'You cannot suspend yourself.');
  if (target.owner)
    return AppError.forbidden(
      'instance_owner',
      "The instance's first account cannot be suspended.",
    );
  if (actor.role !== 'admin' && isStaff(target.role))
    return AppError.forbidden(
      'outranked',
      'Only an administrator can suspend a moderator or an administrator.',
    );
  return null;
}

/** A person may ask to host when they cannot yet, and have no request waiting. */
export function hostingRequestRefusal(facts: {
  mayHost: boolean;
  openRequest: boolean;
}): AppError | null {
  if (facts.mayHost) return AppError.conflict('already_can_host', 'You can already host spaces.');
  if (facts.openRequest)
    return AppError.conflict(
      'hosting_request_open',
      'Your request to host is waiting for an admin; you will be notified of the answer.',
    );
  return null;
}

/** Decisions are explained: the person concerned reads the reason, and may appeal it. */
export function requireReason(note: string): string {
  const reason = note.trim();
  if (!reason)
    throw AppError.invalid('reason_required', 'Give a reason: the person concerned will read it.', {
      field: 'body.note',
    });
  return reason;
}
