import type { NotificationsTable, UsersTable } from '../db/schema.js';

/** What a push alert says: a title, a line of text, and where tapping it goes. */
export interface Alert {
  title: string;
  body: string;
  url: string;
}

export interface AlertContext {
  actor: UsersTable | undefined;
  /** The space's title, when the notification is about a space. */
  spaceTitle: string | null;
  publicUrl: string;
}

export function alertFor(n: NotificationsTable, ctx: AlertContext): Alert {
  const who = ctx.actor ? ctx.actor.display_name : 'Someone';
  const space = ctx.spaceTitle ? `“${ctx.spaceTitle}”` : 'a space';
  const spaceUrl = n.space_id ? `${ctx.publicUrl}/spaces/${n.space_id}` : ctx.publicUrl;
  switch (n.kind) {
    case 'follow':
      return {
        title: `${who} followed you`,
        body: ctx.actor ? `@${ctx.actor.handle}` : '',
        url: ctx.actor ? `${ctx.publicUrl}/@${ctx.actor.handle}` : ctx.publicUrl,
      };
    case 'dm':
      return {
        title: `${who} sent you a message`,
        body: n.space_id ? `About ${space}` : 'Open Salon to read it.',
        url: ctx.actor ? `${ctx.publicUrl}/messages/${ctx.actor.id}` : ctx.publicUrl,
      };
    case 'space_started':
      return { title: `${who} is live`, body: `Listen to ${space}`, url: spaceUrl };
    case 'space_reminder':
      return { title: 'A space you are waiting for is live', body: space, url: spaceUrl };
    case 'space_starting_soon':
      return { title: 'Your space starts in 30 minutes', body: space, url: spaceUrl };
    case 'space_start_time':
      return { title: 'It is time to start your space', body: space, url: spaceUrl };
    case 'space_invite':
      return { title: `${who} invited you to a space`, body: space, url: spaceUrl };
    case 'speaker_invite':
      return { title: `${who} invited you to speak`, body: space, url: spaceUrl };
    case 'cohost_invite':
      return { title: `${who} invited you to co-host`, body: space, url: spaceUrl };
    case 'ticket_refunded':
      return { title: 'Your ticket was refunded', body: space, url: spaceUrl };
    default:
      return { title: 'Salon', body: 'You have a new notification.', url: ctx.publicUrl };
  }
}
