import type { ReminderDto } from '@salon/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { useAction } from '../../components/useAsync';
import './spaces.css';

/**
 * "Remind me" on an upcoming space, with how many people set a reminder; the
 * count is the server's answer after each change. Signed out, only the count.
 */
export function ReminderButton({
  spaceId,
  title,
  initial,
  canSet,
}: {
  spaceId: string;
  title: string;
  initial: ReminderDto;
  /** Signed in and not the host: may set one. Otherwise only the count shows. */
  canSet: boolean;
}) {
  const { t } = useTranslation('spaces');
  const [state, setState] = useState(initial);
  const { busy, error, run } = useAction();

  const toggle = () => run(async () => setState(await api.setReminder(spaceId, !state.reminded)));

  const count = (
    <span className="muted reminder-count" data-testid="reminder-count">
      {t('reminder_count', { count: state.reminder_count })}
    </span>
  );
  if (!canSet) return <div className="reminder">{count}</div>;
  return (
    <div className="reminder">
      <button
        type="button"
        className={state.reminded ? undefined : 'primary'}
        aria-pressed={state.reminded}
        disabled={busy}
        onClick={toggle}
      >
        <span aria-hidden="true">{state.reminded ? '✓ ' : '🔔 '}</span>
        {state.reminded ? t('reminder_on') : t('reminder_set')}
        <span className="visually-hidden">
          {' '}
          {state.reminded ? t('reminder_on_for', { title }) : t('reminder_set_for', { title })}
        </span>
      </button>
      {count}
      <ErrorText error={error} />
    </div>
  );
}
