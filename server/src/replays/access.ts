import type { Kysely } from 'kysely';
import type { Viewer } from '../accounts/viewer.js';
import type { Database } from '../db/schema.js';
import type { SpaceState } from '../spaces/model.js';
import type { SpaceService } from '../spaces/service.js';
import { hearerOf, mayHear, ticketRequired } from '../tickets/access.js';
import { offersOf } from '../tickets/holders.js';

/**
 * THE one check before a replay's audio is given out (its rendered .m4a, the
 * embed's player): whoever may see the space's card (not removed from it,
 * not blocked by the host, not a banned browser), and, for a ticketed space,
 * only those who may hear it (`tickets/access.ts`'s `mayHear`: the host, its
 * stage, staff, holders of a paid ticket; never a guest), read from storage
 * each time so a refund counts at once. The refusal is the one every tier
 * sends, `ticket_required`.
 */
export async function assertMayHearReplay(
  deps: { spaces: SpaceService; db: Kysely<Database> },
  viewer: Viewer,
  state: SpaceState,
  device: string | null,
): Promise<void> {
  await deps.spaces.authorizeViewer(state, viewer, device, 'view');
  if (!(await mayHear(deps.db, state, viewer))) throw ticketRequired(hearerOf(viewer));
}

/** The spaces of a list that are ticketed (never in a podcast feed, which anyone can read). */
export async function ticketedAmong(
  db: Kysely<Database>,
  spaceIds: readonly string[],
): Promise<Set<string>> {
  return new Set((await offersOf(db, spaceIds)).keys());
}
