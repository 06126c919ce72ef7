import type { PersonalMessage } from '@salon/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Bus } from '../bus/bus.js';
import { publishToUser } from '../bus/user-channel.js';
import { presentNotification } from './presenter.js';
import type { SocialService } from './service.js';

/** Every committed notification also goes, live, to the recipient's open connections. */
export function pushNotificationsLive(
  social: SocialService,
  bus: Bus,
  logger: FastifyBaseLogger,
): void {
  social.on('notification', (row) => {
    social
      .usersByIds(row.actor_id ? [row.actor_id] : [])
      .then((actors) => {
        const message: PersonalMessage = {
          type: 'notification',
          notification: presentNotification(
            row,
            row.actor_id ? actors.get(row.actor_id) : undefined,
          ),
        };
        publishToUser(bus, row.user_id, { kind: 'personal', message });
      })
      .catch((error: unknown) => logger.error({ err: error }, 'live notification failed'));
  });
}
