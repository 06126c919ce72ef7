import { i18n } from '../../i18n';

/** The server's rules for accounts, checked before sending so people learn them early. */
export interface AccountInput {
  handle: string;
  display_name: string;
  password: string;
}

export type AccountErrors = Partial<Record<keyof AccountInput, string>>;

const t = (key: string) => i18n.t(key, { ns: 'auth' });

export function validateSignUp(input: AccountInput): AccountErrors {
  const errors: AccountErrors = {};
  if (!/^[A-Za-z0-9_]{3,15}$/.test(input.handle)) errors.handle = t('rules.handle');
  const name = input.display_name.trim();
  if (name.length < 1 || [...name].length > 50) errors.display_name = t('rules.name');
  if (input.password.length < 8) errors.password = t('rules.passwordShort');
  else if (input.password.length > 200) errors.password = t('rules.passwordLong');
  return errors;
}

export function validateSignIn(input: Pick<AccountInput, 'handle' | 'password'>): AccountErrors {
  const errors: AccountErrors = {};
  if (!input.handle.trim()) errors.handle = t('rules.enterHandle');
  if (!input.password) errors.password = t('rules.enterPassword');
  return errors;
}
