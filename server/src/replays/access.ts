import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { Viewer } from '../http/viewer.js';
import type { SpaceState } from '../spaces/model.js';
import type { SpaceService } from '../spaces/service.js';
import { isHolder, offerOf, offersOf } from '../tickets/holders.js';

/**
 * THE one check before a replay's audio is given out (its playlist details,
 * the rendered .m4a, the embed's player): whoever may see the space's card
 * (not removed from it, not blocked by the host, not a banned browser), and,
 * for a ticketed space, only those who may hear it: the host, the people on
 * its stage, staff, and holders of a paid ticket.
 *
 * The ticket part is the rule of `tickets/access.ts` (`accessOf`: staff and the
 * stage hear, guests never), read here through `tickets/holders.ts`; once
 * `mayHear` is committed there, it replaces these lines: the only place to
 * change. The refusal is the code every tier sends, `ticket_required`.
 */
export async function assertMayHearReplay(
  deps: { spaces: SpaceService; db: Kysely<Database> },
  viewer: Viewer,
  state: SpaceState,
  device: string | null,
): Promise<void> {
  await deps.spaces.authorizeViewer(state, viewer, device, 'view');
  if (!(await offerOf(deps.db, state.id))) return;
  if (viewer.kind === 'user') {
    const id = viewer.user.id;
    if (viewer.user.role === 'admin' || viewer.user.role === 'moderator') return;
    if (state.host_id === id || state.stage.some((m) => m.user_id === id)) return;
    if (await isHolder(deps.db, state.id, id)) return;
  }
  throw AppError.forbidden(
    'ticket_required',
    viewer.kind === 'user'
      ? 'This is a ticketed space: buy a ticket to listen.'
      : 'This is a ticketed space: sign in and buy a ticket to listen.',
  );
}

/** The spaces of a list that are ticketed (never in a podcast feed, which anyone can read). */
export async function ticketedAmong(
  db: Kysely<Database>,
  spaceIds: readonly string[],
): Promise<Set<string>> {
  return new Set((await offersOf(db, spaceIds)).keys());
}
