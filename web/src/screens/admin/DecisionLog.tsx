import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../components/ErrorText';
import { Loading } from '../../components/Spinner';
import { useAsync } from '../../components/useAsync';
import { adminApi, type LogEntry } from './adminApi';
import { Moment, PersonLine } from './parts';

const KNOWN = new Set([
  'report_upheld',
  'report_dismissed',
  'appeal_filed',
  'appeal_granted',
  'appeal_denied',
  'user_suspended',
  'user_unsuspended',
  'role_changed',
  'hosting_granted',
  'hosting_withdrawn',
  'hosting_request_granted',
  'hosting_request_declined',
  'archive_purged',
  'space_ended',
]);

/** Every decision, newest first, with who took it, when, about whom and why. */
export function DecisionLog() {
  const { t } = useTranslation('admin');
  const log = useAsync(() => adminApi.log(), []);
  const entries = log.data?.data ?? [];
  return (
    <section aria-labelledby="log-title">
      <h2 id="log-title">{t('log.title')}</h2>
      {log.loading && !log.data ? <Loading /> : null}
      <ErrorText error={log.error} />
      {log.data && entries.length === 0 ? <p className="empty muted">{t('log.empty')}</p> : null}
      <ol className="admin-log">
        {entries.map((entry) => (
          <li key={entry.id} data-action={entry.action}>
            <p className="admin-log-line">
              <Moment iso={entry.created_at} />
              {' · '}
              {entry.actor ? <PersonLine person={entry.actor} /> : <span>{t('log.platform')}</span>}
              <strong>{action(t, entry)}</strong>
              {entry.person && entry.person.id !== entry.actor?.id ? (
                <PersonLine person={entry.person} />
              ) : null}
            </p>
            {entry.note && entry.action !== 'archive_purged' && entry.action !== 'role_changed' ? (
              <p className="admin-log-note" dir="auto">
                {entry.note}
              </p>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

function action(t: (key: string, options?: Record<string, unknown>) => string, entry: LogEntry) {
  if (!KNOWN.has(entry.action)) return entry.action.replace(/_/g, ' ');
  if (entry.action === 'role_changed')
    return t('log.action.role_changed', {
      role: t(`role.${entry.note}`, { defaultValue: entry.note }),
    });
  return t(`log.action.${entry.action}`);
}
