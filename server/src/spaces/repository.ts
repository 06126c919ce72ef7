import {
  ENDED_REASONS,
  INVITATION_ROLES,
  SPACE_STATES,
  SPACE_SWITCHES,
  STAGE_ROLES,
  SWITCH_NAMES,
} from '@salon/protocol';
import { type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { Kysely, Transaction } from 'kysely';
import type { Database, SpacesTable } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { SpaceState } from './model.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The format of `spaces.data`, stored with it as `format`. Format 1 (no
 * `format` field) is every state stored before it: the settings added over
 * time (the switches, `captions_off`, `host_away_since`) may be absent and
 * read as their defaults (a switch's is its `initial`). A field added
 * later gets a default here, and a change of meaning a new format with its
 * upgrade in `parseSpaceState`.
 */
export const SPACE_STATE_FORMAT = 2;

const literals = (values: readonly string[]): TSchema =>
  Type.Union(values.map((v) => Type.Literal(v)));
const Ms = Type.Number();
const MsOrNull = Type.Union([Ms, Type.Null()]);

/** SpaceState as stored: the defaults fill what older formats lack. */
const StoredSpaceState = Type.Object({
  format: Type.Integer({ minimum: 1, default: 1 }),
  id: Type.String(),
  host_id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  topics: Type.Array(Type.String()),
  language: Type.String(),
  state: literals(SPACE_STATES),
  created_at: Ms,
  scheduled_start: MsOrNull,
  started_at: MsOrNull,
  ended_at: MsOrNull,
  ended_reason: Type.Union([literals(ENDED_REASONS), Type.Null()]),
  recording: Type.Boolean(),
  // Every switch, its default the table's `initial`.
  ...Object.fromEntries(
    SWITCH_NAMES.map((name) => [name, Type.Boolean({ default: SPACE_SWITCHES[name].initial })]),
  ),
  captions_off: Type.Array(Type.String(), { default: [] }),
  host_away_since: Type.Union([Ms, Type.Null()], { default: null }),
  version: Type.Integer(),
  stage: Type.Array(
    Type.Object({
      user_id: Type.String(),
      role: literals(STAGE_ROLES),
      muted: Type.Boolean(),
      joined_at: Ms,
    }),
  ),
  requests: Type.Array(Type.Object({ user_id: Type.String(), requested_at: Ms })),
  invitations: Type.Array(
    Type.Object({
      user_id: Type.String(),
      role: literals(INVITATION_ROLES),
      invited_by: Type.String(),
      invited_at: Ms,
    }),
  ),
  removed_user_ids: Type.Array(Type.String()),
  removed_guest_ids: Type.Array(Type.String()),
  pins: Type.Array(
    Type.Object({ post_id: Type.String(), pinned_by: Type.String(), pinned_at: Ms }),
  ),
});
const storedSpaceState = TypeCompiler.Compile(StoredSpaceState);

/** What `spaces.data` holds: the state, marked with this format. */
export function serializeSpaceState(state: SpaceState): string {
  return JSON.stringify({ format: SPACE_STATE_FORMAT, ...state });
}

/**
 * A stored space state, of this format or an older one, as today's
 * `SpaceState` with every default filled. A row that does not parse, or was
 * written by a newer server (a later format), is an internal error naming the
 * space, not a state with holes.
 */
export function parseSpaceState(data: string): SpaceState {
  const raw: unknown = JSON.parse(data);
  const filled = Value.Default(StoredSpaceState, Value.Clone(raw));
  const id = (raw as { id?: unknown } | null)?.id;
  if (!storedSpaceState.Check(filled)) {
    const first = storedSpaceState.Errors(filled).First();
    throw new AppError(
      'internal',
      'space_state_unreadable',
      `Stored space ${String(id)} does not parse: ${first?.path ?? ''} ${first?.message ?? ''}`.trim(),
    );
  }
  const { format, ...state } = filled;
  if (format > SPACE_STATE_FORMAT) {
    throw new AppError(
      'internal',
      'space_state_unreadable',
      `Stored space ${String(id)} has format ${format}; this server reads up to ${SPACE_STATE_FORMAT}.`,
    );
  }
  return state as SpaceState;
}

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
    data: serializeSpaceState(state),
    created_at: state.created_at,
    updated_at: now,
  };
}

export async function loadSpace(db: Db, id: string): Promise<SpaceState | undefined> {
  const row = await db.selectFrom('spaces').select('data').where('id', '=', id).executeTakeFirst();
  return row ? parseSpaceState(row.data) : undefined;
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
  return parseSpaceState(row.data);
}
