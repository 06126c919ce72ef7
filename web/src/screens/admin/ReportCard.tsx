import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { errorMessage } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { Modal } from '../../components/Modal';
import { ArchivePlayer } from './ArchivePlayer';
import { adminApi, type Report } from './adminApi';
import { DecisionForm, ReasonNote, useReason } from './Decision';
import { Moment, PersonLine, SuspensionButton } from './parts';
import { ReportTranscript } from './ReportTranscript';

/** One report: what was reported and by whom, the audio and transcript kept, and what to do about it. */
export function ReportCard({ report, onChanged }: { report: Report; onChanged: () => void }) {
  const { t } = useTranslation('admin');
  const headingId = `report-${report.id}`;
  const space = report.space;
  return (
    <article className="admin-card" aria-labelledby={headingId}>
      <header className="admin-card-head">
        <h3 id={headingId}>
          {t(`reason.${report.reason}`, { defaultValue: report.reason })}
          {space ? (
            <>
              {' · '}
              <span dir="auto">{space.title}</span>
            </>
          ) : null}
        </h3>
        <span className="muted">
          {t('reports.filed')} <Moment iso={report.created_at} />
        </span>
      </header>
      {report.details ? (
        <blockquote className="admin-quote" dir="auto">
          {report.details}
        </blockquote>
      ) : null}
      <dl className="admin-facts">
        <dt>{t('reports.about')}</dt>
        <dd>
          <PersonLine person={report.subject} />
        </dd>
        <dt>{t('reports.by')}</dt>
        <dd>
          <PersonLine person={report.reporter} />
        </dd>
        {space ? (
          <>
            <dt>{t('reports.space')}</dt>
            <dd>
              <Link to={`/spaces/${space.id}`} dir="auto">
                {space.title}
              </Link>{' '}
              <span className={`badge ${space.state === 'live' ? 'badge-live' : 'badge-ended'}`}>
                {t(`spaceState.${space.state}`, { defaultValue: space.state })}
              </span>
            </dd>
          </>
        ) : null}
      </dl>
      {space ? (
        <div className="report-media">
          {report.archive ? (
            <ArchivePlayer
              spaceId={space.id}
              title={space.title}
              keptSince={report.archive.created_at}
            />
          ) : (
            <p className="muted">{t('archive.none')}</p>
          )}
          {report.transcript ? (
            <ReportTranscript
              spaceId={space.id}
              title={space.title}
              summary={report.transcript}
              people={[space.host, report.subject, report.reporter]}
            />
          ) : (
            <p className="muted">{t('transcript.none')}</p>
          )}
        </div>
      ) : null}
      <div className="row admin-actions">
        {space?.state === 'live' ? (
          <EndSpaceButton spaceId={space.id} title={space.title} onDone={onChanged} />
        ) : null}
        {report.subject ? <SuspensionButton person={report.subject} onChanged={onChanged} /> : null}
      </div>
      {report.status === 'open' ? (
        <DecisionForm
          label={t('decision.reason')}
          hint={t('decision.reasonHint')}
          choices={[
            { action: 'uphold', label: t('reports.uphold') },
            { action: 'dismiss', label: t('reports.dismiss') },
          ]}
          onDecide={async (action, note) => {
            await adminApi.decideReport(report.id, action, note);
            onChanged();
          }}
        />
      ) : (
        <p className="admin-outcome">
          <strong>{t(`reports.status.${report.status}`)}</strong>
          {report.decided_at ? (
            <>
              {' · '}
              <Moment iso={report.decided_at} />
            </>
          ) : null}
          {report.decision_note ? (
            <>
              {' · '}
              <span dir="auto">{report.decision_note}</span>
            </>
          ) : null}
          {report.appeal ? (
            <>
              {' · '}
              {t(`appeals.state.${report.appeal.status}`)}
            </>
          ) : null}
        </p>
      )}
    </article>
  );
}

/** Ends a live space for a violation, after saying so, with the reason logged. */
function EndSpaceButton({
  spaceId,
  title,
  onDone,
}: {
  spaceId: string;
  title: string;
  onDone: () => void;
}) {
  const { t } = useTranslation('admin');
  const [open, setOpen] = useState(false);
  const { id, note, setNote, missing, setMissing, error, setError, busy, setBusy } = useReason();
  const end = () => {
    if (!note.trim()) {
      setMissing(true);
      return;
    }
    setBusy(true);
    adminApi.endSpace(spaceId, note.trim()).then(
      () => {
        setOpen(false);
        onDone();
      },
      (err: unknown) => {
        setError(errorMessage(err));
        setBusy(false);
      },
    );
  };
  return (
    <>
      <button type="button" className="danger" onClick={() => setOpen(true)}>
        {t('endSpace.open')}
      </button>
      {open ? (
        <Modal title={t('endSpace.title')} onClose={() => setOpen(false)} role="alertdialog">
          <div className="stack">
            <p>{t('endSpace.explain', { title })}</p>
            <ReasonNote
              id={id}
              label={t('endSpace.reason')}
              rows={2}
              value={note}
              missing={missing}
              onValue={setNote}
            />
            <ErrorText error={error} />
            <div className="row">
              <button type="button" className="danger" onClick={end} disabled={busy}>
                {t('endSpace.confirm')}
              </button>
              <button type="button" onClick={() => setOpen(false)}>
                {t('cancel')}
              </button>
            </div>
          </div>
        </Modal>
      ) : null}
    </>
  );
}
