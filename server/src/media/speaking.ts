import type { SpaceEventPayload } from '@salon/protocol';

/**
 * Who is talking in one space now, as a node hears it: the media plane's
 * `speaking` messages (media/signaling.ts decides them from the audio), less
 * whoever leaves the stage or the space, and nobody once the space is no
 * longer live. The gateway keeps one per followed space and tells each new
 * subscriber (realtime/rooms.ts).
 */
export class SpeakingNow {
  private readonly talking = new Set<string>();

  /** A `speaking` message. */
  heard(userId: string, speaking: boolean): void {
    if (speaking) this.talking.add(userId);
    else this.talking.delete(userId);
  }

  /** A space event, which may silence someone (or, at the end, everyone). */
  follow(event: SpaceEventPayload): void {
    if (event.type === 'participant_removed') this.talking.delete(event.participant.id);
    if (event.type === 'stage_changed' && event.change.kind === 'left')
      this.talking.delete(event.change.user_id);
    // Nobody speaks in an ended space: a late joiner gets no ring.
    if (event.type === 'state_changed' && event.state !== 'live') this.talking.clear();
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.talking.values();
  }
}
