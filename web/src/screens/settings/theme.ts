/**
 * The app's colour theme: Salon's dark look, a light one, or whatever the
 * system prefers. Kept in this browser and applied before the first render
 * (imported by main.tsx), so a light page never flashes dark.
 */
import { useCallback, useSyncExternalStore } from 'react';
import './theme.css';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
const STORAGE_KEY = 'salon.theme';
/** Salon was designed dark; a person who never chose keeps it. */
const DEFAULT_THEME: Theme = 'dark';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function storedTheme(): Theme {
  const value = storage()?.getItem(STORAGE_KEY);
  return (THEMES as readonly string[]).includes(value ?? '') ? (value as Theme) : DEFAULT_THEME;
}

/** `data-theme` on <html> drives the colours (theme.css); "system" leaves it to the media query. */
export function applyTheme(theme: Theme): void {
  if (typeof document === 'undefined') return;
  const root = document.documentElement;
  root.dataset.theme = theme;
  const light =
    theme === 'light' ||
    (theme === 'system' && window.matchMedia?.('(prefers-color-scheme: light)').matches);
  document
    .querySelector('meta[name="theme-color"]')
    ?.setAttribute('content', light ? '#f6f3fc' : '#1d1530');
}

const listeners = new Set<() => void>();

export function setTheme(theme: Theme): void {
  storage()?.setItem(STORAGE_KEY, theme);
  applyTheme(theme);
  for (const listener of listeners) listener();
}

export function useTheme(): [Theme, (theme: Theme) => void] {
  const theme = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    storedTheme,
    () => DEFAULT_THEME,
  );
  return [theme, useCallback((next: Theme) => setTheme(next), [])];
}

applyTheme(storedTheme());
// The browser bar's colour follows the system too while "system" is chosen (the page's does by CSS).
if (typeof window !== 'undefined') {
  window
    .matchMedia?.('(prefers-color-scheme: light)')
    .addEventListener?.('change', () => applyTheme(storedTheme()));
}
