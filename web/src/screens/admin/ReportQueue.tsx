import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../components/ErrorText';
import { Loading } from '../../components/Spinner';
import { useAsync } from '../../components/useAsync';
import { adminApi, type ReportStatus } from './adminApi';
import { Filter } from './parts';
import { ReportCard } from './ReportCard';

/** The report queue: open reports oldest first, and the decided ones to look back at. */
export function ReportQueue() {
  const { t } = useTranslation('admin');
  const [status, setStatus] = useState<ReportStatus>('open');
  const list = useAsync(() => adminApi.reports(status), [status]);
  const reports = list.data?.data ?? [];
  return (
    <section aria-labelledby="reports-title">
      <h2 id="reports-title">{t('reports.title')}</h2>
      <Filter
        label={t('reports.filter')}
        value={status}
        onChange={setStatus}
        options={[
          { value: 'open', label: t('reports.status.open') },
          { value: 'upheld', label: t('reports.status.upheld') },
          { value: 'dismissed', label: t('reports.status.dismissed') },
        ]}
      />
      {list.loading && !list.data ? <Loading /> : null}
      <ErrorText error={list.error} />
      {list.data && reports.length === 0 ? (
        <p className="empty muted">{t(`reports.empty.${status}`)}</p>
      ) : null}
      <ul className="admin-list">
        {reports.map((report) => (
          <li key={report.id}>
            <ReportCard report={report} onChanged={list.reload} />
          </li>
        ))}
      </ul>
    </section>
  );
}
