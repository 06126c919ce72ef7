import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PREFERENCES,
  loadPreferences,
  parsePreferences,
  STORAGE_KEY,
  savePreferences,
  stepSize,
  TEXT_SIZES,
} from './preferences';

describe('caption preferences', () => {
  it('reads back what was saved', () => {
    const chosen = {
      shown: true,
      size: 'huge',
      contrast: 'yellow-on-black',
      position: 'top',
    } as const;
    savePreferences(chosen);
    expect(loadPreferences()).toEqual(chosen);
    localStorage.removeItem(STORAGE_KEY);
    expect(loadPreferences()).toEqual(DEFAULT_PREFERENCES);
  });

  it('falls back field by field on what it cannot read', () => {
    expect(parsePreferences('not json')).toEqual(DEFAULT_PREFERENCES);
    expect(parsePreferences('[1]').size).toBe(DEFAULT_PREFERENCES.size);
    expect(parsePreferences('{"shown":true,"size":"gigantic","contrast":"dark-on-light"}')).toEqual(
      {
        ...DEFAULT_PREFERENCES,
        shown: true,
        contrast: 'dark-on-light',
      },
    );
  });

  it('has at least three text sizes and steps through them, stopping at the ends', () => {
    expect(TEXT_SIZES.length).toBeGreaterThanOrEqual(3);
    expect(stepSize('small', -1)).toBe('small');
    expect(stepSize('small', 1)).toBe('medium');
    expect(stepSize('huge', 1)).toBe('huge');
  });
});
