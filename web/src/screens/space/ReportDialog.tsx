import type { UserSummaryDto } from '@salon/protocol';
import { REPORT_REASONS, type ReportReason } from '@salon/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { Modal } from '../../components/Modal';

/** Something else of the space to report (a clip): how to send it, and the dialog's title. */
export interface ReportTarget {
  title: string;
  send: (input: { reason: ReportReason; details?: string }) => Promise<unknown>;
}

/** Report the space, one person in it, or a `target` such as a clip, to the platform's moderators. */
export function ReportDialog({
  spaceId,
  user,
  target,
  onClose,
}: {
  spaceId: string;
  user: UserSummaryDto | null;
  target?: ReportTarget;
  onClose: () => void;
}) {
  const { t } = useTranslation('space');
  const [reason, setReason] = useState<ReportReason | ''>('');
  const [details, setDetails] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!reason) return setError(t('reportDialog.chooseReason'));
    setError(null);
    try {
      const extra = details.trim() ? { details: details.trim() } : {};
      if (target) await target.send({ reason, ...extra });
      else await api.report(spaceId, { reason, ...extra, ...(user ? { user_id: user.id } : {}) });
      setSent(true);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const title = target
    ? target.title
    : user
      ? t('reportDialog.titleUser', { name: user.display_name })
      : t('reportDialog.titleSpace');
  if (sent) {
    return (
      <Modal title={title} onClose={onClose}>
        <p role="status">{t('reportDialog.thanks')}</p>
        <button type="button" onClick={onClose}>
          {t('reportDialog.done')}
        </button>
      </Modal>
    );
  }
  return (
    <Modal title={title} onClose={onClose}>
      <form onSubmit={submit} className="stack" noValidate>
        <div className="field">
          <label htmlFor="report-reason">{t('reportDialog.reason')}</label>
          <select
            id="report-reason"
            value={reason}
            onChange={(e) => setReason(e.target.value as ReportReason)}
          >
            <option value="">{t('reportDialog.choose')}</option>
            {REPORT_REASONS.map((r) => (
              <option key={r} value={r}>
                {t(`reportDialog.reasons.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          {/* A labelled textarea like other forms' (ClipRangePanel, ShareSheet) in shape only. */}
          <label htmlFor="report-details">{t('reportDialog.details')}</label>
          <textarea
            id="report-details"
            rows={3}
            maxLength={1000}
            value={details}
            onChange={(e) => setDetails(e.target.value)}
          />
        </div>
        <ErrorText error={error} />
        <button type="submit" className="danger">
          {t('reportDialog.send')}
        </button>
      </form>
    </Modal>
  );
}
