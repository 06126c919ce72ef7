import { setTimeout as sleep } from 'node:timers/promises';
import type { Storage } from '../../db/database.js';
import type { RoomId } from '../janus/audiobridge.js';

/** A lease lasts this long unless its holder renews it. */
export const LEASE_MS = 10_000;
/** Holders renew, and waiting nodes try to take over, this often. */
export const LEASE_RENEW_MS = 2_000;

/** What the previous holder left in Janus: its forwarder of the mix, for the next holder to stop. */
export interface PreviousTap {
  room: RoomId;
  forwarder: number;
}

export type Renewal = 'held' | 'ending' | 'lost';

/**
 * One HLS packager per space in the cluster: a row of `hls_leases` names the
 * Salon node that runs it, until `expires_at`. The holder renews it every
 * LEASE_RENEW_MS; a node that stops releases it; a node that dies lets it
 * expire, and another node whose plane has the room takes it over (and
 * stops the forwarder the dead holder left). A node that commits the end of a
 * space held elsewhere marks the lease `ending`: the holder sees it at its
 * next renewal, flushes, and cuts the replay.
 */
export class PackagerLeases {
  constructor(
    private readonly storage: Storage,
    /** This Salon node (its id). */
    readonly owner: string,
    private readonly ttlMs = LEASE_MS,
  ) {}

  private get db() {
    return this.storage.db;
  }

  /**
   * Takes the space's lease if it is free, expired or already ours; null when
   * another node holds it. Returns the tap a previous holder left, if any.
   */
  async take(spaceId: string): Promise<{ previous: PreviousTap | null } | null> {
    const now = Date.now();
    const before = await this.row(spaceId);
    if (before && before.owner !== this.owner && Number(before.expires_at) >= now) return null;
    await this.db
      .insertInto('hls_leases')
      .values({
        space_id: spaceId,
        owner: this.owner,
        expires_at: now + this.ttlMs,
        room: null,
        forwarder: null,
        ending_at: null,
      })
      .onConflict((oc) =>
        oc
          .column('space_id')
          .doUpdateSet({
            owner: this.owner,
            expires_at: now + this.ttlMs,
            room: null,
            forwarder: null,
          })
          .where((eb) =>
            eb.or([eb('hls_leases.expires_at', '<', now), eb('hls_leases.owner', '=', this.owner)]),
          ),
      )
      .execute();
    const after = await this.row(spaceId);
    if (after?.owner !== this.owner) return null;
    const left =
      before && before.owner !== this.owner && before.room !== null && before.forwarder !== null;
    return {
      previous: left ? { room: Number(before.room), forwarder: Number(before.forwarder) } : null,
    };
  }

  /** Keeps the lease; `ending` when another node committed the space's end; `lost` when taken over. */
  async renew(spaceId: string): Promise<Renewal> {
    const rows = await this.db
      .updateTable('hls_leases')
      .set({ expires_at: Date.now() + this.ttlMs })
      .where('space_id', '=', spaceId)
      .where('owner', '=', this.owner)
      .returning('ending_at')
      .execute();
    if (rows.length === 0) return 'lost';
    return rows[0]!.ending_at === null ? 'held' : 'ending';
  }

  /** Where the holder's forwarder of the mix is now. */
  async record(spaceId: string, tap: PreviousTap | null): Promise<void> {
    await this.db
      .updateTable('hls_leases')
      .set({ room: tap?.room ?? null, forwarder: tap?.forwarder ?? null })
      .where('space_id', '=', spaceId)
      .where('owner', '=', this.owner)
      .execute();
  }

  /** Gives the lease up; `ending` when another node had marked the space's end meanwhile. */
  async release(spaceId: string): Promise<{ held: boolean; ending: boolean }> {
    const rows = await this.db
      .deleteFrom('hls_leases')
      .where('space_id', '=', spaceId)
      .where('owner', '=', this.owner)
      .returning('ending_at')
      .execute();
    return { held: rows.length > 0, ending: rows[0]?.ending_at != null };
  }

  /**
   * The space ended here: if a live lease is another node's, marks it
   * `ending` (that node flushes and cuts) and says so; false when the lease
   * is ours, expired or gone (this node does the end itself).
   */
  async markEnding(spaceId: string): Promise<boolean> {
    const now = Date.now();
    const result = await this.db
      .updateTable('hls_leases')
      .set({ ending_at: now })
      .where('space_id', '=', spaceId)
      .where('owner', '!=', this.owner)
      .where('expires_at', '>=', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Whether another node holds a live lease on the space. */
  async heldElsewhere(spaceId: string): Promise<boolean> {
    const row = await this.row(spaceId);
    return !!row && row.owner !== this.owner && Number(row.expires_at) >= Date.now();
  }

  private row(spaceId: string) {
    return this.db
      .selectFrom('hls_leases')
      .selectAll()
      .where('space_id', '=', spaceId)
      .executeTakeFirst();
  }
}

/** What the lease keeper asks of the packagers it keeps leases for (HlsPackagers). */
export interface LeaseHost {
  /** Try (again) to run the space's packager: the lease may be free now. */
  roomReady(spaceId: string, room: RoomId): void;
  /** The lease was taken over: stop the packager here, keep the lease row alone. */
  lost(spaceId: string): Promise<void>;
  /** The space ended elsewhere: flush, release (which hears `ending`), cut. */
  stop(spaceId: string): Promise<void>;
  /** A forwarder a dead holder left in the room: stopped before forwarding anew. */
  dropForwarder(spaceId: string, tap: PreviousTap): Promise<void>;
  readonly logger: { warn(obj: object, msg: string): void };
}

/**
 * The lease side of one node's packagers: the leases it holds (renewed on a
 * timer) and the spaces whose packager another node runs, which it tries to
 * take over on the same timer.
 */
export class LeaseKeeper {
  private readonly held = new Map<string, RoomId>();
  private readonly waiting = new Map<string, RoomId>();
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;

  constructor(
    private readonly leases: PackagerLeases,
    private readonly host: LeaseHost,
    private readonly renewMs: number,
  ) {}

  /** True when this node may run the space's packager now; otherwise it watches the lease. */
  async take(spaceId: string, room: RoomId): Promise<boolean> {
    const got = await this.leases.take(spaceId).catch((error: unknown) => {
      this.host.logger.warn({ err: error, space: spaceId }, 'HLS lease not read; trying again');
      return null;
    });
    if (!got) {
      this.waiting.set(spaceId, room);
      this.arm();
      return false;
    }
    this.waiting.delete(spaceId);
    this.held.set(spaceId, room);
    this.arm();
    if (got.previous) await this.host.dropForwarder(spaceId, got.previous).catch(() => undefined);
    return true;
  }

  unwatch(spaceId: string): void {
    this.waiting.delete(spaceId);
  }

  record(spaceId: string, tap: PreviousTap): Promise<void> {
    return this.leases.record(spaceId, tap).catch(() => undefined);
  }

  async release(spaceId: string): Promise<{ ending: boolean }> {
    this.held.delete(spaceId);
    return this.leases.release(spaceId).catch(() => ({ held: false, ending: false }));
  }

  /**
   * The space ended here while another live node holds its packager: marks
   * the lease `ending` and waits (bounded by the lease) until that node has
   * flushed and let go, so that the mix still flows while its ffmpeg flushes.
   * True when it handed the end over.
   */
  async handOff(spaceId: string): Promise<boolean> {
    if (!(await this.leases.markEnding(spaceId).catch(() => false))) return false;
    const until = Date.now() + LEASE_MS + this.renewMs;
    while (Date.now() < until && (await this.leases.heldElsewhere(spaceId).catch(() => false)))
      await sleep(200);
    return true;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.waiting.clear();
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.renewMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const [spaceId, room] of [...this.held]) {
        const renewal = await this.leases.renew(spaceId).catch(() => 'held' as const);
        if (renewal === 'held' || !this.held.has(spaceId)) continue;
        this.held.delete(spaceId);
        if (renewal === 'ending') {
          await this.host.stop(spaceId);
        } else {
          this.host.logger.warn({ space: spaceId }, 'HLS lease taken over; stopping this packager');
          await this.host.lost(spaceId);
          this.waiting.set(spaceId, room);
        }
      }
      for (const [spaceId, room] of this.waiting) this.host.roomReady(spaceId, room);
    } finally {
      this.ticking = false;
    }
  }
}
