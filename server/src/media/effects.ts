import type { SpaceEvent, SpaceState } from '../spaces/model.js';
import type { Participant } from '../spaces/policy.js';

/**
 * What a committed change of a space asks of its media, whichever node
 * holds the handles: the mix (media/signaling.ts) and the feeds
 * (media/feeds/signaling.ts) apply the same list. Every effect states the
 * outcome, not a step ("muted: true", "no publication"), so applying it
 * twice, or on a node that holds nothing of the space, changes nothing.
 */
export type MediaEffect =
  /** The space is live: its room may open (the node that committed opens it at once). */
  | { kind: 'open' }
  /** A stage member is muted or unmuted in the media server, whatever their client sends. */
  | { kind: 'mute'; user_id: string; muted: boolean }
  /** Off the stage: their publications end (mix and feed). */
  | { kind: 'unpublish'; user_id: string; reason: 'not_on_stage' | 'removed' }
  /** Removed from the space: their publications and what they watch there end. */
  | { kind: 'remove'; participant: Participant }
  /** The space ended: its room, feed room, publishers and listeners go. */
  | { kind: 'end' };

/** The media effects of one committed change, in the order of its events. */
export function effectsOf(state: SpaceState, events: readonly SpaceEvent[]): MediaEffect[] {
  const effects: MediaEffect[] = [];
  for (const event of events) {
    switch (event.type) {
      case 'space_created':
      case 'state_changed':
        if (state.state === 'live') effects.push({ kind: 'open' });
        if (state.state === 'ended' || state.state === 'cancelled') effects.push({ kind: 'end' });
        break;
      case 'mute_changed':
        for (const userId of event.user_ids)
          effects.push({ kind: 'mute', user_id: userId, muted: event.muted });
        break;
      case 'stage_changed': {
        const change = event.change;
        if (change.kind === 'left') {
          const reason = change.reason === 'removed_from_space' ? 'removed' : 'not_on_stage';
          effects.push({ kind: 'unpublish', user_id: change.user_id, reason });
        }
        if (change.kind === 'joined' || change.kind === 'role_changed') {
          const member = state.stage.find((m) => m.user_id === change.user_id);
          if (member) effects.push({ kind: 'mute', user_id: member.user_id, muted: member.muted });
        }
        break;
      }
      case 'participant_removed':
        effects.push({
          kind: 'remove',
          participant: { kind: event.participant.kind, id: event.participant.id },
        });
        break;
      default:
        break;
    }
  }
  return effects;
}

/**
 * Effects of one space reach a node in commit order from one node, but two
 * nodes' commits may cross on the way: a change older than one already
 * applied here is dropped (each effect states an outcome, so the newer one
 * already holds). Ended spaces are forgotten after a while.
 */
export class EffectOrder {
  private readonly applied = new Map<string, number>();

  /** Whether effects of `version` are still news here; records them as applied. */
  accept(spaceId: string, version: number): boolean {
    const last = this.applied.get(spaceId) ?? 0;
    if (version <= last) return false;
    this.applied.set(spaceId, version);
    return true;
  }

  forget(spaceId: string): void {
    this.applied.delete(spaceId);
  }
}
