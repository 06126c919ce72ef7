import { describe, expect, it } from 'vitest';
import { dominantFrequency, levelAt, type Spectrum } from './probe';

/** A spectrum as an analyser reports it: a floor, and a peak (with its window's skirt) per tone. */
function spectrum(tones: { hz: number; db: number }[], floor = -140): Spectrum {
  const fftSize = 8192;
  const sampleRate = 48_000;
  const bins = new Float32Array(fftSize / 2).fill(floor);
  for (const { hz, db } of tones) {
    const exact = (hz * fftSize) / sampleRate;
    for (let i = Math.floor(exact) - 3; i <= Math.ceil(exact) + 3; i++) {
      const level = db - 12 * (i - exact) ** 2;
      bins[i] = Math.max(bins[i] ?? floor, level);
    }
  }
  return { bins, sampleRate, fftSize };
}

describe('the audio probe', () => {
  it('finds the frequency of a tone between analyser bins', () => {
    const found = dominantFrequency(spectrum([{ hz: 440, db: -20 }]));
    expect(found).not.toBeNull();
    expect(Math.abs((found ?? 0) - 440)).toBeLessThan(2);
  });

  it('reports the louder of two tones, and the level of each', () => {
    const s = spectrum([
      { hz: 440, db: -30 },
      { hz: 660, db: -20 },
    ]);
    expect(Math.round(dominantFrequency(s) ?? 0)).toBe(660);
    expect(levelAt(s, 440)).toBeGreaterThan(-35);
    expect(levelAt(s, 660)).toBeGreaterThan(-25);
    expect(levelAt(s, 550)).toBeLessThan(-100);
  });

  it('hears nothing in silence', () => {
    expect(dominantFrequency(spectrum([]))).toBeNull();
  });
});
