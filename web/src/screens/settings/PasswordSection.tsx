import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../components/ErrorText';
import { Field } from '../../components/Field';
import { explain, settingsApi } from './api';
import { SettingsSection } from './SettingsSection';

/** Change the password: the current one, the new one twice, and whether to sign out the rest. */
export function PasswordSection() {
  const { t } = useTranslation('settings');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [signOutOthers, setSignOutOthers] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setDone(null);
    if (next.length < 8) return setError(t('password.too_short'));
    if (next !== confirm) return setError(t('password.mismatch'));
    setBusy(true);
    try {
      const { signed_out } = await settingsApi.changePassword({
        current_password: current,
        new_password: next,
        sign_out_others: signOutOthers,
      });
      setCurrent('');
      setNext('');
      setConfirm('');
      setDone(
        signOutOthers
          ? t('password.changed_signed_out', { count: signed_out })
          : t('password.changed'),
      );
    } catch (err) {
      setError(explain(err, t('password.failed')));
    } finally {
      setBusy(false);
    }
  }

  return (
    <SettingsSection title={t('password.title')} id="password">
      <form onSubmit={submit} className="stack settings-form" noValidate>
        {/* Three password Fields: alike in shape, each with its own autocomplete, hint and limits. */}
        <Field
          label={t('password.current')}
          type="password"
          autoComplete="current-password"
          value={current}
          required
          onChange={(e) => setCurrent(e.target.value)}
        />
        <Field
          label={t('password.new')}
          hint={t('password.hint')}
          type="password"
          autoComplete="new-password"
          value={next}
          required
          minLength={8}
          maxLength={200}
          onChange={(e) => setNext(e.target.value)}
        />
        <Field
          label={t('password.confirm')}
          type="password"
          autoComplete="new-password"
          value={confirm}
          required
          onChange={(e) => setConfirm(e.target.value)}
        />
        <label className="check">
          <input
            type="checkbox"
            checked={signOutOthers}
            onChange={(e) => setSignOutOthers(e.target.checked)}
          />
          {t('password.sign_out_others')}
        </label>
        <div>
          <button type="submit" className="primary" disabled={busy || !current || !next}>
            {t('password.submit')}
          </button>
        </div>
        <ErrorText error={error} />
        {done ? (
          <p className="settings-ok" role="status">
            {done}
          </p>
        ) : null}
      </form>
    </SettingsSection>
  );
}
