import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../../components/Field';
import { useSession } from '../../session';
import { AccountPage } from './AccountPage';
import { validateSignUp } from './validate';

export function SignUp() {
  const { t } = useTranslation('auth');
  const { signUp } = useSession();
  const [handle, setHandle] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');

  return (
    <AccountPage
      mode="signUp"
      check={() => validateSignUp({ handle, display_name: displayName, password })}
      send={() => signUp(handle, displayName.trim(), password)}
    >
      {(errors) => (
        <>
          {/* Like SignIn's fields in shape, not in what they say (a name, new-password, hints): the form around them is shared. */}
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
        </>
      )}
    </AccountPage>
  );
}
