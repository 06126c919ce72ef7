/**
 * The volume you chose for each speaker, by user id: a gain from 0 (silent)
 * to 2 (twice as loud), 1 by default. Kept in the browser (localStorage), so
 * a speaker you turned down stays down in their next space too.
 *
 * Only the speakers set away from the default are stored: "everyone at the
 * default" is what lets the audio stay on the cheap mixed stream.
 */

export const DEFAULT_SPEAKER_VOLUME = 1;
export const MAX_SPEAKER_VOLUME = 2;

const KEY = 'salon.audio.speakers';
/** Enough for every speaker anyone listens to; the oldest settings go first past it. */
const MAX_REMEMBERED = 200;

export type SpeakerVolumeMap = Readonly<Record<string, number>>;

export function clampSpeakerVolume(volume: number): number {
  if (!Number.isFinite(volume)) return DEFAULT_SPEAKER_VOLUME;
  // Slider steps are whole percents: rounding keeps "back to 100 %" exactly the default.
  return Math.min(MAX_SPEAKER_VOLUME, Math.max(0, Math.round(volume * 100) / 100));
}

/** Whether any of these speakers is set away from the default (so the mix will not do). */
export function anyCustom(volumes: SpeakerVolumeMap, userIds: Iterable<string>): boolean {
  for (const id of userIds) {
    if ((volumes[id] ?? DEFAULT_SPEAKER_VOLUME) !== DEFAULT_SPEAKER_VOLUME) return true;
  }
  return false;
}

export class SpeakerVolumes {
  private map: SpeakerVolumeMap;

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null = null) {
    this.map = load(storage);
  }

  all(): SpeakerVolumeMap {
    return this.map;
  }

  get(userId: string): number {
    return this.map[userId] ?? DEFAULT_SPEAKER_VOLUME;
  }

  /** Sets one speaker's volume; returns the new map (unchanged object when nothing changed). */
  set(userId: string, volume: number): SpeakerVolumeMap {
    const v = clampSpeakerVolume(volume);
    if (this.get(userId) === v) return this.map;
    const next: Record<string, number> = { ...this.map };
    // Re-inserted last: the key order is the order of use, for trimming.
    delete next[userId];
    if (v !== DEFAULT_SPEAKER_VOLUME) next[userId] = v;
    const ids = Object.keys(next);
    for (const id of ids.slice(0, Math.max(0, ids.length - MAX_REMEMBERED))) delete next[id];
    this.map = next;
    this.save();
    return this.map;
  }

  /** Every one of these speakers back to the default. */
  reset(userIds: Iterable<string>): SpeakerVolumeMap {
    const next: Record<string, number> = { ...this.map };
    let changed = false;
    for (const id of userIds) {
      if (id in next) {
        delete next[id];
        changed = true;
      }
    }
    if (!changed) return this.map;
    this.map = next;
    this.save();
    return this.map;
  }

  private save(): void {
    try {
      this.storage?.setItem(KEY, JSON.stringify(this.map));
    } catch {
      // Not remembered (private mode, quota); still applied.
    }
  }
}

function load(storage: Pick<Storage, 'getItem'> | null): SpeakerVolumeMap {
  let raw: unknown;
  try {
    raw = JSON.parse(storage?.getItem(KEY) ?? '{}');
  } catch {
    return {};
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  const map: Record<string, number> = {};
  for (const [id, value] of Object.entries(raw)) {
    if (typeof value !== 'number') continue;
    const v = clampSpeakerVolume(value);
    if (v !== DEFAULT_SPEAKER_VOLUME) map[id] = v;
  }
  return map;
}
