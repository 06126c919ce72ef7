import { createHash } from 'node:crypto';
import type { SpaceFeeds } from './space.js';

/** A space's feed room when Salon nodes share it (media/homes.ts): what each node does alike. */

/** How an observer (never a publisher) is named in a shared room. */
export const OBSERVER_DISPLAY = 'salon-node';
/**
 * Room for the observers beside the stage (one per Salon node in a shared
 * room), whether or not Janus counts a participant who never publishes.
 */
export const OBSERVER_SLOTS = 16;

/**
 * A shared room's secret, the same on every Salon node: derived from the
 * room and JANUS_API_SECRET, which only Salon nodes hold (without an API
 * secret, any client that reaches Janus may do anything there anyway).
 */
export function sharedSecret(room: number, seed: string): string {
  return createHash('sha256').update(`salon-feeds/${room}/${seed}`).digest('hex').slice(0, 32);
}

/** Whether no other Salon node has a participant (an observer, a publisher) in the room. */
export async function emptied(space: SpaceFeeds): Promise<boolean> {
  const participants = await space.control.listParticipants(space.room).catch(() => null);
  return participants !== null && participants.length === 0;
}
