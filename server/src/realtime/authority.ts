import { performance } from 'node:perf_hooks';
import type { ClientMessage } from '@salon/protocol';
import { MESSAGE_RULES, type MessageRule } from '@salon/protocol/schemas';
import type { AccountStanding } from '../accounts/standing.js';
import type { Viewer } from '../accounts/viewer.js';
import { AppError } from '../errors.js';
import type { SpaceState } from '../spaces/model.js';
import { type Actor, authorize, type SpaceAction } from '../spaces/policy.js';
import type { SpaceService } from '../spaces/service.js';
import type { TicketAccess } from '../tickets/access.js';

/**
 * What each client message needs of its sender (MESSAGE_RULES, in the
 * protocol beside the messages' fields): a space action, `admission` or
 * `none`, checked for every message before it is handled.
 */
export { MESSAGE_RULES, type MessageRule } from '@salon/protocol/schemas';

/** A message type this table does not know needs at least the right to listen. */
export function ruleOf(type: string): MessageRule {
  return Object.hasOwn(MESSAGE_RULES, type)
    ? MESSAGE_RULES[type as ClientMessage['type']]
    : 'listen';
}

/** What the gateway holds of a connection for these checks. */
export interface Holder {
  readonly viewer: Viewer;
  readonly device: string | null;
  /** Per space: the facts read from storage, kept while they cannot have changed. */
  readonly facts: Map<string, Facts>;
}

interface Facts {
  /** The number of people the space had removed when these were read. */
  removals: number;
  at: number;
  blockedByHost: boolean;
  deviceBanned: boolean;
}

/**
 * Facts change only with a removal (a device ban follows one, and a host's
 * block during a live space removes) or with a block made outside any live
 * space, so they are kept until the space's removal count moves, and at most
 * this long.
 */
const FACTS_TTL_MS = 10_000;

export class MessageAuthority {
  constructor(
    private readonly o: {
      spaces: SpaceService;
      access: TicketAccess;
      standing: AccountStanding;
      now: () => number;
    },
  ) {}

  /**
   * Throws the refusal of this message, if any. An `AccountRefusal` means the
   * account no longer stands: the caller closes the connection.
   */
  async check(
    holder: Holder,
    type: string,
    spaceId: string | undefined,
  ): Promise<SpaceState | null> {
    const account = await this.o.standing.refusal(holder.viewer, this.o.now());
    if (account) throw new AccountRefusal(account);
    const rule = ruleOf(type);
    if (rule === 'none' || spaceId === undefined) return null;
    // Joining reads the space as it is now unless this node follows it (the bus keeps it current).
    const state = await this.o.spaces.get(spaceId, rule === 'admission');
    const action: SpaceAction =
      rule === 'admission' ? (state.state === 'live' ? 'listen' : 'view') : rule;
    const facts = await this.facts(holder, state);
    authorize(actorOf(holder.viewer, facts), action, state);
    if (facts.deviceBanned) {
      throw AppError.forbidden('removed_from_space', 'You were removed from this space.');
    }
    // Hearing a ticketed space (WebRTC, feeds) and reacting in its audience need a ticket,
    // unless one is on its stage. Subscribing does not: without one, the snapshot and the
    // messages that follow have no audio parts (see Rooms.subscribe).
    if (rule === 'listen' || rule === 'react') await this.o.access.require(state, holder.viewer);
    return state;
  }

  private async facts(holder: Holder, state: SpaceState): Promise<Facts> {
    const removals = state.removed_user_ids.length + state.removed_guest_ids.length;
    const at = performance.now();
    const known = holder.facts.get(state.id);
    if (known && known.removals === removals && at - known.at < FACTS_TTL_MS) return known;
    const viewer = holder.viewer;
    const actor = await this.o.spaces.actorFor(viewer, state);
    const facts: Facts = {
      removals,
      at,
      blockedByHost: actor.kind === 'user' && actor.blockedByHost,
      deviceBanned:
        holder.device !== null &&
        (await this.o.spaces.isDeviceBanned(state.id, holder.device, state)),
    };
    holder.facts.set(state.id, facts);
    return facts;
  }
}

/** The account behind a connection no longer stands (suspended, signed out). */
export class AccountRefusal extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
  }
}

function actorOf(viewer: Viewer, facts: Facts): Actor {
  if (viewer.kind === 'guest') return { kind: 'guest', guestId: viewer.guestId };
  if (viewer.kind === 'anonymous') return { kind: 'anonymous' };
  return {
    kind: 'user',
    userId: viewer.user.id,
    role: viewer.user.role,
    incognito: false,
    blockedByHost: facts.blockedByHost,
  };
}
