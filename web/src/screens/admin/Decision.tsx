import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api';
import { ErrorText } from '../../components/ErrorText';

/**
 * A decision with its reason: the reason is required (the person concerned
 * reads it, and may appeal it), and each choice is its own button.
 */
export function DecisionForm<A extends string>({
  choices,
  onDecide,
  label,
  hint,
  required = true,
}: {
  choices: ReadonlyArray<{ action: A; label: string; danger?: boolean }>;
  onDecide: (action: A, note: string) => Promise<void>;
  label: string;
  hint: string;
  required?: boolean;
}) {
  const { id, note, setNote, missing, setMissing, error, setError, busy, setBusy } = useReason();

  async function decide(event: FormEvent, action: A) {
    event.preventDefault();
    if (required && !note.trim()) {
      setMissing(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onDecide(action, note.trim());
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <form className="decision stack" onSubmit={(e) => e.preventDefault()} noValidate>
      <ReasonNote
        id={id}
        label={label}
        hint={hint}
        rows={2}
        value={note}
        missing={missing}
        onValue={(value) => {
          setNote(value);
          if (value.trim()) setMissing(false);
        }}
      />
      <div className="row">
        {choices.map((c) => (
          <button
            key={c.action}
            type="submit"
            className={c.danger ? 'danger' : 'primary'}
            disabled={busy}
            onClick={(e) => void decide(e, c.action)}
          >
            {c.label}
          </button>
        ))}
      </div>
      <ErrorText error={error} />
    </form>
  );
}

/** A reasoned action's state: the note, whether a required one was left empty, the error, busy. */
export function useReason() {
  const id = useId();
  const [note, setNote] = useState('');
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return { id, note, setNote, missing, setMissing, error, setError, busy, setBusy };
}

/** A reason's text area, with its hint and the "reason missing" error tied to it. */
export function ReasonNote({
  id,
  label,
  hint,
  rows,
  value,
  missing,
  onValue,
}: {
  id: string;
  label: string;
  hint?: string;
  rows: number;
  value: string;
  missing: boolean;
  onValue: (value: string) => void;
}) {
  const { t } = useTranslation('admin');
  const described = [hint ? `${id}-hint` : '', missing ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={rows}
        maxLength={2000}
        value={value}
        dir="auto"
        aria-invalid={missing ? true : undefined}
        aria-describedby={described || undefined}
        onChange={(e) => onValue(e.target.value)}
      />
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {missing ? (
        <p className="field-error" id={`${id}-error`}>
          {t('decision.reasonMissing')}
        </p>
      ) : null}
    </div>
  );
}
