import { describe, expect, it } from 'vitest';
import { validateSignIn, validateSignUp } from './validate';

describe('account forms', () => {
  it('accepts a valid sign-up', () => {
    expect(validateSignUp({ handle: 'ada_1', display_name: 'Ada', password: '12345678' })).toEqual(
      {},
    );
  });

  it('explains each rule that sign-up input breaks', () => {
    const errors = validateSignUp({ handle: 'a-b', display_name: '  ', password: 'short' });
    expect(errors.handle).toMatch(/3–15 letters/);
    expect(errors.display_name).toMatch(/1–50/);
    expect(errors.password).toMatch(/at least 8/);
    expect(
      validateSignUp({ handle: 'x'.repeat(16), display_name: 'A', password: 'p'.repeat(8) }).handle,
    ).toBeTruthy();
  });

  it('asks for both fields to sign in', () => {
    expect(validateSignIn({ handle: '', password: '' })).toEqual({
      handle: 'Enter your handle.',
      password: 'Enter your password.',
    });
  });
});
