import { performance } from 'node:perf_hooks';
import type { SpaceAccess } from '@salon/protocol';
import type { Kysely } from 'kysely';
import type { Viewer } from '../accounts/viewer.js';
import type { Bus } from '../bus/bus.js';
import { open, seal } from '../bus/envelope.js';
import type { Storage } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { SpaceState } from '../spaces/model.js';
import type { PlatformRole } from '../spaces/policy.js';
import { isHolder, offerOf } from './holders.js';

export type { SpaceAccess } from '@salon/protocol';

/**
 * Who may hear a ticketed space, on every tier: the snapshot's audio parts,
 * WebRTC (`media_listen`, feeds), the realtime audio messages, HLS playlists
 * and segments, the replay; clips and captions call `mayHear`.
 *
 * - `open`: the space is not ticketed (the policy alone decides, as before);
 * - `host`, `stage`: the host, co-hosts and speakers, ticket or not;
 * - `holder`: a paid, not refunded ticket;
 * - `needs_ticket`: everyone else, guests always (they cannot buy).
 *
 * Admins and moderators hear every space, as its stage does (`stage` on the
 * wire: the contract has no value of its own for them): they run the
 * instance and review reports, and the moderation archive is theirs anyway.
 *
 * This is the ticket rule only. Removals, blocks, suspensions, guests being
 * turned away and the lifecycle stay the space policy's: callers check both.
 */

/** The listener as this rule sees them. */
export type Hearer =
  | { kind: 'user'; userId: string; role: PlatformRole }
  | { kind: 'guest'; guestId: string }
  | { kind: 'anonymous' };

export function hearerOf(viewer: Viewer): Hearer {
  if (viewer.kind === 'user')
    return { kind: 'user', userId: viewer.user.id, role: viewer.user.role };
  if (viewer.kind === 'guest') return { kind: 'guest', guestId: viewer.guestId };
  return { kind: 'anonymous' };
}

/** The part of a space the rule reads: its host and its stage (the last stage, once ended). */
export type Stage = Pick<SpaceState, 'host_id' | 'stage'>;

/** The rule, pure: no storage, no clock. `holder` is asked only when it matters. */
export function accessOf(
  space: Stage,
  who: Hearer,
  ticketed: boolean,
  holder: boolean,
): SpaceAccess {
  if (!ticketed) return 'open';
  if (who.kind !== 'user') return 'needs_ticket';
  if (space.host_id === who.userId) return 'host';
  if (space.stage.some((m) => m.user_id === who.userId)) return 'stage';
  if (who.role === 'admin' || who.role === 'moderator') return 'stage';
  return holder ? 'holder' : 'needs_ticket';
}

/** Whether an answer lets its person hear. */
export const hears = (access: SpaceAccess): boolean => access !== 'needs_ticket';

/** Whether the rule needs to ask storage about a ticket (not for guests, the stage or staff). */
function needsTicketLookup(space: Stage, who: Hearer): who is Extract<Hearer, { kind: 'user' }> {
  return accessOf(space, who, true, false) === 'needs_ticket' && who.kind === 'user';
}

/** The refusal every tier sends to someone without a ticket. */
export function ticketRequired(who: Hearer): AppError {
  return AppError.forbidden(
    'ticket_required',
    who.kind === 'user'
      ? 'This is a ticketed space: buy a ticket to listen.'
      : 'This is a ticketed space: sign in and buy a ticket to listen.',
  );
}

/**
 * The one function for the tiers that are not hot paths (clips, captions,
 * replay renders): always read from storage, so always current. The space
 * policy (removed, blocked, lifecycle) is the caller's, as everywhere.
 */
export async function mayHear(
  db: Kysely<Database>,
  space: Pick<SpaceState, 'id' | 'host_id' | 'stage'>,
  viewer: Viewer,
): Promise<boolean> {
  const who = hearerOf(viewer);
  const ticketed = (await offerOf(db, space.id)) !== null;
  if (!ticketed) return true;
  const holder = needsTicketLookup(space, who) ? await isHolder(db, space.id, who.userId) : false;
  return hears(accessOf(space, who, true, holder));
}

// ---------------------------------------------------------------------------
// The node's cache, kept current by the bus
// ---------------------------------------------------------------------------

/** Every node listens here for ticket changes made on any node. */
export const TICKETS_CHANNEL = 'tickets';
/** What the tickets channel carries, each in its envelope (bus/envelope.ts). */
const TICKET_NOTICES: ReadonlySet<'holder_changed' | 'offer_changed'> = new Set([
  'holder_changed',
  'offer_changed',
]);

/**
 * How long a cached answer is trusted without a bus message. The bus
 * invalidates at once; these bound what a lost message (a Redis outage, which
 * also clears the cache when it ends) can keep wrong.
 */
const HOLDER_TTL_MS = 30_000;
const NOT_HOLDER_TTL_MS = 5_000;
/** Whether a space is ticketed changes only before it starts (the offer is set or removed). */
const OFFER_TTL_MS = 5_000;
const MAX_ENTRIES = 50_000;

interface Cached<T> {
  at: number;
  value: Promise<T>;
  /** Set once the read has answered. */
  result?: T;
}

/** A person's ticket to a space was granted (true) or taken back (false: refunded, cancelled). */
export type HolderListener = (spaceId: string, userId: string, holder: boolean) => void;

/**
 * The hot paths' view of the rule: every realtime audio message, every HLS
 * playlist and segment fetch. Whether a space is ticketed and whether a
 * person holds a ticket are cached per node; a grant or a refund on any node
 * is published on the bus (`holderChanged`) and drops the cached answer on
 * every node within one hop, and then tells the listeners (the gateway
 * revokes the person's open media there).
 */
export class TicketAccess {
  private readonly holders = new Map<string, Cached<boolean>>();
  private readonly offers = new Map<string, Cached<boolean>>();
  private readonly listeners: HolderListener[] = [];
  private readonly unsubscribe: () => void;
  private readonly stopReconnected: () => void;

  constructor(
    private readonly storage: Storage,
    private readonly bus: Bus,
  ) {
    this.unsubscribe = bus.subscribe(TICKETS_CHANNEL, (text) => this.onBus(text));
    // Messages missed while the bus was away: nothing cached can be trusted.
    this.stopReconnected = bus.onReconnected(() => {
      this.holders.clear();
      this.offers.clear();
    });
  }

  /** Told, on every node, of each grant and refund (after the cache has dropped it). */
  onHolderChanged(listener: HolderListener): void {
    this.listeners.push(listener);
  }

  /**
   * Call after a ticket's state commits (paid, refunded, cancelled): every
   * node, this one included, forgets the answer and revokes or grants.
   */
  holderChanged(spaceId: string, userId: string, holder: boolean): void {
    this.bus.publish(
      TICKETS_CHANNEL,
      seal('holder_changed', JSON.stringify({ space_id: spaceId, user_id: userId, holder })),
    );
  }

  /** Call after a space's offer is set or removed. */
  offerChanged(spaceId: string): void {
    this.bus.publish(TICKETS_CHANNEL, seal('offer_changed', JSON.stringify({ space_id: spaceId })));
  }

  /** The viewer's access to the space, from the cache when it can be trusted. */
  async of(space: Stage & { id: string }, viewer: Viewer | Hearer): Promise<SpaceAccess> {
    const who = toHearer(viewer);
    if (!(await this.ticketed(space.id))) return 'open';
    const holder = needsTicketLookup(space, who) ? await this.holds(space.id, who.userId) : false;
    return accessOf(space, who, true, holder);
  }

  /** Throws `ticket_required` unless the viewer may hear the space; the access otherwise. */
  async require(space: Stage & { id: string }, viewer: Viewer | Hearer): Promise<SpaceAccess> {
    const access = await this.of(space, viewer);
    if (!hears(access)) {
      throw ticketRequired(toHearer(viewer));
    }
    return access;
  }

  /** Whether the space sells tickets (its offer exists). */
  ticketed(spaceId: string): Promise<boolean> {
    return this.cached(this.offers, spaceId, OFFER_TTL_MS, OFFER_TTL_MS, async () => {
      return (await offerOf(this.storage.db, spaceId)) !== null;
    });
  }

  private holds(spaceId: string, userId: string): Promise<boolean> {
    return this.cached(this.holders, `${spaceId} ${userId}`, HOLDER_TTL_MS, NOT_HOLDER_TTL_MS, () =>
      isHolder(this.storage.db, spaceId, userId),
    );
  }

  private cached(
    map: Map<string, Cached<boolean>>,
    key: string,
    yesTtl: number,
    noTtl: number,
    read: () => Promise<boolean>,
  ): Promise<boolean> {
    const known = map.get(key);
    // A read in flight is shared; a settled answer is trusted for its TTL.
    if (
      known &&
      (known.result === undefined || performance.now() - known.at < (known.result ? yesTtl : noTtl))
    )
      return known.value;
    return this.load(map, key, read);
  }

  private load(
    map: Map<string, Cached<boolean>>,
    key: string,
    read: () => Promise<boolean>,
  ): Promise<boolean> {
    if (map.size >= MAX_ENTRIES) map.clear();
    const entry: Cached<boolean> = { at: performance.now(), value: read() };
    map.set(key, entry);
    entry.value.then(
      (result) => {
        entry.result = result;
      },
      () => {
        if (map.get(key) === entry) map.delete(key);
      },
    );
    return entry.value;
  }

  private onBus(text: string): void {
    const notice = open(text, TICKET_NOTICES);
    if (notice?.kind === 'holder_changed') {
      const m = JSON.parse(notice.json) as { space_id: string; user_id: string; holder: boolean };
      this.holders.delete(`${m.space_id} ${m.user_id}`);
      for (const listener of this.listeners) listener(m.space_id, m.user_id, m.holder);
    } else if (notice?.kind === 'offer_changed') {
      this.offers.delete((JSON.parse(notice.json) as { space_id: string }).space_id);
    }
  }

  close(): void {
    this.unsubscribe();
    this.stopReconnected();
  }
}

/** A viewer and a hearer differ only for users (the session's row, or its id and role). */
function toHearer(viewer: Viewer | Hearer): Hearer {
  return 'user' in viewer ? hearerOf(viewer) : (viewer as Hearer);
}
