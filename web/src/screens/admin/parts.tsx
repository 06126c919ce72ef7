import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { errorMessage } from '../../api';
import { Avatar } from '../../components/Avatar';
import { ErrorText } from '../../components/ErrorText';
import { Modal } from '../../components/Modal';
import { relative, when } from '../../components/time';
import { adminApi, type Person } from './adminApi';
import { ReasonNote, useReason } from './Decision';

/** A person as the console names them: picture, name, handle (to their profile), standing. */
export function PersonLine({ person }: { person: Person | null }) {
  const { t } = useTranslation('admin');
  if (!person) return <span className="muted">{t('person.unknown')}</span>;
  return (
    <span className="person-line">
      <Avatar user={person} size="sm" />
      <Link to={`/u/${person.handle}`} className="person-name">
        <span dir="auto">{person.display_name}</span>{' '}
        <span className="muted">@{person.handle}</span>
      </Link>
      {person.suspended ? (
        <span className="badge badge-suspended">{t('person.suspended')}</span>
      ) : null}
    </span>
  );
}

/** "3 minutes ago", with the exact moment on hover and for machines. */
export function Moment({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={when(iso)}>
      {relative(iso)}
    </time>
  );
}

/** Suspends with a reason, after saying what a suspension does. */
export function SuspendDialog({
  person,
  onClose,
  onDone,
}: {
  person: Person;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation('admin');
  const { id, note, setNote, missing, setMissing, error, setError, busy, setBusy } = useReason();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!note.trim()) {
      setMissing(true);
      return;
    }
    setBusy(true);
    try {
      await adminApi.suspend(person.id, note.trim());
      onDone();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <Modal title={t('suspend.title', { name: person.display_name })} onClose={onClose}>
      <form className="stack" onSubmit={submit} noValidate>
        <p>{t('suspend.explain')}</p>
        <ReasonNote
          id={id}
          label={t('suspend.reason')}
          rows={3}
          value={note}
          missing={missing}
          onValue={setNote}
        />
        <ErrorText error={error} />
        {/* Confirm and cancel, as every dialog's choice (JoinWarning's too): the words are this one's. */}
        <div className="row">
          <button type="submit" className="danger" disabled={busy}>
            {t('suspend.confirm')}
          </button>
          <button type="button" onClick={onClose}>
            {t('cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Suspend or lift a suspension, from wherever the console shows a person. */
export function SuspensionButton({ person, onChanged }: { person: Person; onChanged: () => void }) {
  const { t } = useTranslation('admin');
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (person.suspended) {
    return (
      <>
        <button
          type="button"
          onClick={() =>
            adminApi
              .unsuspend(person.id)
              .then(onChanged, (err: unknown) => setError(errorMessage(err)))
          }
        >
          {t('suspend.lift', { name: person.display_name })}
        </button>
        <ErrorText error={error} />
      </>
    );
  }
  return (
    <>
      <button type="button" className="danger" onClick={() => setOpen(true)}>
        {t('suspend.open', { name: person.display_name })}
      </button>
      {open ? (
        <SuspendDialog
          person={person}
          onClose={() => setOpen(false)}
          onDone={() => {
            setOpen(false);
            onChanged();
          }}
        />
      ) : null}
    </>
  );
}

/** A row of filter buttons, one pressed. */
export function Filter<V extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: V;
  options: ReadonlyArray<{ value: V; label: string }>;
  onChange: (value: V) => void;
}) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a group of toggle buttons, not a form fieldset
    <div className="row admin-filter" role="group" aria-label={label}>
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          aria-pressed={o.value === value}
          onClick={() => onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
