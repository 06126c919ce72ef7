import type { FastifyBaseLogger } from 'fastify';
import type { Storage } from '../db/database.js';
import type { SpaceEvent, SpaceState } from '../spaces/model.js';
import type { SpaceService } from '../spaces/service.js';
import type { Clock } from '../util/clock.js';
import { continuesSpan, type LiveSpan, VERDICT_WINDOW_MS } from './timeline.js';

/** What the media plane says of one stage member (`MediaPlaneEvents['speaking']`). */
export interface SpeakingChange {
  spaceId: string;
  userId: string;
  speaking: boolean;
}

/**
 * Records who talks when during a live space, for the replay's timeline.
 *
 * Talking verdicts come from Janus's audio levels, which only the node that
 * holds a speaker's media hears: that node writes them (`speaking`), and the
 * table is shared, so every node reads the same timeline. The ends that are
 * not verdicts (leaving the stage, a removal, a mute, the end of the space)
 * come from committed space changes, on whichever node commits them; closing
 * an open span is idempotent, so any node may. A dropped connection's
 * "not speaking" comes through `speaking` too (signaling says so).
 *
 * A burst that starts less than MERGE_GAP_MS after the person's last span
 * ended reopens that span instead of starting a new one.
 */
export class SpeakerSpans {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly o: {
      storage: Storage;
      clock: Clock;
      spaces: SpaceService;
      logger: FastifyBaseLogger;
    },
  ) {
    o.spaces.onCommitted((state, events) => {
      for (const work of this.endsIn(state, events)) {
        void this.serial(work.key, work.run);
      }
    });
  }

  private get db() {
    return this.o.storage.db;
  }

  /** One person's writes run in the order their changes arrived. */
  private serial(key: string, work: () => Promise<void>): Promise<void> {
    const step = (this.chains.get(key) ?? Promise.resolve())
      .then(work)
      .catch((error: unknown) =>
        this.o.logger.error({ err: error, key }, 'speaker timeline not recorded'),
      );
    this.chains.set(key, step);
    void step.then(() => {
      if (this.chains.get(key) === step) this.chains.delete(key);
    });
    return step;
  }

  /** Resolves when every write queued so far is done (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.chains.size > 0) await Promise.all(this.chains.values());
  }

  /** A talking verdict from the media plane of this node. */
  record(change: SpeakingChange): Promise<void> {
    const at = this.o.clock.now() - VERDICT_WINDOW_MS;
    return this.serial(`${change.spaceId}:${change.userId}`, () =>
      change.speaking
        ? this.talking(change.spaceId, change.userId, at)
        : this.close(change.spaceId, change.userId, at),
    );
  }

  private async talking(spaceId: string, userId: string, at: number): Promise<void> {
    const state = await this.o.spaces.get(spaceId);
    // Verdicts for someone muted or off the stage are not talk. One that arrives
    // after the end is, if it says talk began before it: a verdict comes up to a
    // window late, and the end's close (on the space's chain) may have run already.
    const member = state.stage.find((m) => m.user_id === userId);
    if (!member || member.muted) return;
    const endedAt = state.state === 'live' ? null : state.ended_at;
    if (state.state !== 'live' && (endedAt === null || at >= endedAt)) return;
    await this.openSpan(spaceId, userId, at, endedAt);
    // Ended while this was written: the end's close may have run before the write.
    if (endedAt === null) {
      const now = await this.o.spaces.get(spaceId);
      if (now.state !== 'live')
        await this.close(spaceId, userId, now.ended_at ?? this.o.clock.now());
    }
  }

  /** A span from `at` (or the person's last one, reopened), open, or closed at `endedAt`. */
  private async openSpan(
    spaceId: string,
    userId: string,
    at: number,
    endedAt: number | null,
  ): Promise<void> {
    const last = await this.db
      .selectFrom('speaker_spans')
      .select(['started_at', 'ended_at'])
      .where('space_id', '=', spaceId)
      .where('user_id', '=', userId)
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (last && last.ended_at === null) return;
    if (last && continuesSpan(Number(last.ended_at), at)) {
      await this.db
        .updateTable('speaker_spans')
        .set({ ended_at: endedAt === null ? null : Math.max(endedAt, Number(last.ended_at)) })
        .where('space_id', '=', spaceId)
        .where('user_id', '=', userId)
        .where('started_at', '=', last.started_at)
        .execute();
      return;
    }
    // Never before the end of the last span (the verdict window moved `at` back).
    const start = last ? Math.max(at, Number(last.ended_at)) : at;
    await this.db
      .insertInto('speaker_spans')
      .values({ space_id: spaceId, user_id: userId, started_at: start, ended_at: endedAt })
      .onConflict((oc) => oc.columns(['space_id', 'user_id', 'started_at']).doNothing())
      .execute();
  }

  /** Closes open spans: one person's, or everyone's in the space (`userId` null). */
  async close(spaceId: string, userId: string | null, at: number): Promise<void> {
    let open = this.db
      .selectFrom('speaker_spans')
      .select(['user_id', 'started_at'])
      .where('space_id', '=', spaceId)
      .where('ended_at', 'is', null);
    if (userId !== null) open = open.where('user_id', '=', userId);
    for (const span of await open.execute()) {
      await this.db
        .updateTable('speaker_spans')
        // A span is never shorter than nothing, whatever the verdict window did to `at`.
        .set({ ended_at: Math.max(at, Number(span.started_at)) })
        .where('space_id', '=', spaceId)
        .where('user_id', '=', span.user_id)
        .where('started_at', '=', span.started_at)
        .where('ended_at', 'is', null)
        .execute();
    }
  }

  /** The committed changes after which someone can no longer be talking. */
  private endsIn(state: SpaceState, events: SpaceEvent[]) {
    const now = this.o.clock.now();
    const work: Array<{ key: string; run: () => Promise<void> }> = [];
    const closeFor = (userId: string) =>
      work.push({ key: `${state.id}:${userId}`, run: () => this.close(state.id, userId, now) });
    for (const event of events) {
      if (event.type === 'stage_changed' && event.change.kind === 'left')
        closeFor(event.change.user_id);
      if (event.type === 'participant_removed' && event.participant.kind === 'user')
        closeFor(event.participant.id);
      if (event.type === 'mute_changed' && event.muted)
        for (const id of event.user_ids) closeFor(id);
      if (event.type === 'state_changed' && state.state !== 'live') {
        const ended = state.ended_at ?? now;
        work.push({ key: state.id, run: () => this.close(state.id, null, ended) });
      }
    }
    return work;
  }

  /** Every span of the space by person, live time. */
  async spans(spaceId: string): Promise<Map<string, LiveSpan[]>> {
    const rows = await this.db
      .selectFrom('speaker_spans')
      .select(['user_id', 'started_at', 'ended_at'])
      .where('space_id', '=', spaceId)
      .orderBy('started_at')
      .execute();
    const byUser = new Map<string, LiveSpan[]>();
    for (const row of rows) {
      const list = byUser.get(row.user_id) ?? [];
      list.push({
        start: Number(row.started_at),
        end: row.ended_at === null ? null : Number(row.ended_at),
      });
      byUser.set(row.user_id, list);
    }
    return byUser;
  }
}
