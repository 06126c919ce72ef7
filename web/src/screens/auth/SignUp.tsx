import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { errorMessage } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { Field } from '../../components/Field';
import { useSession } from '../../session';
import { safeNext } from './SignIn';
import { type AccountErrors, validateSignUp } from './validate';

export function SignUp() {
  const { t } = useTranslation('auth');
  const { signUp } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [handle, setHandle] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<AccountErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = validateSignUp({ handle, display_name: displayName, password });
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    setError(null);
    try {
      await signUp(handle, displayName.trim(), password);
      navigate(next, { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="auth-page">
      <h1>{t('signUp.title')}</h1>
      {next !== '/' ? <p className="muted">{t('back')}</p> : null}
      <form onSubmit={submit} noValidate className="stack">
        <Field
          label={t('fields.handle')}
          name="handle"
          autoComplete="username"
          hint={t('fields.handleHint')}
          value={handle}
          onChange={(e) => setHandle(e.target.value)}
          error={errors.handle}
        />
        <Field
          label={t('fields.name')}
          name="display_name"
          autoComplete="name"
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
          error={errors.display_name}
        />
        <Field
          label={t('fields.password')}
          name="password"
          type="password"
          autoComplete="new-password"
          hint={t('fields.passwordHint')}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
        />
        <ErrorText error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('signUp.busy') : t('signUp.submit')}
        </button>
      </form>
      <p>
        {t('signUp.already')}{' '}
        <Link to={`/signin${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>
          {t('signUp.signIn')}
        </Link>
      </p>
    </main>
  );
}
