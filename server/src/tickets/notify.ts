import { formatMoney } from '@salon/protocol';
import type { Storage } from '../db/database.js';
import type { TicketsTable } from '../db/schema.js';
import type { NotificationCenter } from '../notifications/center.js';
import { pairKey } from '../social/messages.js';
import type { SocialService } from '../social/service.js';
import type { Clock } from '../util/clock.js';
import { newId } from '../util/ids.js';

/**
 * Tells a buyer their ticket was refunded: in the app and by push (as their
 * preferences for `ticket_refunded` say: the center honours in-app, the push
 * job the push switch), and as a direct message from the host with the amount,
 * as an invitation's card comes from its inviter, unless either blocked the
 * other. Keyed by the checkout: told once, however many runs or nodes refund.
 */
export function refundNotifier(
  storage: Storage,
  clock: Clock,
  social: SocialService,
  center: NotificationCenter,
): (ticket: TicketsTable) => Promise<void> {
  return async (ticket) => {
    const space = await storage.db
      .selectFrom('spaces')
      .select('title')
      .where('id', '=', ticket.space_id)
      .executeTakeFirst();
    const blocked = await social.isBlockedEitherWay(ticket.host_id, ticket.user_id);
    const text = `Your ticket to “${space?.title ?? 'a space'}” was refunded: ${formatMoney(ticket.price_minor, ticket.currency, 'en-US')}.`;
    await center.deliver([
      {
        key: `ticket_refunded:${ticket.checkout_id}`,
        input: {
          userId: ticket.user_id,
          kind: 'ticket_refunded',
          actorId: ticket.host_id,
          spaceId: ticket.space_id,
        },
        ...(blocked
          ? {}
          : {
              with: async (trx) => {
                const now = clock.now();
                const id = newId(now);
                await trx
                  .insertInto('direct_messages')
                  .values({
                    id,
                    sender_id: ticket.host_id,
                    recipient_id: ticket.user_id,
                    pair_key: pairKey(ticket.host_id, ticket.user_id),
                    text,
                    space_id: ticket.space_id,
                    created_at: now,
                    read_at: null,
                  })
                  .execute();
                return { messageId: id };
              },
            }),
      },
    ]);
  };
}
