import type { UserSummaryDto } from '@salon/protocol';
import { type FormEvent, useState } from 'react';
import { api, errorMessage } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { Modal } from '../../components/Modal';
import { REPORT_REASONS, type ReportReason } from '../../types';

const LABELS: Record<ReportReason, string> = {
  spam: 'Spam',
  abuse: 'Abuse or harassment',
  hate: 'Hateful conduct',
  violence: 'Violence',
  sexual: 'Sexual content',
  misinformation: 'Misinformation',
  impersonation: 'Impersonation',
  other: 'Something else',
};

/** Report the space, or one person in it, to the platform's moderators. */
export function ReportDialog({
  spaceId,
  user,
  onClose,
}: {
  spaceId: string;
  user: UserSummaryDto | null;
  onClose: () => void;
}) {
  const [reason, setReason] = useState<ReportReason | ''>('');
  const [details, setDetails] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!reason) return setError('Choose a reason.');
    setError(null);
    try {
      await api.report(spaceId, {
        reason,
        ...(details.trim() ? { details: details.trim() } : {}),
        ...(user ? { user_id: user.id } : {}),
      });
      setSent(true);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const title = user ? `Report ${user.display_name}` : 'Report this space';
  if (sent) {
    return (
      <Modal title={title} onClose={onClose}>
        <p role="status">Thanks. Moderators will review your report.</p>
        <button type="button" onClick={onClose}>
          Done
        </button>
      </Modal>
    );
  }
  return (
    <Modal title={title} onClose={onClose}>
      <form onSubmit={submit} className="stack" noValidate>
        <div className="field">
          <label htmlFor="report-reason">Reason</label>
          <select
            id="report-reason"
            value={reason}
            onChange={(e) => setReason(e.target.value as ReportReason)}
          >
            <option value="">Choose…</option>
            {REPORT_REASONS.map((r) => (
              <option key={r} value={r}>
                {LABELS[r]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="report-details">Details (optional)</label>
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
          Send report
        </button>
      </form>
    </Modal>
  );
}
