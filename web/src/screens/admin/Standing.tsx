import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { errorMessage } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { Loading } from '../../components/Spinner';
import { when } from '../../components/time';
import { useAsync } from '../../components/useAsync';
import { adminApi, type MyDecision } from './adminApi';
import { Moment } from './parts';

/**
 * /standing — decisions the moderators took about you, with their reason,
 * and an appeal for each upheld one within its 90 days.
 */
export function Standing() {
  const { t } = useTranslation('admin');
  const list = useAsync(() => adminApi.myDecisions(), []);
  const decisions = list.data?.data ?? [];
  return (
    <main className="page narrow" aria-labelledby="standing-title">
      <h1 id="standing-title">{t('standing.title')}</h1>
      <p className="muted">{t('standing.intro')}</p>
      {list.loading && !list.data ? <Loading /> : null}
      <ErrorText error={list.error} />
      {list.data && decisions.length === 0 ? (
        <p className="empty" role="status">
          {t('standing.none')}
        </p>
      ) : null}
      <ul className="stack">
        {decisions.map((d) => (
          <li key={d.id}>
            <DecisionCard decision={d} onChanged={list.reload} />
          </li>
        ))}
      </ul>
    </main>
  );
}

function DecisionCard({ decision, onChanged }: { decision: MyDecision; onChanged: () => void }) {
  const { t } = useTranslation('admin');
  const id = useId();
  const headingId = `decision-${decision.id}`;
  const [text, setText] = useState('');
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const open =
    !decision.appeal &&
    decision.status === 'upheld' &&
    Date.parse(decision.appeal_until) > Date.now();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!text.trim()) {
      setMissing(true);
      return;
    }
    setBusy(true);
    try {
      await adminApi.appeal(decision.id, text.trim());
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <article className="notice-box stack" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {t('standing.upheld', {
          reason: t(`reason.${decision.reason}`, { defaultValue: decision.reason }),
        })}
      </h2>
      {decision.space ? (
        <p>
          {t('standing.space')}{' '}
          <Link to={`/spaces/${decision.space.id}`} dir="auto">
            {decision.space.title}
          </Link>
        </p>
      ) : null}
      <p>
        <strong>{t('standing.reason')}</strong> <span dir="auto">{decision.decision_note}</span>
      </p>
      {decision.decided_at ? (
        <p className="muted">
          {t('standing.decided')} <Moment iso={decision.decided_at} />
        </p>
      ) : null}
      {decision.appeal ? (
        <p role="status">{t(`standing.appeal.${decision.appeal.status}`)}</p>
      ) : open ? (
        <form className="stack" onSubmit={submit} noValidate>
          <div className="field">
            <label htmlFor={id}>{t('standing.appealLabel')}</label>
            <textarea
              id={id}
              rows={4}
              maxLength={2000}
              dir="auto"
              value={text}
              aria-invalid={missing ? true : undefined}
              aria-describedby={`${id}-hint${missing ? ` ${id}-error` : ''}`}
              onChange={(e) => setText(e.target.value)}
            />
            <p className="hint" id={`${id}-hint`}>
              {t('standing.appealHint', { date: when(decision.appeal_until) })}
            </p>
            {missing ? (
              <p className="field-error" id={`${id}-error`}>
                {t('standing.appealMissing')}
              </p>
            ) : null}
          </div>
          <ErrorText error={error} />
          <button type="submit" className="primary" disabled={busy}>
            {t('standing.appealSend')}
          </button>
        </form>
      ) : decision.status === 'upheld' ? (
        <p className="muted">{t('standing.appealClosed')}</p>
      ) : null}
    </article>
  );
}
