import type { NotificationDto } from '@salon/protocol';
import { useEffect } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api';
import { Avatar } from '../../components/Avatar';
import { ErrorText } from '../../components/ErrorText';
import { Loading } from '../../components/Spinner';
import { ago } from '../../components/time';
import { useAsync } from '../../components/useAsync';
import { useLive } from '../../live';

/** What a notification says, and where it leads. */
export function describe(n: NotificationDto): { text: string; to: string | null } {
  const who = n.actor?.display_name ?? 'Someone';
  const space = n.space_id ? `/spaces/${n.space_id}` : null;
  switch (n.kind) {
    case 'follow':
      return { text: `${who} followed you`, to: n.actor ? `/u/${n.actor.handle}` : null };
    case 'dm':
      return { text: `${who} sent you a message`, to: n.actor ? `/messages/${n.actor.id}` : null };
    case 'space_started':
      return { text: `${who} started a space`, to: space };
    case 'space_reminder':
      return { text: 'A space you are waiting for is starting', to: space };
    case 'space_invite':
      return { text: `${who} invited you to a space`, to: space };
    case 'speaker_invite':
      return { text: `${who} invited you to speak`, to: space };
    case 'cohost_invite':
      return { text: `${who} invited you to co-host`, to: space };
    default:
      return { text: `${who}: ${n.kind.replace(/_/g, ' ')}`, to: space };
  }
}

export function Notifications() {
  const live = useLive();
  const list = useAsync(() => api.notifications(), []);
  const { setData, data } = list;

  // New ones arrive live; opening the page reads them all.
  useEffect(
    () =>
      live.onNotification((n) => {
        if (data) setData({ ...data, data: [n, ...data.data] });
      }),
    [live, data, setData],
  );
  const { setUnread } = live;
  useEffect(() => {
    api.markAllRead().then(
      () => setUnread(0),
      () => undefined,
    );
  }, [setUnread]);

  return (
    <main className="page">
      <h1>Notifications</h1>
      {list.loading && !data ? <Loading /> : null}
      <ErrorText error={list.error} />
      {data?.data.length === 0 ? <p className="muted">Nothing yet.</p> : null}
      <ul className="notifications">
        {data?.data.map((n) => {
          const { text, to } = describe(n);
          const body = (
            <>
              {n.actor ? <Avatar user={n.actor} size="sm" /> : null}
              <span className="grow">{text}</span>
              <time className="muted" dateTime={n.created_at}>
                {ago(n.created_at)}
              </time>
            </>
          );
          return (
            <li key={n.id} className={n.read ? 'notification' : 'notification unread'}>
              {to ? (
                <Link to={to} className="notification-link">
                  {body}
                </Link>
              ) : (
                <div className="notification-link">{body}</div>
              )}
            </li>
          );
        })}
      </ul>
    </main>
  );
}
