import { performance } from 'node:perf_hooks';
import type { SpaceEventPayload, SpaceSnapshot } from '@salon/protocol';
import { type Kysely, sql } from 'kysely';
import type { Viewer } from '../accounts/viewer.js';
import type { Bus } from '../bus/bus.js';
import { publishToSpace } from '../bus/space-channel.js';
import { publishToUser } from '../bus/user-channel.js';
import type { Storage } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { SocialService } from '../social/service.js';
import { offerOf, offersOf } from '../tickets/holders.js';
import type { Clock } from '../util/clock.js';
import { newId } from '../util/ids.js';
import { liveCapRefusal, liveSpacesOf } from './live-cap.js';
import {
  type Command,
  type CreateSpaceInput,
  createSpace,
  DEFAULT_SPACE_LIMITS,
  removeFromSpace,
  type SpaceEvent,
  type SpaceLimits,
  type SpaceState,
} from './model.js';
import { type Actor, authorize, mayHost, type Participant, type SpaceAction } from './policy.js';
import {
  type Lookup,
  presentEvent,
  presentInvitation,
  presentPins,
  presentRequest,
  presentSpace,
  presentStage,
  presentTicketing,
  referencedIds,
} from './presenter.js';
import { insertSpace, loadSpace, updateSpace } from './repository.js';

export type SnapshotBase = Omit<SpaceSnapshot, 'listeners' | 'counts'>;

/** Told of every committed change, after its events are published; must not throw. */
export type CommitListener = (state: SpaceState, events: SpaceEvent[]) => void;

/** Version conflicts are retried this often before giving up (each retry re-reads the space). */
const MAX_ATTEMPTS = 8;
/** How long a cached space that no bus channel keeps current is trusted. */
const UNFOLLOWED_MS = 1_000;
const DEVICE_REWRITE_MS = 10 * 60_000;

/**
 * Runs the pure space commands inside storage transactions and publishes
 * their events after commit. Keeps the latest state of each space it has seen
 * in memory, so that joins (the hot path) do not read the database.
 */
export class SpaceService {
  readonly limits: SpaceLimits;
  private readonly states = new Map<string, SpaceState>();
  private readonly snapshots = new Map<string, { version: number; base: Promise<SnapshotBase> }>();
  private readonly commitListeners: CommitListener[] = [];
  /** Spaces whose bus channel the gateway follows, and when each cached state was read. */
  private readonly followed = new Set<string>();
  private readonly loadedAt = new Map<string, number>();
  private readonly loading = new Map<string, Promise<SpaceState | undefined>>();
  /** When this node last wrote each browser–person pair (see recordDevice). */
  private readonly devicesSeen = new Map<string, number>();
  /** Going live is checked against the host's cap and written one request at a time per host. */

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    /** What the service reads of the configuration (config.ts). */
    private readonly config: {
      maxStage: number;
      hostMinFollowers: number;
      publicUrl: string;
      maxLiveSpacesPerHost: number;
    },
    private readonly social: SocialService,
    private readonly bus: Bus,
  ) {
    this.limits = { ...DEFAULT_SPACE_LIMITS, maxStage: config.maxStage };
    // While the bus was down, other nodes' changes did not invalidate our copies.
    bus.onReconnected(() => this.states.clear());
  }

  private get db() {
    return this.storage.db;
  }

  /** Other domains (discovery, scheduling, notifications) learn of changes here. */
  onCommitted(listener: CommitListener): void {
    this.commitListeners.push(listener);
  }

  /** The model's view of a viewer; `blockedByHost` comes from the social graph. */
  async actorFor(viewer: Viewer, space: SpaceState | null, incognito = false): Promise<Actor> {
    if (viewer.kind === 'guest') return { kind: 'guest', guestId: viewer.guestId };
    if (viewer.kind === 'anonymous') return { kind: 'anonymous' };
    const blockedByHost =
      space !== null &&
      space.host_id !== viewer.user.id &&
      (await this.social.hasBlocked(space.host_id, viewer.user.id));
    return {
      kind: 'user',
      userId: viewer.user.id,
      role: viewer.user.role,
      incognito,
      blockedByHost,
    };
  }

  async create(viewer: Viewer, input: Omit<CreateSpaceInput, 'id'>): Promise<SpaceState> {
    if (viewer.kind !== 'user') {
      throw viewer.kind === 'guest'
        ? AppError.forbidden(
            'guest_not_allowed',
            'Guests can listen only. Create an account to host.',
          )
        : AppError.unauthenticated();
    }
    const { followers } = await this.social.counts(viewer.user.id);
    const eligible = mayHost(
      { followers, canHost: viewer.user.can_host === 1, role: viewer.user.role },
      this.config.hostMinFollowers,
    );
    if (!eligible.ok) throw eligible.error;
    const now = this.clock.now();
    const actor = await this.actorFor(viewer, null);
    const { state, events } = createSpace(
      actor,
      { ...input, id: newId(now) },
      { now, limits: this.limits },
    );
    if (state.state === 'live') {
      const admin = viewer.user.role === 'admin';
      await this.goingLive(state.host_id, admin, state.id, (db) => insertSpace(db, state, now));
    } else {
      await insertSpace(this.db, state, now);
    }
    this.states.set(state.id, state);
    for (const listener of this.commitListeners) listener(state, events);
    return state;
  }

  /**
   * The space, from memory when it can be trusted: a space this node follows
   * on the bus (the gateway has subscribers in it) is kept current by its
   * events; any other is re-read once it is a second old (`current`: at
   * once), so a node that stopped following a space does not keep a removal
   * it never heard of.
   */
  async get(id: string, current = false): Promise<SpaceState> {
    const cached = this.states.get(id);
    const trusted = current ? 0 : UNFOLLOWED_MS;
    if (
      cached &&
      (this.followed.has(id) || performance.now() - (this.loadedAt.get(id) ?? 0) < trusted)
    )
      return cached;
    let loading = this.loading.get(id);
    if (!loading) {
      loading = loadSpace(this.db, id).finally(() => this.loading.delete(id));
      this.loading.set(id, loading);
    }
    const state = await loading;
    if (!state) throw AppError.notFound('space');
    this.remember(state);
    return state;
  }

  /** The gateway follows a space's bus channel from now on (its events will invalidate the cache). */
  follow(id: string): void {
    this.followed.add(id);
  }

  unfollow(id: string): void {
    this.followed.delete(id);
  }

  private remember(state: SpaceState): void {
    const known = this.states.get(state.id);
    if (!known || known.version <= state.version) {
      this.states.set(state.id, state);
      this.loadedAt.set(state.id, performance.now());
    }
    // Ended spaces are rarely read again; keep the cache to what is live or upcoming.
    if (state.state === 'ended' || state.state === 'cancelled') {
      this.states.delete(state.id);
      this.loadedAt.delete(state.id);
    }
  }

  /** Another node changed a space: forget our copy if it is older. */
  invalidate(id: string, version: number): void {
    const known = this.states.get(id);
    if (known && known.version < version) this.states.delete(id);
  }

  /**
   * Runs one command: read, apply, write if nobody wrote meanwhile (else
   * retry on the newer state), then publish the events after the commit.
   */
  async run<I>(
    viewer: Viewer,
    spaceId: string,
    command: Command<I>,
    input: I,
  ): Promise<SpaceState> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await loadSpace(this.db, spaceId);
      if (!current) throw AppError.notFound('space');
      const actor = await this.actorFor(viewer, current);
      const now = this.clock.now();
      const outcome = command(current, actor, input, { now, limits: this.limits });
      if (outcome.events.length === 0) return current;
      const write = (db: Kysely<Database>) => updateSpace(db, outcome.state, current.version, now);
      const admin = actor.kind === 'user' && actor.role === 'admin';
      const stored =
        outcome.state.state === 'live' && current.state !== 'live'
          ? await this.goingLive(current.host_id, admin, current.id, write)
          : await write(this.db);
      if (!stored) continue;
      this.remember(outcome.state);
      await this.publish(outcome.state, outcome.events);
      for (const listener of this.commitListeners) listener(outcome.state, outcome.events);
      return outcome.state;
    }
    throw new AppError('conflict', 'space_busy', 'The space is changing quickly; try again.');
  }

  /** Refuses a space going live past its host's cap (MAX_LIVE_SPACES_PER_HOST). */
  /**
   * Writes a space going live only if its host stays within
   * MAX_LIVE_SPACES_PER_HOST. The count and the write share one transaction
   * that first locks the host's row (a no-op update: a row lock on
   * PostgreSQL, the write lock on SQLite), so two requests racing on two
   * nodes cannot both pass a count made before either wrote.
   */
  private goingLive<T>(
    hostId: string,
    admin: boolean,
    spaceId: string,
    write: (db: Kysely<Database>) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      if (!admin) {
        await trx
          .updateTable('users')
          .set((eb) => ({ id: eb.ref('id') }))
          .where('id', '=', hostId)
          .execute();
        const refusal = liveCapRefusal({
          liveNow: await liveSpacesOf(trx, hostId, spaceId),
          cap: this.config.maxLiveSpacesPerHost,
          admin,
        });
        if (refusal) throw refusal;
      }
      return write(trx);
    });
  }

  private async publish(state: SpaceState, events: SpaceEvent[]): Promise<void> {
    const lookup = await this.lookup(state, events);
    const payloads = events
      .map((e) => presentEvent(e, lookup))
      .filter((p): p is SpaceEventPayload => p !== null);
    if (payloads.length === 0) return;
    publishToSpace(this.bus, {
      type: 'event',
      space_id: state.id,
      version: state.version,
      events: payloads,
    });
    for (const e of events) {
      if (e.type === 'participant_removed' && e.participant.kind === 'user')
        publishToUser(this.bus, e.participant.id, { kind: 'removed_notice', space_id: state.id });
    }
  }

  async lookup(state: SpaceState, events: SpaceEvent[] = []): Promise<Lookup> {
    const { userIds, postIds } = referencedIds(state);
    for (const e of events) {
      if (e.type === 'request_removed' || e.type === 'invitation_removed') userIds.push(e.user_id);
    }
    const posts = postIds.length
      ? await this.db.selectFrom('posts').selectAll().where('id', 'in', postIds).execute()
      : [];
    const users = await this.social.usersByIds([...userIds, ...posts.map((p) => p.author_id)]);
    const offers = await offersOf(this.db, [state.id]);
    return { users, posts: new Map(posts.map((p) => [p.id, p])), offers };
  }

  /** Everything of a snapshot but presence, built once per version. */
  snapshotBase(state: SpaceState): Promise<SnapshotBase> {
    const cached = this.snapshots.get(state.id);
    const base =
      cached && cached.version === state.version ? cached.base : this.buildSnapshotBase(state);
    // Tickets sell without changing the space's version: the offer is read fresh, cached or not.
    return base.then(async (b) => ({
      ...b,
      space: { ...b.space, ticketing: presentTicketing(await offerOf(this.db, state.id)) },
    }));
  }

  private buildSnapshotBase(state: SpaceState): Promise<SnapshotBase> {
    const base = this.lookup(state).then((lookup) => ({
      space: presentSpace(state, lookup, this.config.publicUrl),
      version: state.version,
      stage: presentStage(state.stage, lookup),
      requests: state.requests.map((r) => presentRequest(r, lookup)),
      invitations: state.invitations.map((i) => presentInvitation(i, lookup)),
      pins: presentPins(state.pins, lookup),
      recording: state.recording,
    }));
    this.snapshots.set(state.id, { version: state.version, base });
    base.catch(() => this.snapshots.delete(state.id));
    return base;
  }

  async present(state: SpaceState) {
    return presentSpace(state, await this.lookup(state), this.config.publicUrl);
  }

  /** Whether a viewer may be in this space now; the space's state when so. */
  async admit(spaceId: string, viewer: Viewer, device: string | null, incognito: boolean) {
    const state = await this.get(spaceId, true);
    return this.authorizeViewer(state, viewer, device, state.state === 'live' ? 'listen' : 'view', {
      incognito,
    });
  }

  /**
   * The policy's answer for a viewer and an action, with the facts it needs
   * read here: whether the host blocked them, and whether their browser
   * belongs to someone the space removed. Throws the refusal.
   */
  async authorizeViewer(
    state: SpaceState,
    viewer: Viewer,
    device: string | null,
    action: SpaceAction,
    o: { incognito?: boolean; target?: Participant } = {},
  ) {
    const actor = await this.actorFor(viewer, state, o.incognito ?? false);
    authorize(actor, action, state, o.target);
    if (action !== 'report' && device && (await this.isDeviceBanned(state.id, device, state))) {
      throw AppError.forbidden('removed_from_space', 'You were removed from this space.');
    }
    return { state, actor };
  }

  /**
   * A host who blocks someone (from their profile) removes them from the
   * host's live spaces, as blocking from inside a space does: the block is
   * enforced on their open connections at once, not only at their next join.
   */
  async removeFromHostedLive(viewer: Viewer, blockedId: string): Promise<void> {
    if (viewer.kind !== 'user') return;
    const rows = await this.db
      .selectFrom('spaces')
      .select('id')
      .where('host_id', '=', viewer.user.id)
      .where('state', '=', 'live')
      .execute();
    for (const { id } of rows) {
      const state = await this.get(id);
      if (state.removed_user_ids.includes(blockedId)) continue;
      await this.run(viewer, id, removeFromSpace, { participant: { kind: 'user', id: blockedId } });
    }
  }

  // ---- listeners and bans ---------------------------------------------------

  /** Marks people as having listened; returns how many were new. One statement per batch. */
  async recordListeners(spaceId: string, identities: string[]): Promise<number> {
    if (identities.length === 0) return 0;
    const now = this.clock.now();
    const result = await this.db
      .insertInto('space_listeners')
      .values(identities.map((identity) => ({ space_id: spaceId, identity, first_joined_at: now })))
      .onConflict((oc) => oc.columns(['space_id', 'identity']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0);
  }

  async totalListeners(spaceId: string): Promise<number> {
    const row = await this.db
      .selectFrom('space_listeners')
      .select(sql<number>`count(*)`.as('n'))
      .where('space_id', '=', spaceId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** The browsers a removed person used are kept out too (a new tab as a guest). */
  async banDevices(spaceId: string, devices: string[]): Promise<void> {
    if (devices.length === 0) return;
    const now = this.clock.now();
    await this.db
      .insertInto('space_device_bans')
      .values(devices.map((device_id) => ({ space_id: spaceId, device_id, created_at: now })))
      .onConflict((oc) => oc.columns(['space_id', 'device_id']).doNothing())
      .execute();
  }

  /**
   * A browser is banned from a space when it was banned by name (a removed
   * person's connection used it) or when anyone the space removed was ever
   * seen with it (`device_identities`): so a removal also holds against
   * browsers of people who were not connected when it happened.
   */
  async isDeviceBanned(spaceId: string, device: string, state?: SpaceState): Promise<boolean> {
    const row = await this.db
      .selectFrom('space_device_bans')
      .select('device_id')
      .where('space_id', '=', spaceId)
      .where('device_id', '=', device)
      .executeTakeFirst();
    if (row !== undefined) return true;
    const space = state ?? (await this.get(spaceId));
    const removed = removedIdentities(space);
    if (removed.length === 0) return false;
    const seen = await this.db
      .selectFrom('device_identities')
      .select('identity')
      .where('device_id', '=', device)
      .where('identity', 'in', removed)
      .executeTakeFirst();
    return seen !== undefined;
  }

  /**
   * Notes that a browser was used by someone (`user:<id>`, `guest:<id>`), at
   * a socket's opening and at `/listen` (which an HLS player asks every half
   * minute): written at most once per ten minutes per pair on a node.
   */
  async recordDevice(device: string, identity: string): Promise<void> {
    const key = `${device} ${identity}`;
    const at = performance.now();
    const last = this.devicesSeen.get(key);
    if (last !== undefined && at - last < DEVICE_REWRITE_MS) return;
    if (this.devicesSeen.size >= 100_000) this.devicesSeen.clear();
    this.devicesSeen.set(key, at);
    await this.db
      .insertInto('device_identities')
      .values({ device_id: device, identity, seen_at: this.clock.now() })
      .onConflict((oc) =>
        oc.columns(['device_id', 'identity']).doUpdateSet({ seen_at: this.clock.now() }),
      )
      .execute();
  }

  /**
   * Forgets browsers not seen with someone since `before`: guests get a new
   * id with each token, so the table would only grow. A removal still bans
   * every browser seen with the person in the kept window.
   */
  async forgetDevicesSeenBefore(before: number): Promise<void> {
    await this.db.deleteFrom('device_identities').where('seen_at', '<', before).execute();
  }

  /** The browsers someone was seen with. */
  async devicesOf(identity: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('device_identities')
      .select('device_id')
      .where('identity', '=', identity)
      .execute();
    return rows.map((r) => r.device_id);
  }
}

/** A space's removed people, as `device_identities` names them. Capped: a query takes only so many. */
function removedIdentities(state: SpaceState): string[] {
  return [
    ...state.removed_user_ids.map((id) => `user:${id}`),
    ...state.removed_guest_ids.map((id) => `guest:${id}`),
  ].slice(-500);
}
