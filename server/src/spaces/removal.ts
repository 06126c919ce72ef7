import type { FastifyBaseLogger } from 'fastify';
import type { SpaceService } from './service.js';

/**
 * A removal's effect beyond the space's state: every browser the person was
 * seen with is banned from the space (`space_device_bans`), so a new tab as a
 * guest does not bring them back, even once `device_identities` has
 * forgotten the browser. Done after the commit by the node that committed
 * it; each node's gateway then expels the person's connections and those
 * browsers' (realtime/rooms.ts).
 */
export function banRemovedBrowsers(
  spaces: Pick<SpaceService, 'onCommitted' | 'devicesOf' | 'banDevices'>,
  logger: Pick<FastifyBaseLogger, 'error'>,
): void {
  spaces.onCommitted((state, events) => {
    for (const event of events) {
      if (event.type !== 'participant_removed') continue;
      const identity = `${event.participant.kind}:${event.participant.id}`;
      spaces
        .devicesOf(identity)
        .then((devices) => spaces.banDevices(state.id, devices))
        .catch((error: unknown) => logger.error({ err: error }, 'device ban failed'));
    }
  });
}
