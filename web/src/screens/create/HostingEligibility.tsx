import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { count, relative } from '../../components/time';
import { adminApi, type Eligibility } from '../admin/adminApi';
import './create.css';

/**
 * Said before the form is filled: you may not host yet, how far you are from
 * the follower threshold, and a request to the admins (one at a time) that
 * they answer in their console; the answer comes as a notification.
 */
export function HostingEligibility({
  eligibility,
  onChanged,
}: {
  eligibility: Eligibility;
  onChanged: (next: Eligibility) => void;
}) {
  const { t } = useTranslation('create');
  const id = useId();
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { followers_count: have, min_followers: need, request } = eligibility;
  const open = request?.status === 'open';

  async function ask(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const filed = await adminApi.askToHost(message.trim());
      onChanged({ ...eligibility, request: filed });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="notice-box stack eligibility" aria-labelledby="eligibility-title">
      <h2 id="eligibility-title">{t('eligibility.title')}</h2>
      <p>
        {t('eligibility.needs', { count: need, formatted: count(need) })}{' '}
        {t('eligibility.have', { count: have, formatted: count(have) })}
      </p>
      <div className="eligibility-meter">
        <label htmlFor={`${id}-meter`}>{t('eligibility.progress')}</label>
        <meter id={`${id}-meter`} min={0} max={Math.max(need, 1)} value={Math.min(have, need)}>
          {t('eligibility.progressValue', { have: count(have), need: count(need) })}
        </meter>
      </div>
      <p>{t('eligibility.whatToDo')}</p>
      {open ? (
        <p role="status" className="strong">
          {t('eligibility.waiting', { when: relative(request.created_at) })}
        </p>
      ) : (
        <>
          {request?.status === 'declined' ? (
            <p role="status">
              {request.decision_note
                ? t('eligibility.declinedWithNote', { note: request.decision_note })
                : t('eligibility.declined')}
            </p>
          ) : null}
          <form className="stack" onSubmit={ask} noValidate>
            <div className="field">
              <label htmlFor={`${id}-message`}>{t('eligibility.message')}</label>
              <textarea
                id={`${id}-message`}
                rows={3}
                maxLength={500}
                dir="auto"
                value={message}
                aria-describedby={`${id}-message-hint`}
                onChange={(e) => setMessage(e.target.value)}
              />
              <p className="hint" id={`${id}-message-hint`}>
                {t('eligibility.messageHint')}
              </p>
            </div>
            <ErrorText error={error} />
            <button type="submit" className="primary" disabled={busy}>
              {t('eligibility.ask')}
            </button>
          </form>
        </>
      )}
    </section>
  );
}
