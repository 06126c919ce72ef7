import { ALL_NOTIFICATION_KINDS, type NotificationDto } from '@salon/protocol';
import type { TFunction } from 'i18next';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api';
import { Avatar } from '../../components/Avatar';
import { ErrorText } from '../../components/ErrorText';
import { Loading } from '../../components/Spinner';
import { ago } from '../../components/time';
import { useAsync } from '../../components/useAsync';
import { useLive } from '../../live';

const KINDS = new Set<string>(ALL_NOTIFICATION_KINDS);

/** What a notification says, and where it leads. */
export function describe(n: NotificationDto, t: TFunction): { text: string; to: string | null } {
  const who = n.actor?.display_name ?? t('someone');
  const space = n.space_id ? `/spaces/${n.space_id}` : null;
  const text = KINDS.has(n.kind)
    ? t(`kinds.${n.kind}`, { who })
    : t('kinds.other', { who, kind: n.kind.replace(/_/g, ' ') });
  switch (n.kind) {
    case 'follow':
      return { text, to: n.actor ? `/u/${n.actor.handle}` : null };
    case 'dm':
      return { text, to: n.actor ? `/messages/${n.actor.id}` : null };
    // Staff answers: where to act on them (host now, or read the decision and appeal).
    case 'hosting_granted':
    case 'hosting_declined':
      return { text, to: '/create' };
    case 'report_upheld':
    case 'appeal_granted':
    case 'appeal_denied':
      return { text, to: '/standing' };
    default:
      return { text, to: space };
  }
}

export function Notifications() {
  const { t } = useTranslation('notifications');
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
      <h1>{t('title')}</h1>
      {list.loading && !data ? <Loading /> : null}
      <ErrorText error={list.error} />
      {data?.data.length === 0 ? <p className="muted">{t('none')}</p> : null}
      <ul className="notifications">
        {data?.data.map((n) => {
          const { text, to } = describe(n, t);
          const body = (
            <>
              {n.actor ? <Avatar user={n.actor} size="sm" /> : null}
              <span className="grow" dir="auto">
                {text}
              </span>
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
      <p className="muted">
        <Link to="/settings#notifications">{t('settings')}</Link>
      </p>
    </main>
  );
}
