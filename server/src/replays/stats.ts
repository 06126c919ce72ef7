import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { Storage } from '../db/database.js';
import type { Pin, SpaceEvent, SpaceState } from '../spaces/model.js';
import type { SpaceService } from '../spaces/service.js';
import type { Clock } from '../util/clock.js';

/** How often every node writes the audience it sees of its live spaces (when it grew). */
export const STATS_SAMPLE_MS = 5_000;
/** After someone arrives, the counts are sampled this soon (the peak is often a burst). */
const ARRIVAL_SAMPLE_MS = 1_000;

/** What the gateway knows of presence (`RealtimeGateway`): cluster-wide with a directory. */
export interface PresenceSource {
  followedSpaceIds(): string[];
  counts(spaceId: string): { now_total: number; total_unique: number } | null;
  onPresence(listener: (spaceId: string, key: string, present: boolean) => void): void;
}

export interface ReplayStats {
  peakListeners: number;
  totalListeners: number;
  /** Null until the space ended. */
  pins: Pin[] | null;
}

/**
 * The audience of a live space, kept for its replay: the most people present
 * at once (peak) and how many different people came (total). Every node
 * samples the spaces it follows (cluster-wide counts when there is a
 * directory) every few seconds, soon after an arrival, and at the end, and
 * writes them only when they grew; the row keeps the largest value any node
 * wrote (an upsert with a max, the same on both engines), so a node that dies
 * loses at most its last few seconds. At the end, the distinct count is read
 * from `space_listeners` (durable, written by every node) and the pins are
 * kept as they were.
 */
export class ListenerStats {
  private readonly written = new Map<string, { peak: number; total: number }>();
  private readonly soon = new Map<string, NodeJS.Timeout>();
  private timer: NodeJS.Timeout | null = null;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly o: {
      storage: Storage;
      clock: Clock;
      spaces: SpaceService;
      presence: PresenceSource;
      logger: FastifyBaseLogger;
    },
  ) {
    o.spaces.onCommitted((state, events) => this.follow(state, events));
    o.presence.onPresence((spaceId, _key, present) => {
      if (!present || this.soon.has(spaceId)) return;
      const timer = setTimeout(() => {
        this.soon.delete(spaceId);
        this.track(this.sampleSpace(spaceId));
      }, ARRIVAL_SAMPLE_MS);
      timer.unref();
      this.soon.set(spaceId, timer);
    });
  }

  private get db() {
    return this.o.storage.db;
  }

  start(intervalMs = STATS_SAMPLE_MS): void {
    this.timer ??= setInterval(() => this.track(this.sample()), intervalMs);
    this.timer.unref();
  }

  private track(work: Promise<void>): void {
    const step = work.catch((error: unknown) =>
      this.o.logger.error({ err: error }, 'listener stats not recorded'),
    );
    this.pending.add(step);
    void step.then(() => this.pending.delete(step));
  }

  /** Every followed live space's counts, written where they grew. */
  async sample(): Promise<void> {
    for (const spaceId of this.o.presence.followedSpaceIds()) await this.sampleSpace(spaceId);
  }

  private async sampleSpace(spaceId: string): Promise<void> {
    const counts = this.o.presence.counts(spaceId);
    if (!counts) return;
    const state = await this.o.spaces.get(spaceId);
    if (state.state !== 'live') return;
    await this.raise(spaceId, counts.now_total, counts.total_unique);
  }

  /** Writes the counts if they are larger than what this node last wrote; the row keeps the max. */
  async raise(spaceId: string, peak: number, total: number): Promise<void> {
    const last = this.written.get(spaceId);
    if (last && last.peak >= peak && last.total >= total) return;
    const larger = (column: 'peak_listeners' | 'total_listeners') =>
      sql<number>`case when ${sql.ref(`replay_stats.${column}`)} < ${sql.ref(`excluded.${column}`)} then ${sql.ref(`excluded.${column}`)} else ${sql.ref(`replay_stats.${column}`)} end`;
    await this.db
      .insertInto('replay_stats')
      .values({
        space_id: spaceId,
        peak_listeners: peak,
        total_listeners: total,
        pins: null,
        updated_at: this.o.clock.now(),
      })
      .onConflict((oc) =>
        oc.column('space_id').doUpdateSet({
          peak_listeners: larger('peak_listeners'),
          total_listeners: larger('total_listeners'),
          updated_at: this.o.clock.now(),
        }),
      )
      .execute();
    this.written.set(spaceId, {
      peak: Math.max(peak, last?.peak ?? 0),
      total: Math.max(total, last?.total ?? 0),
    });
  }

  private follow(state: SpaceState, events: SpaceEvent[]): void {
    const ended = events.some((e) => e.type === 'state_changed') && state.state === 'ended';
    if (ended) this.track(this.finish(state));
  }

  /** At the end: the last counts, the distinct people from storage, the pins as they are. */
  async finish(state: SpaceState): Promise<void> {
    const counts = this.o.presence.counts(state.id);
    const total = await this.o.spaces.totalListeners(state.id);
    this.written.delete(state.id);
    await this.raise(state.id, counts?.now_total ?? 0, Math.max(total, counts?.total_unique ?? 0));
    this.written.delete(state.id);
    await this.db
      .updateTable('replay_stats')
      .set({ pins: JSON.stringify(state.pins), updated_at: this.o.clock.now() })
      .where('space_id', '=', state.id)
      .execute();
  }

  async read(spaceId: string): Promise<ReplayStats> {
    const row = await this.db
      .selectFrom('replay_stats')
      .selectAll()
      .where('space_id', '=', spaceId)
      .executeTakeFirst();
    return {
      peakListeners: Number(row?.peak_listeners ?? 0),
      totalListeners: Number(row?.total_listeners ?? 0),
      pins: row?.pins ? (JSON.parse(row.pins) as Pin[]) : null,
    };
  }

  /** The stats of many spaces at once (a page of replays). */
  async readMany(spaceIds: readonly string[]): Promise<Map<string, ReplayStats>> {
    const out = new Map<string, ReplayStats>();
    if (spaceIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('replay_stats')
      .selectAll()
      .where('space_id', 'in', [...spaceIds])
      .execute();
    for (const row of rows) {
      out.set(row.space_id, {
        peakListeners: Number(row.peak_listeners),
        totalListeners: Number(row.total_listeners),
        pins: row.pins ? (JSON.parse(row.pins) as Pin[]) : null,
      });
    }
    return out;
  }

  /** Lets writes in progress finish (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const timer of this.soon.values()) clearTimeout(timer);
    this.soon.clear();
    await this.settled();
  }
}
