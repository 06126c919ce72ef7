import type { Bus } from '../bus/bus.js';
import type { SpaceEvent, SpaceState } from '../spaces/model.js';
import { effectsOf, type MediaEffect } from './effects.js';

/**
 * Every committed change of every space, told to every node on one channel
 * (whether the node has subscribers in the space or not): what it asks of
 * the media, for whichever node holds the handles, and its version, so each
 * node's cache of the space (spaces/service.ts) can forget an older copy.
 */
export const COMMITS_CHANNEL = 'commits';

export interface CommitMessage {
  kind: 'committed';
  space_id: string;
  version: number;
  effects: MediaEffect[];
}

/** The one place a commit is written for the bus and read back. */
export function encodeCommit(message: Omit<CommitMessage, 'kind'>): string {
  return JSON.stringify({ kind: 'committed', ...message } satisfies CommitMessage);
}

export function decodeCommit(text: string): CommitMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Partial<CommitMessage>;
  if (
    m.kind !== 'committed' ||
    typeof m.space_id !== 'string' ||
    typeof m.version !== 'number' ||
    !Array.isArray(m.effects)
  )
    return null;
  return m as CommitMessage;
}

/** Handlers of every node's commits, this node's own included (delivered on the next tick). */
export function onCommits(bus: Bus, handler: (commit: CommitMessage) => void): () => void {
  return bus.subscribe(COMMITS_CHANNEL, (text) => {
    const commit = decodeCommit(text);
    if (commit) handler(commit);
  });
}

export function publishCommit(bus: Bus, message: Omit<CommitMessage, 'kind'>): void {
  bus.publish(COMMITS_CHANNEL, encodeCommit(message));
}

/**
 * Tells the cluster of each change this node commits: called once per node
 * (by the gateway's rooms), whether media runs here or not.
 */
export function shareCommits(
  spaces: { onCommitted(listener: (state: SpaceState, events: SpaceEvent[]) => void): void },
  bus: Bus,
): void {
  spaces.onCommitted((state, events) =>
    publishCommit(bus, {
      space_id: state.id,
      version: state.version,
      effects: effectsOf(state, events),
    }),
  );
}
