import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../../components/Field';
import { useSession } from '../../session';
import { AccountPage } from './AccountPage';
import { validateSignIn } from './validate';

export { safeNext } from './AccountPage';

export function SignIn() {
  const { t } = useTranslation('auth');
  const { signIn } = useSession();
  const [handle, setHandle] = useState('');
  const [password, setPassword] = useState('');

  return (
    <AccountPage
      mode="signIn"
      check={() => validateSignIn({ handle, password })}
      send={() => signIn(handle.trim().replace(/^@/, ''), password)}
    >
      {(errors) => (
        // Like SignUp's fields in shape, not in what they say (autocomplete, hints): the form around them is shared.
        <>
          <Field
            label={t('fields.handle')}
            name="handle"
            autoComplete="username"
            value={handle}
            onChange={(e) => setHandle(e.target.value)}
            error={errors.handle}
          />
          <Field
            label={t('fields.password')}
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={errors.password}
          />
        </>
      )}
    </AccountPage>
  );
}
