import { ERROR_CODES, NOT_FOUND_SUBJECTS } from '@salon/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, errorMessage } from '../api';
import { errorText, i18n } from './index';
import en from './locales/en/errors.json';
import fr from './locales/fr/errors.json';

describe('server errors in the person’s language', () => {
  afterEach(async () => {
    await i18n.changeLanguage('en');
  });

  it('keeps the server’s own, more precise sentence in English', () => {
    expect(errorText({ code: 'handle_taken', message: 'The handle @ana is taken.' })).toBe(
      'The handle @ana is taken.',
    );
  });

  it('says a known code in French, and an unknown one in the server’s words', async () => {
    await i18n.changeLanguage('fr');
    expect(errorText({ code: 'handle_taken', message: 'The handle @ana is taken.' })).toBe(
      'Cet identifiant est déjà pris.',
    );
    expect(errorText({ code: 'no_such_code_here', message: 'As the server said.' })).toBe(
      'As the server said.',
    );
  });

  it('fills in the details the server sent', async () => {
    await i18n.changeLanguage('fr');
    const error = new ApiError(429, 'too_many_attempts', 'Too many… in 30 s.', {
      retry_after: 30,
    });
    expect(errorMessage(error)).toBe(
      'Trop de tentatives de connexion pour ce compte. Réessayez dans 30 s.',
    );
  });

  it('says which switch the hosts turned off, in the words of its checkbox', async () => {
    await i18n.changeLanguage('fr');
    const error = new ApiError(403, 'turned_off', 'The hosts are not taking requests…', {
      switch: 'speaker_requests',
    });
    expect(errorMessage(error)).toBe(
      'Les hôtes ne prennent pas de demandes de parole pour le moment ; ils peuvent vous inviter.',
    );
    // A switch this app has no words for: the code's own message.
    const unknown = new ApiError(403, 'turned_off', 'Off.', { switch: 'no_such_switch' });
    expect(errorMessage(unknown)).toBe('Les hôtes ont désactivé ceci dans ce space.');
  });

  it('translates why a password is weak, by the keys the server sends', async () => {
    await i18n.changeLanguage('fr');
    const error = new ApiError(400, 'weak_password', 'This password is too easy to guess. …', {
      reasons: ['A single word is easy to guess.', 'Some future advice.'],
      reason_keys: ['warning.wordByItself', 'suggestion.notKnownYet'],
    });
    expect(errorMessage(error)).toBe(
      'Ce mot de passe est trop facile à deviner. Un mot seul est facile à deviner. Some future advice.',
    );
  });

  it('says a network failure and an unknown failure in French', async () => {
    await i18n.changeLanguage('fr');
    expect(errorMessage(ApiError.network())).toBe(
      'Impossible de joindre le serveur. Vérifiez votre connexion.',
    );
    expect(errorMessage('?')).toBe('Un problème est survenu.');
  });

  it('has one message per error code of the protocol, in every language', () => {
    const codes = [...ERROR_CODES, ...NOT_FOUND_SUBJECTS.map((s) => `${s}_not_found`)];
    for (const [lang, messages] of [
      ['en', en],
      ['fr', fr],
    ] as const) {
      const missing = codes.filter(
        (code) => typeof (messages as Record<string, unknown>)[code] !== 'string',
      );
      expect(missing, lang).toEqual([]);
    }
  });
});
