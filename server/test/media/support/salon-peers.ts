/**
 * Salon-side test peers: the restart follower, and the old names of the mix
 * listener (`Listener.mix`, listener.ts) and speaker (`Publisher.mix`).
 */
import type { RealtimeClient } from '../../support/realtime.js';
import { Listener } from './listener.js';
import { Publisher } from './publisher.js';

export { ask } from './ask.js';

/**
 * Renegotiates `peer` whenever Salon says `media_restart` on `rt`, as the web
 * app does; `onRestart` hears of each.
 */
export function renegotiateOnRestart(
  rt: RealtimeClient,
  peer: { negotiate(): Promise<void> },
  onRestart: () => void = () => {},
): void {
  rt.ws.on('message', (data) => {
    if (JSON.parse(data.toString()).type !== 'media_restart') return;
    onRestart();
    peer.negotiate().catch(() => {});
  });
}

/** The mix publisher's old name, for bench/captions (being changed elsewhere) until it takes Publisher.mix. */
export type SalonSpeaker = Publisher<null>;
export const SalonSpeaker = { publish: Publisher.mix };

/** The Salon mix listener's former name: `Listener.mix` (listener.ts). */
export type SalonListener = Listener<null>;
export const SalonListener = { listen: Listener.mix };
