/**
 * How a listener likes captions shown, kept in this browser. Read back
 * defensively: a stored value from an older version, or typed by hand, falls
 * back to the default field by field.
 */

export const TEXT_SIZES = ['small', 'medium', 'large', 'huge'] as const;
export const CONTRASTS = ['light-on-dark', 'dark-on-light', 'yellow-on-black'] as const;
export const POSITIONS = ['top', 'bottom'] as const;

export type TextSize = (typeof TEXT_SIZES)[number];
export type Contrast = (typeof CONTRASTS)[number];
export type Position = (typeof POSITIONS)[number];

export interface CaptionPreferences {
  shown: boolean;
  size: TextSize;
  contrast: Contrast;
  position: Position;
}

export const DEFAULT_PREFERENCES: CaptionPreferences = {
  shown: false,
  size: 'medium',
  contrast: 'light-on-dark',
  position: 'bottom',
};

export const STORAGE_KEY = 'salon.captions';

const oneOf = <T extends string>(options: readonly T[], value: unknown, fallback: T): T =>
  options.includes(value as T) ? (value as T) : fallback;

export function parsePreferences(text: string | null): CaptionPreferences {
  let raw: Record<string, unknown> = {};
  try {
    const parsed: unknown = text ? JSON.parse(text) : {};
    if (parsed && typeof parsed === 'object') raw = parsed as Record<string, unknown>;
  } catch {
    // Unreadable: the defaults.
  }
  const d = DEFAULT_PREFERENCES;
  return {
    shown: typeof raw.shown === 'boolean' ? raw.shown : d.shown,
    size: oneOf(TEXT_SIZES, raw.size, d.size),
    contrast: oneOf(CONTRASTS, raw.contrast, d.contrast),
    position: oneOf(POSITIONS, raw.position, d.position),
  };
}

/** One step bigger or smaller, stopping at the ends. */
export function stepSize(size: TextSize, by: 1 | -1): TextSize {
  const i = TEXT_SIZES.indexOf(size) + by;
  return TEXT_SIZES[Math.min(TEXT_SIZES.length - 1, Math.max(0, i))] as TextSize;
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function loadPreferences(): CaptionPreferences {
  return parsePreferences(storage()?.getItem(STORAGE_KEY) ?? null);
}

export function savePreferences(preferences: CaptionPreferences): void {
  try {
    storage()?.setItem(STORAGE_KEY, JSON.stringify(preferences));
  } catch {
    // Storage full or refused (private mode): the choice lasts for this page.
  }
}
