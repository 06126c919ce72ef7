import { switchOn } from '@salon/protocol';
import type { Kysely } from 'kysely';
import type { Viewer } from '../accounts/viewer.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../errors.js';
import { allowsGuests, type SpaceState } from '../spaces/model.js';
import type { SpaceService } from '../spaces/service.js';
import { hearerOf, mayHear, ticketRequired } from '../tickets/access.js';

/** What the rules read: the space policy's facts (bans, blocks) and storage (tickets). */
export interface AccessDeps {
  spaces: SpaceService;
  db: Kysely<Database>;
}

/** Whether a space lets people clip it (absent in spaces stored before the setting). */
/**
 * THE rule for hearing a clip, in one place: a clip is heard by whoever may
 * hear its space.
 * - Staff (moderators, admins) hear any clip: they review reported ones.
 * - Nobody the space removed (by account or by any browser they were seen
 *   with) or whose host blocked them: the policy's `view` plus the browser ban,
 *   as for the replay.
 * - People without an account (a guest token, or nobody at all: a shared
 *   link) only while the space is open to guests.
 * - Ticketed spaces: only those who may hear the space (`mayHear`, the
 *   ticket rule of tickets/access.ts: holders, the stage, staff).
 * A suspended account never gets here: authentication refuses it first.
 */
export async function mayHearClip(
  { spaces, db }: AccessDeps,
  viewer: Viewer,
  state: SpaceState,
  device: string | null,
): Promise<void> {
  if (viewer.kind === 'user' && viewer.user.role !== 'user') return;
  await spaces.authorizeViewer(state, viewer, device, 'view');
  if (viewer.kind !== 'user' && !allowsGuests(state)) {
    throw new AppError(
      'unauthenticated',
      'account_required',
      'The host allows only listeners with an account in this space. Sign in to hear its clips.',
    );
  }
  await ticketRule(db, viewer, state);
}

/**
 * Clipping: a signed-in account that may hear the space, in a space whose
 * host leaves clipping on. Staff are not exempt from the switch.
 */
export async function mayClip(
  { spaces, db }: AccessDeps,
  viewer: Viewer,
  state: SpaceState,
  device: string | null,
): Promise<void> {
  if (viewer.kind !== 'user') {
    throw new AppError('unauthenticated', 'account_required', 'Sign in to make clips.');
  }
  await spaces.authorizeViewer(state, viewer, device, 'view');
  await ticketRule(db, viewer, state);
  if (!switchOn(state, 'clipping')) {
    throw AppError.forbidden('clipping_off', 'The host turned clipping off for this space.');
  }
}

/** Ticketed spaces (issue 15): `ticket_required` for those who may not hear the space. */
async function ticketRule(db: Kysely<Database>, viewer: Viewer, state: SpaceState): Promise<void> {
  if (!(await mayHear(db, state, viewer))) throw ticketRequired(hearerOf(viewer));
}
