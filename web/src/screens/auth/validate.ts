/** The server's rules for accounts, checked before sending so people learn them early. */
export interface AccountInput {
  handle: string;
  display_name: string;
  password: string;
}

export type AccountErrors = Partial<Record<keyof AccountInput, string>>;

export function validateSignUp(input: AccountInput): AccountErrors {
  const errors: AccountErrors = {};
  if (!/^[A-Za-z0-9_]{3,15}$/.test(input.handle)) {
    errors.handle = 'A handle is 3–15 letters, digits or underscores.';
  }
  const name = input.display_name.trim();
  if (name.length < 1 || [...name].length > 50) {
    errors.display_name = 'Your name is 1–50 characters.';
  }
  if (input.password.length < 8) errors.password = 'Use at least 8 characters.';
  else if (input.password.length > 200) errors.password = 'Use at most 200 characters.';
  return errors;
}

export function validateSignIn(input: Pick<AccountInput, 'handle' | 'password'>): AccountErrors {
  const errors: AccountErrors = {};
  if (!input.handle.trim()) errors.handle = 'Enter your handle.';
  if (!input.password) errors.password = 'Enter your password.';
  return errors;
}
