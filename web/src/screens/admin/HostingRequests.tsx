import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../components/ErrorText';
import { Loading } from '../../components/Spinner';
import { count } from '../../components/time';
import { useAsync } from '../../components/useAsync';
import { adminApi, type HostingRequest } from './adminApi';
import { DecisionForm } from './Decision';
import { Filter, Moment, PersonLine } from './parts';

type Status = HostingRequest['status'];

/** People who asked to host before reaching the follower threshold (admins). */
export function HostingRequests() {
  const { t } = useTranslation('admin');
  const [status, setStatus] = useState<Status>('open');
  const list = useAsync(() => adminApi.hostingRequests(status), [status]);
  const requests = list.data?.data ?? [];
  return (
    <section aria-labelledby="hosting-title">
      <h2 id="hosting-title">{t('hosting.title')}</h2>
      <Filter
        label={t('hosting.filter')}
        value={status}
        onChange={setStatus}
        options={[
          { value: 'open', label: t('hosting.status.open') },
          { value: 'granted', label: t('hosting.status.granted') },
          { value: 'declined', label: t('hosting.status.declined') },
        ]}
      />
      {list.loading && !list.data ? <Loading /> : null}
      <ErrorText error={list.error} />
      {list.data && requests.length === 0 ? (
        <p className="empty muted">{t(`hosting.empty.${status}`)}</p>
      ) : null}
      <ul className="admin-list">
        {requests.map((r) => (
          <li key={r.id}>
            <article className="admin-card" aria-labelledby={`hosting-${r.id}`}>
              <header className="admin-card-head">
                <h3 id={`hosting-${r.id}`}>
                  {t('hosting.heading', { name: r.person.display_name })}
                </h3>
                <span className="muted">
                  {t('hosting.filed')} <Moment iso={r.created_at} />
                </span>
              </header>
              <PersonLine person={r.person} />
              <p className="muted">
                {t('people.followers', {
                  count: r.person.followers_count,
                  formatted: count(r.person.followers_count),
                })}
              </p>
              {r.message ? (
                <blockquote className="admin-quote" dir="auto">
                  {r.message}
                </blockquote>
              ) : (
                <p className="muted">{t('hosting.noMessage')}</p>
              )}
              {r.status === 'open' ? (
                <DecisionForm
                  required={false}
                  label={t('hosting.note')}
                  hint={t('hosting.noteHint')}
                  choices={[
                    { action: 'grant', label: t('hosting.grant') },
                    { action: 'decline', label: t('hosting.decline'), danger: true },
                  ]}
                  onDecide={async (action, note) => {
                    await adminApi.decideHosting(r.id, action, note);
                    list.reload();
                  }}
                />
              ) : (
                <p className="admin-outcome">
                  <strong>{t(`hosting.status.${r.status}`)}</strong>
                  {r.decided_at ? (
                    <>
                      {' · '}
                      <Moment iso={r.decided_at} />
                    </>
                  ) : null}
                  {r.decision_note ? (
                    <>
                      {' · '}
                      <span dir="auto">{r.decision_note}</span>
                    </>
                  ) : null}
                </p>
              )}
            </article>
          </li>
        ))}
      </ul>
    </section>
  );
}
