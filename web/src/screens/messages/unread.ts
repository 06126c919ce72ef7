/**
 * The count of unread direct messages, for the Messages badge in the
 * navigation. One store for the whole app (both bars read it): it asks the
 * server when someone signs in, when the socket (re)opens, and whenever a message arrives live (a `dm`
 * notification on the personal channel), and an open conversation that marks
 * its messages read asks again. Asking instead of counting locally keeps it
 * right across tabs and after a missed message.
 */
import type { NotificationDto, UnreadCountDto } from '@salon/protocol';
import { useEffect, useSyncExternalStore } from 'react';
import { request } from '../../api';
import { useLive } from '../../live';
import { useSession } from '../../session';

class UnreadMessages {
  private count = 0;
  private round = 0;
  private readonly listeners = new Set<() => void>();

  readonly subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  readonly get = () => this.count;

  /** Asks the server; a late answer to an older question is dropped. */
  refresh(): void {
    const round = ++this.round;
    request<UnreadCountDto>('GET', '/dms/unread_count').then(
      ({ count }) => round === this.round && this.set(count),
      () => undefined,
    );
  }

  reset(): void {
    this.round += 1;
    this.set(0);
  }

  private set(count: number): void {
    if (count === this.count) return;
    this.count = count;
    for (const listener of this.listeners) listener();
  }
}

export const unreadMessages = new UnreadMessages();

/** The number for the badge; kept current while any component shows it. */
export function useUnreadMessages(): number {
  const { me } = useSession();
  const { onNotification, connection } = useLive();
  const userId = me?.id ?? null;
  useEffect(() => {
    if (!userId) {
      unreadMessages.reset();
      return;
    }
    unreadMessages.refresh();
    return onNotification((n: NotificationDto) => {
      if (n.kind === 'dm') unreadMessages.refresh();
    });
  }, [userId, onNotification]);
  // Asked again each time the socket opens: a message sent while it was still
  // connecting (just after a page load) or away came with no notification here.
  const open = connection === 'open';
  useEffect(() => {
    if (userId && open) unreadMessages.refresh();
  }, [userId, open]);
  return useSyncExternalStore(unreadMessages.subscribe, unreadMessages.get, () => 0);
}
