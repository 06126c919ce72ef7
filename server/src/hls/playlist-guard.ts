import { performance } from 'node:perf_hooks';
import type { Storage } from '../db/database.js';
import { AppError } from '../errors.js';
import { allowsGuests } from '../spaces/model.js';
import type { PlatformRole } from '../spaces/policy.js';
import type { SpaceService } from '../spaces/service.js';
import type { Hearer, TicketAccess } from '../tickets/access.js';

/** How long a user's suspension state (and role) is trusted before it is read again. */
const SUSPENSION_TTL_MS = 5_000;

/** What the guard reads of an account: gone or suspended, and its role (staff hear every space). */
type Account = { suspended: true } | { suspended: false; role: PlatformRole };

/**
 * Decides, at every fetch of a live playlist, whether the viewer its URL
 * names may still listen: not removed from the space, not suspended. Blocks
 * need no check of their own: a host who blocks a listener during a live
 * space removes them. The space comes from SpaceService's cache (the same
 * one the gateway keeps current); suspensions from a small per-user cache.
 *
 * In a ticketed space the viewer must also hear it (`TicketAccess`: host,
 * stage, staff, a paid ticket), and the guard checks every file of its live
 * and replay scopes, segments included, not only the live playlist.
 *
 * The lifecycle is not checked: a listener reads the ENDLIST of a space that
 * just ended, and a replay is of an ended space.
 */
export class PlaylistGuard {
  private readonly suspensions = new Map<string, { at: number; account: Promise<Account> }>();

  constructor(
    private readonly storage: Storage,
    private readonly spaces: SpaceService,
    private readonly access: TicketAccess,
  ) {}

  /** Throws the refusal for this viewer key (`u<id>`, `g<id>`), if any. */
  async check(spaceId: string, viewer: string): Promise<void> {
    const state = await this.spaces.get(spaceId);
    const id = viewer.slice(1);
    const isUser = viewer.startsWith('u');
    const removed = isUser
      ? state.removed_user_ids.includes(id)
      : state.removed_guest_ids.includes(id);
    if (removed)
      throw AppError.forbidden('removed_from_space', 'You were removed from this space.');
    // A guest's signed playlist stops working once the host turns guests off.
    if (!isUser && !allowsGuests(state))
      throw AppError.forbidden(
        'guests_not_allowed',
        'The host allows only listeners with an account in this space.',
      );
    let who: Hearer = { kind: 'guest', guestId: id };
    if (isUser) {
      const account = await this.account(id);
      if (account.suspended)
        throw AppError.forbidden('account_suspended', 'This account is suspended.');
      who = { kind: 'user', userId: id, role: account.role };
    }
    await this.access.require(state, who);
  }

  private account(userId: string): Promise<Account> {
    const now = performance.now();
    const known = this.suspensions.get(userId);
    if (known && now - known.at < SUSPENSION_TTL_MS) return known.account;
    const account = this.storage.db
      .selectFrom('users')
      .select(['suspended_at', 'role'])
      .where('id', '=', userId)
      .executeTakeFirst()
      .then(
        (row): Account =>
          row === undefined || row.suspended_at !== null
            ? { suspended: true }
            : { suspended: false, role: row.role },
      );
    account.catch(() => this.suspensions.delete(userId));
    this.suspensions.set(userId, { at: now, account });
    if (this.suspensions.size > 50_000) {
      for (const [key, entry] of this.suspensions)
        if (now - entry.at >= SUSPENSION_TTL_MS) this.suspensions.delete(key);
    }
    return account;
  }
}
