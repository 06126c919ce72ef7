import { sql } from 'kysely';
import type { Storage } from '../db/database.js';
import type { SpaceState } from '../spaces/model.js';
import { parseSpaceRow } from '../spaces/repository.js';

/**
 * Who is on the stage of each live space, one row per person, so that "live
 * spaces where people I follow host or speak" is a join on `follows` rather
 * than a scan of every space's JSON. It is derived from `spaces.data`: updated
 * after each committed change (newer versions only), rebuilt by a periodic
 * sweep, and never trusted alone — readers check the space itself.
 */
export class StageIndex {
  /** Updates of one space run one after the other on a node: versions arrive in order. */
  private readonly pending = new Map<string, Promise<void>>();

  constructor(private readonly storage: Storage) {}

  update(state: SpaceState): Promise<void> {
    const previous = this.pending.get(state.id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.write(state));
    this.pending.set(state.id, next);
    void next
      .finally(() => {
        if (this.pending.get(state.id) === next) this.pending.delete(state.id);
      })
      .catch(() => undefined);
    return next;
  }

  private async write(state: SpaceState): Promise<void> {
    await this.storage.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('space_stage')
        .select(sql<number | null>`max(version)`.as('v'))
        .where('space_id', '=', state.id)
        .executeTakeFirst();
      const indexed = row?.v === null || row?.v === undefined ? null : Number(row.v);
      if (indexed !== null && indexed >= state.version) return;
      await trx.deleteFrom('space_stage').where('space_id', '=', state.id).execute();
      if (state.state !== 'live' || state.stage.length === 0) return;
      await trx
        .insertInto('space_stage')
        .values(
          state.stage.map((m) => ({
            space_id: state.id,
            user_id: m.user_id,
            role: m.role,
            version: state.version,
          })),
        )
        // Another node may be writing the same space's rows; the newer version wins later.
        .onConflict((oc) =>
          oc.columns(['space_id', 'user_id']).doUpdateSet((eb) => ({
            role: eb.ref('excluded.role'),
            version: eb.ref('excluded.version'),
          })),
        )
        .execute();
    });
  }

  /** Re-derives the index from every live space, and forgets spaces that are no longer live. */
  async rebuild(): Promise<void> {
    const db = this.storage.db;
    const live = await db.selectFrom('spaces').select('data').where('state', '=', 'live').execute();
    for (const row of live) await this.update(parseSpaceRow(row));
    await db
      .deleteFrom('space_stage')
      .where('space_id', 'not in', db.selectFrom('spaces').select('id').where('state', '=', 'live'))
      .execute();
  }

  /** Live spaces where any of the people `followerId` follows is on stage (candidates). */
  async candidates(followerId: string): Promise<string[]> {
    const rows = await this.storage.db
      .selectFrom('space_stage')
      .innerJoin('follows', 'follows.followee_id', 'space_stage.user_id')
      .select('space_stage.space_id')
      .distinct()
      .where('follows.follower_id', '=', followerId)
      .execute();
    return rows.map((r) => r.space_id);
  }
}

/** Keeps the index in step with committed changes that touch a stage or a lifecycle. */
export function indexStagesOnCommit(
  spaces: { onCommitted(listener: (state: SpaceState, events: { type: string }[]) => void): void },
  index: StageIndex,
  onError: (error: unknown) => void,
): void {
  spaces.onCommitted((state, events) => {
    const relevant = events.some(
      (e) => e.type === 'stage_changed' || e.type === 'state_changed' || e.type === 'space_created',
    );
    if (relevant) index.update(state).catch(onError);
  });
}
