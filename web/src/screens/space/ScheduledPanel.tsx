import type { SpaceDto } from '@salon/protocol';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { Modal } from '../../components/Modal';
import { useAction, useAsync } from '../../components/useAsync';
import { formatWhen, toLocalInput } from '../spaces/format';
import { ReminderButton } from '../spaces/ReminderButton';
import { TicketingPanel } from '../tickets/TicketingEditor';
import type { SpaceActions } from './actions';
import { EditSpace } from './EditSpace';
import { type Me, may } from './roles';

/** How far ahead a space may be scheduled (the server's rule; it has the last word). */
const MAX_AHEAD_MS = 14 * 24 * 3600_000;

/**
 * A scheduled space before it starts: when, and how many set a reminder.
 * Everyone signed in but the host sets or removes their reminder; the host
 * edits, reschedules, cancels or starts it now, each control shown when the
 * policy's table (`may`) lets its command through (rescheduling is checked as
 * `start`). Changes come back through the space's realtime snapshot.
 */
export function ScheduledPanel({
  space,
  me,
  actions,
}: {
  space: SpaceDto;
  me: Me;
  actions: SpaceActions;
}) {
  const meId = me.userId;
  // Reminders and tickets are not space commands: the host's own (the server says not_host to others).
  const isHost = me.role === 'host';
  const tools = { start: may(me, 'start'), edit: may(me, 'edit'), cancel: may(me, 'cancel') };
  const { t, i18n } = useTranslation('schedule');
  const [dialog, setDialog] = useState<'edit' | 'reschedule' | 'cancel' | null>(null);
  const { busy, error, run } = useAction();
  const reminder = useAsync(() => api.reminder(space.id), [space.id, meId]);

  return (
    <section className="notice-box scheduled-panel" aria-labelledby="scheduled-title">
      <h2 id="scheduled-title" className="strong">
        {space.scheduled_start
          ? t('starts_at', { when: formatWhen(space.scheduled_start, i18n.language) })
          : t('starts_soon')}
      </h2>
      {reminder.data ? (
        <ReminderButton
          // A new answer (another person, a new space) starts the button over.
          key={`${space.id}:${meId}`}
          spaceId={space.id}
          title={space.title}
          initial={reminder.data}
          canSet={meId !== null && !isHost}
        />
      ) : null}
      {meId === null ? <p className="muted">{t('sign_in_to_remind')}</p> : null}
      {tools.start || tools.edit || tools.cancel ? (
        <fieldset className="plain row host-schedule">
          <legend className="visually-hidden">{t('host_tools')}</legend>
          {tools.start ? (
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => run(() => actions.start())}
            >
              {t('start_now')}
            </button>
          ) : null}
          {tools.edit ? (
            <button type="button" onClick={() => setDialog('edit')}>
              {t('edit')}
            </button>
          ) : null}
          {tools.start ? (
            <button type="button" onClick={() => setDialog('reschedule')}>
              {t('reschedule')}
            </button>
          ) : null}
          {tools.cancel ? (
            <button type="button" className="danger" onClick={() => setDialog('cancel')}>
              {t('cancel_space')}
            </button>
          ) : null}
        </fieldset>
      ) : null}
      {isHost ? <TicketingPanel space={space} /> : null}
      <ErrorText error={error} />
      {dialog === 'edit' ? (
        <EditSpace space={space} actions={actions} onClose={() => setDialog(null)} />
      ) : null}
      {dialog === 'reschedule' ? (
        <Reschedule
          space={space}
          busy={busy}
          onSubmit={async (iso) => {
            if (await run(() => api.reschedule(space.id, iso))) setDialog(null);
          }}
          onClose={() => setDialog(null)}
          error={error}
        />
      ) : null}
      {dialog === 'cancel' ? (
        <Modal title={t('cancel_title')} role="alertdialog" onClose={() => setDialog(null)}>
          <p>{t('cancel_body')}</p>
          <ErrorText error={error} />
          <div className="row">
            <button type="button" onClick={() => setDialog(null)}>
              {t('keep')}
            </button>
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={async () => {
                if (await run(() => api.cancelSpace(space.id))) setDialog(null);
              }}
            >
              {t('cancel_confirm')}
            </button>
          </div>
        </Modal>
      ) : null}
    </section>
  );
}

function Reschedule({
  space,
  busy,
  error,
  onSubmit,
  onClose,
}: {
  space: SpaceDto;
  busy: boolean;
  error: string | null;
  onSubmit: (iso: string) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation('schedule');
  const id = useId();
  const now = Date.now();
  const [value, setValue] = useState(
    toLocalInput(space.scheduled_start ? Date.parse(space.scheduled_start) : now + 3600_000),
  );
  const [problem, setProblem] = useState<string | null>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    // datetime-local is the person's wall time; Date reads it in their time zone.
    const at = new Date(value).getTime();
    if (Number.isNaN(at)) return setProblem(t('time_invalid'));
    if (at <= Date.now()) return setProblem(t('time_past'));
    if (at > Date.now() + MAX_AHEAD_MS) return setProblem(t('time_too_far'));
    setProblem(null);
    onSubmit(new Date(at).toISOString());
  }

  return (
    <Modal title={t('reschedule_title')} onClose={onClose}>
      <form className="stack" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={id}>{t('new_time')}</label>
          <input
            id={id}
            type="datetime-local"
            value={value}
            min={toLocalInput(now)}
            max={toLocalInput(now + MAX_AHEAD_MS)}
            aria-describedby={`${id}-hint`}
            onChange={(e) => setValue(e.target.value)}
          />
          <p className="hint" id={`${id}-hint`}>
            {t('reschedule_hint')}
          </p>
        </div>
        <ErrorText error={problem ?? error} />
        <div className="row">
          <button type="button" onClick={onClose}>
            {t('back')}
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {t('reschedule_save')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
