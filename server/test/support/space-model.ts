/** Builders and checks shared by the space model's tests (no I/O). */
import assert from 'node:assert/strict';
import {
  addCohost,
  approveRequest,
  type Command,
  type CommandContext,
  createSpace,
  DEFAULT_SPACE_LIMITS,
  type Outcome,
  requestToSpeak,
  type SpaceEvent,
  type SpaceLimits,
  type SpaceState,
} from '../../src/spaces/model.js';
import type { Actor } from '../../src/spaces/policy.js';

export const T0 = Date.UTC(2026, 0, 1, 18);
export const HOUR = 3600 * 1000;

export const ctx = (limits: Partial<SpaceLimits> = {}, now = T0): CommandContext => ({
  now,
  limits: { ...DEFAULT_SPACE_LIMITS, ...limits },
});

export const user = (
  userId: string,
  extra: Partial<Extract<Actor, { kind: 'user' }>> = {},
): Actor => ({
  kind: 'user',
  userId,
  role: 'user',
  incognito: false,
  blockedByHost: false,
  ...extra,
});
export const HOST = user('host');

/** Every command's input is frozen: a pure transition never touches it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Runs a command and checks what every successful command owes: the version
 * moves by exactly one and each event carries it.
 */
export function run<I>(
  command: Command<I>,
  state: SpaceState,
  actor: Actor,
  input: I,
  c = ctx(),
): Outcome {
  const out = command(deepFreeze(state), actor, input, c);
  assert.equal(out.state.version, state.version + 1, 'version moves by exactly one');
  assert.ok(out.events.length > 0, 'a successful command says what it did');
  for (const event of out.events) assert.equal(event.version, out.state.version);
  return out;
}

export function liveSpace(c = ctx()): SpaceState {
  return createSpace(HOST, { id: 'space1', title: 'Morning show', language: 'en' }, c).state;
}

export function scheduledSpace(): SpaceState {
  const input = { id: 'space1', title: 'Later', language: 'en', scheduled_start: T0 + HOUR };
  return createSpace(HOST, input, ctx()).state;
}

/** Brings each user on stage as a speaker, the usual way: ask, then be approved. */
export function withSpeakers(state: SpaceState, ids: string[], c = ctx()): SpaceState {
  for (const id of ids) {
    state = run(requestToSpeak, state, user(id), {}, c).state;
    state = run(approveRequest, state, HOST, { user_id: id }, c).state;
  }
  return state;
}

export function withCohosts(state: SpaceState, ids: string[], c = ctx()): SpaceState {
  state = withSpeakers(state, ids, c);
  for (const id of ids) state = run(addCohost, state, HOST, { user_id: id }, c).state;
  return state;
}

export const member = (state: SpaceState, id: string) => state.stage.find((m) => m.user_id === id);
export const types = (events: SpaceEvent[]) => events.map((e) => e.type);
export const reasons = (events: SpaceEvent[]) =>
  events.map((e) => ('reason' in e ? e.reason : e.type));
export const refusal = (code: string) => ({ name: 'AppError', code });

/** Asserts that a command is refused with this code. */
export function refuses<I>(
  code: string,
  command: Command<I>,
  state: SpaceState,
  actor: Actor,
  input: I,
  c = ctx(),
) {
  assert.throws(() => command(state, actor, input, c), refusal(code));
}
