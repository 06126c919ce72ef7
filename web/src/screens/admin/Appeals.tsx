import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ErrorText } from '../../components/ErrorText';
import { Loading } from '../../components/Spinner';
import { useAsync } from '../../components/useAsync';
import { ArchivePlayer } from './ArchivePlayer';
import { type AppealView, adminApi } from './adminApi';
import { DecisionForm } from './Decision';
import { Filter, Moment, PersonLine } from './parts';

type Status = AppealView['status'];

/** Appeals of upheld decisions: granting one overturns the decision. */
export function Appeals() {
  const { t } = useTranslation('admin');
  const [status, setStatus] = useState<Status>('pending');
  const list = useAsync(() => adminApi.appeals(status), [status]);
  const appeals = list.data?.data ?? [];
  return (
    <section aria-labelledby="appeals-title">
      <h2 id="appeals-title">{t('appeals.title')}</h2>
      <Filter
        label={t('appeals.filter')}
        value={status}
        onChange={setStatus}
        options={[
          { value: 'pending', label: t('appeals.status.pending') },
          { value: 'granted', label: t('appeals.status.granted') },
          { value: 'denied', label: t('appeals.status.denied') },
        ]}
      />
      {list.loading && !list.data ? <Loading /> : null}
      <ErrorText error={list.error} />
      {list.data && appeals.length === 0 ? (
        <p className="empty muted">{t(`appeals.empty.${status}`)}</p>
      ) : null}
      <ul className="admin-list">
        {appeals.map((appeal) => (
          <li key={appeal.id}>
            <AppealCard appeal={appeal} onChanged={list.reload} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function AppealCard({ appeal, onChanged }: { appeal: AppealView; onChanged: () => void }) {
  const { t } = useTranslation('admin');
  const report = appeal.report;
  const headingId = `appeal-${appeal.id}`;
  return (
    <article className="admin-card" aria-labelledby={headingId}>
      <header className="admin-card-head">
        <h3 id={headingId}>
          {t('appeals.heading', { name: appeal.person?.display_name ?? t('person.unknown') })}
        </h3>
        <span className="muted">
          {t('appeals.filed')} <Moment iso={appeal.created_at} />
        </span>
      </header>
      <dl className="admin-facts">
        <dt>{t('appeals.by')}</dt>
        <dd>
          <PersonLine person={appeal.person} />
        </dd>
        <dt>{t('appeals.text')}</dt>
        <dd>
          <blockquote className="admin-quote" dir="auto">
            {appeal.text}
          </blockquote>
        </dd>
        {report ? (
          <>
            <dt>{t('appeals.decision')}</dt>
            <dd>
              {t(`reason.${report.reason}`, { defaultValue: report.reason })}
              {report.decision_note ? (
                <>
                  {' · '}
                  <span dir="auto">{report.decision_note}</span>
                </>
              ) : null}
            </dd>
            {report.space ? (
              <>
                <dt>{t('reports.space')}</dt>
                <dd>
                  <Link to={`/spaces/${report.space.id}`} dir="auto">
                    {report.space.title}
                  </Link>
                </dd>
              </>
            ) : null}
          </>
        ) : null}
      </dl>
      {report?.space && report.archive ? (
        <ArchivePlayer
          spaceId={report.space.id}
          title={report.space.title}
          keptSince={report.archive.created_at}
        />
      ) : null}
      {appeal.status === 'pending' ? (
        <DecisionForm
          label={t('decision.reason')}
          hint={t('appeals.reasonHint')}
          choices={[
            { action: 'grant', label: t('appeals.grant') },
            { action: 'deny', label: t('appeals.deny') },
          ]}
          onDecide={async (action, note) => {
            await adminApi.decideAppeal(appeal.id, action, note);
            onChanged();
          }}
        />
      ) : (
        <p className="admin-outcome">
          <strong>{t(`appeals.state.${appeal.status}`)}</strong>
          {appeal.decided_at ? (
            <>
              {' · '}
              <Moment iso={appeal.decided_at} />
            </>
          ) : null}
          {appeal.decision_note ? (
            <>
              {' · '}
              <span dir="auto">{appeal.decision_note}</span>
            </>
          ) : null}
        </p>
      )}
    </article>
  );
}
