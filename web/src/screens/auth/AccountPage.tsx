import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { errorMessage } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import type { AccountErrors } from './validate';

/** Only paths of this app: a crafted `next` must not send people elsewhere. */
export function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/**
 * The sign-in and the sign-up page (one form, their fields as children):
 * the fields are checked first, then sent, and the person goes back where
 * they came from (`?next=`), which the link to the other page keeps.
 */
export function AccountPage({
  mode,
  check,
  send,
  children,
}: {
  mode: 'signIn' | 'signUp';
  check: () => AccountErrors;
  send: () => Promise<unknown>;
  children: (errors: AccountErrors) => ReactNode;
}) {
  const { t } = useTranslation('auth');
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [errors, setErrors] = useState<AccountErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = check();
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    setError(null);
    try {
      await send();
      navigate(next, { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const signIn = mode === 'signIn';
  const keepNext = next !== '/' ? `?next=${encodeURIComponent(next)}` : '';
  return (
    <main className="auth-page">
      <h1>{signIn ? t('signIn.title') : t('signUp.title')}</h1>
      {next !== '/' ? <p className="muted">{t('back')}</p> : null}
      <form onSubmit={submit} noValidate className="stack">
        {children(errors)}
        <ErrorText error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {signIn
            ? busy
              ? t('signIn.busy')
              : t('signIn.submit')
            : busy
              ? t('signUp.busy')
              : t('signUp.submit')}
        </button>
      </form>
      <p>
        {signIn ? t('signIn.new') : t('signUp.already')}{' '}
        <Link to={`${signIn ? '/signup' : '/signin'}${keepNext}`}>
          {signIn ? t('signIn.create') : t('signUp.signIn')}
        </Link>
      </p>
    </main>
  );
}
