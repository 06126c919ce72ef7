/**
 * Audio options a URL can set, kept for the tab (sessionStorage) so they
 * survive navigation inside the app and reloads:
 * - `?mic=raw` turns the browser's voice processing (echo cancellation,
 *   noise suppression, automatic gain) off: for music, and for tone tests,
 *   where it pulls a steady tone down by ~20 dB;
 * - `?tier=hls` (or `webrtc`) asks for that listening tier;
 * - `?audio_probe=1` exposes a WebAudio analyser of what the page plays as
 *   `window.__salonAudioProbe`, for browser tests.
 */
export type TierChoice = 'auto' | 'webrtc' | 'hls';

export interface AudioFlags {
  /** Voice processing on the microphone (on for people, off for tones). */
  voiceProcessing: boolean;
  tier: TierChoice;
  probe: boolean;
}

const KEY = 'salon.audio.flags';

export const DEFAULT_FLAGS: AudioFlags = { voiceProcessing: true, tier: 'auto', probe: false };

export function parseAudioFlags(search: string, saved: Partial<AudioFlags> = {}): AudioFlags {
  const params = new URLSearchParams(search);
  const flags: AudioFlags = { ...DEFAULT_FLAGS, ...saved };
  const mic = params.get('mic');
  if (mic === 'raw') flags.voiceProcessing = false;
  if (mic === 'voice') flags.voiceProcessing = true;
  const tier = params.get('tier');
  if (tier === 'auto' || tier === 'webrtc' || tier === 'hls') flags.tier = tier;
  const probe = params.get('audio_probe');
  if (probe !== null) flags.probe = probe === '1' || probe === 'true';
  return flags;
}

/** The flags of this tab: the URL's, over those saved earlier in the tab. */
export function readAudioFlags(): AudioFlags {
  let saved: Partial<AudioFlags> = {};
  try {
    saved = JSON.parse(sessionStorage.getItem(KEY) ?? '{}') as Partial<AudioFlags>;
  } catch {
    saved = {};
  }
  const flags = parseAudioFlags(window.location.search, saved);
  try {
    sessionStorage.setItem(KEY, JSON.stringify(flags));
  } catch {
    // Storage may be off (private mode): the URL still applies to this page.
  }
  return flags;
}
