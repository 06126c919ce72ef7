import { useCallback, useState } from 'react';
import { type CaptionPreferences, loadPreferences, savePreferences } from './preferences';

/** The listener's caption preferences, saved in this browser at each change. */
export function useCaptionPreferences(): [
  CaptionPreferences,
  (patch: Partial<CaptionPreferences>) => void,
] {
  const [preferences, setPreferences] = useState(loadPreferences);
  const update = useCallback((patch: Partial<CaptionPreferences>) => {
    setPreferences((before) => {
      const next = { ...before, ...patch };
      savePreferences(next);
      return next;
    });
  }, []);
  return [preferences, update];
}
