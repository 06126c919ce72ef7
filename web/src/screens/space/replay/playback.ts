/**
 * What the replay player keeps in this browser: the speed (one choice for
 * every replay) and, per replay, where the person stopped, so the next visit
 * resumes there. Storage may be missing or full (private windows): then
 * nothing is kept, and nothing breaks.
 */

export const SPEEDS = [1, 1.5, 2] as const;
export type Speed = (typeof SPEEDS)[number];

const SPEED_KEY = 'salon.replay.speed';
const POSITIONS_KEY = 'salon.replay.positions';
/** Positions kept at most: the oldest ones go first. */
export const MAX_POSITIONS = 50;
/** Closer than this to either end, there is nothing to resume: start over. */
export const RESUME_EDGE_MS = 5_000;

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function isSpeed(value: unknown): value is Speed {
  return (SPEEDS as readonly unknown[]).includes(value);
}

export function loadSpeed(store: Storage | null = storage()): Speed {
  const value = Number(store?.getItem(SPEED_KEY));
  return isSpeed(value) ? value : 1;
}

export function saveSpeed(speed: Speed, store: Storage | null = storage()): void {
  try {
    store?.setItem(SPEED_KEY, String(speed));
  } catch {
    // Full or refused: the choice lasts for this page only.
  }
}

interface Position {
  ms: number;
  /** When it was saved (ms since the epoch): the order in which old ones are dropped. */
  at: number;
}

function readPositions(store: Storage | null): Record<string, Position> {
  try {
    const parsed = JSON.parse(store?.getItem(POSITIONS_KEY) ?? '{}') as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const kept: Record<string, Position> = {};
    for (const [id, value] of Object.entries(parsed as Record<string, unknown>)) {
      const p = value as Partial<Position> | null;
      if (p && Number.isFinite(p.ms) && Number.isFinite(p.at)) kept[id] = { ms: p.ms!, at: p.at! };
    }
    return kept;
  } catch {
    return {};
  }
}

function writePositions(store: Storage | null, positions: Record<string, Position>): void {
  try {
    store?.setItem(POSITIONS_KEY, JSON.stringify(positions));
  } catch {
    // Full or refused: this visit's position is not kept.
  }
}

/** Where to start this replay: the kept position, or 0 when there is none worth resuming. */
export function resumePosition(
  replayId: string,
  durationMs: number | null,
  store: Storage | null = storage(),
): number {
  const kept = readPositions(store)[replayId];
  if (!kept || kept.ms < RESUME_EDGE_MS) return 0;
  if (durationMs !== null && kept.ms > durationMs - RESUME_EDGE_MS) return 0;
  return kept.ms;
}

/**
 * Keeps where the person is in a replay (`now` for the order of eviction);
 * near the end it forgets it, so a finished replay starts over next time.
 */
export function savePosition(
  replayId: string,
  positionMs: number,
  durationMs: number | null,
  now: number = Date.now(),
  store: Storage | null = storage(),
): void {
  const positions = readPositions(store);
  const finished = durationMs !== null && positionMs > durationMs - RESUME_EDGE_MS;
  if (finished || positionMs < RESUME_EDGE_MS) delete positions[replayId];
  else positions[replayId] = { ms: Math.round(positionMs), at: now };
  const ids = Object.keys(positions).sort((a, b) => positions[b]!.at - positions[a]!.at);
  for (const id of ids.slice(MAX_POSITIONS)) delete positions[id];
  writePositions(store, positions);
}
