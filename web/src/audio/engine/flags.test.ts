import { describe, expect, it } from 'vitest';
import { DEFAULT_FLAGS, parseAudioFlags } from './flags';

describe('audio flags', () => {
  it('keep voice processing on, the automatic tier and no probe by default', () => {
    expect(parseAudioFlags('')).toEqual(DEFAULT_FLAGS);
    expect(DEFAULT_FLAGS).toEqual({ voiceProcessing: true, tier: 'auto', probe: false });
  });

  it('turn voice processing off for tones, choose a tier and expose the probe from the URL', () => {
    expect(parseAudioFlags('?mic=raw&tier=hls&audio_probe=1')).toEqual({
      voiceProcessing: false,
      tier: 'hls',
      probe: true,
    });
  });

  it('keep what the tab chose earlier unless the URL says otherwise, and ignore unknown values', () => {
    const saved = { voiceProcessing: false, tier: 'hls' as const, probe: true };
    expect(parseAudioFlags('?tier=bogus', saved)).toEqual(saved);
    expect(parseAudioFlags('?mic=voice&tier=webrtc&audio_probe=0', saved)).toEqual({
      voiceProcessing: true,
      tier: 'webrtc',
      probe: false,
    });
  });
});
