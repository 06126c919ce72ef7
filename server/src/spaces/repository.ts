import type { Kysely, Transaction } from 'kysely';
import type { Database, SpacesTable } from '../db/schema.js';
import type { SpaceState } from './model.js';

type Db = Kysely<Database> | Transaction<Database>;

function toRow(state: SpaceState, now: number): SpacesTable {
  return {
    id: state.id,
    host_id: state.host_id,
    state: state.state,
    title: state.title,
    description: state.description,
    topics: JSON.stringify(state.topics),
    language: state.language,
    scheduled_start: state.scheduled_start,
    started_at: state.started_at,
    ended_at: state.ended_at,
    recording: state.recording ? 1 : 0,
    version: state.version,
    data: JSON.stringify(state),
    created_at: state.created_at,
    updated_at: now,
  };
}

export async function loadSpace(db: Db, id: string): Promise<SpaceState | undefined> {
  const row = await db.selectFrom('spaces').select('data').where('id', '=', id).executeTakeFirst();
  return row ? (JSON.parse(row.data) as SpaceState) : undefined;
}

export async function insertSpace(db: Db, state: SpaceState, now: number): Promise<void> {
  await db.insertInto('spaces').values(toRow(state, now)).execute();
}

/** Stores `state` only if the stored version is still `expected`; false means someone else won. */
export async function updateSpace(
  db: Db,
  state: SpaceState,
  expected: number,
  now: number,
): Promise<boolean> {
  const { id, created_at: _created, ...changes } = toRow(state, now);
  const result = await db
    .updateTable('spaces')
    .set(changes)
    .where('id', '=', id)
    .where('version', '=', expected)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function parseSpaceRow(row: Pick<SpacesTable, 'data'>): SpaceState {
  return JSON.parse(row.data) as SpaceState;
}
