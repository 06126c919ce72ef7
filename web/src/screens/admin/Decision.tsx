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
  const { t } = useTranslation('admin');
  const id = useId();
  const [note, setNote] = useState('');
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

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
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <textarea
          id={id}
          rows={2}
          maxLength={2000}
          value={note}
          dir="auto"
          aria-invalid={missing ? true : undefined}
          aria-describedby={`${id}-hint${missing ? ` ${id}-error` : ''}`}
          onChange={(e) => {
            setNote(e.target.value);
            if (e.target.value.trim()) setMissing(false);
          }}
        />
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
        {missing ? (
          <p className="field-error" id={`${id}-error`}>
            {t('decision.reasonMissing')}
          </p>
        ) : null}
      </div>
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
