/**
 * Sine frames to feed a WebRTC audio source, and a single-frequency detector
 * to tell which tones a listener hears. Pure PCM math, no I/O.
 */

export const SAMPLE_RATE = 48_000;
/** libwebrtc takes audio in 10 ms frames: 480 samples at 48 kHz. */
export const FRAME_SAMPLES = SAMPLE_RATE / 100;

/** Consecutive frames of a sine with continuous phase (no clicks between frames). */
export class ToneGenerator {
  private phase = 0;

  /** `amplitude` is a share of full scale; frequency 0 or amplitude 0 is silence. */
  constructor(
    public frequency: number,
    public amplitude = 0.25,
    readonly sampleRate = SAMPLE_RATE,
  ) {}

  next(samples = FRAME_SAMPLES): Int16Array {
    const frame = new Int16Array(samples);
    // Not a sine of 0 Hz, which would hold the last phase as a DC offset.
    if (this.frequency === 0) return frame;
    const step = (2 * Math.PI * this.frequency) / this.sampleRate;
    const peak = this.amplitude * 32_767;
    for (let i = 0; i < samples; i++) {
      frame[i] = Math.round(peak * Math.sin(this.phase));
      this.phase += step;
    }
    this.phase %= 2 * Math.PI;
    return frame;
  }
}

/** Mean power of the samples (int16 units squared). */
export function meanPower(samples: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i] ?? 0;
    sum += x * x;
  }
  return samples.length ? sum / samples.length : 0;
}

/**
 * Share of the signal's power that sits at `frequency`: about 1 for a pure
 * tone there, about 0.5 each for two equal tones, about 0 when it is absent
 * (and 0 for silence). Goertzel over a Hann window, so a tone a few bins away
 * barely leaks in; use windows of 100 ms or more (10 Hz resolution).
 */
export function toneShare(
  samples: ArrayLike<number>,
  sampleRate: number,
  frequency: number,
): number {
  const n = samples.length;
  const total = meanPower(samples);
  if (n === 0 || total === 0) return 0;
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let previous = 0;
  let beforePrevious = 0;
  let windowSum = 0;
  for (let i = 0; i < n; i++) {
    const weight = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    windowSum += weight;
    const current = (samples[i] ?? 0) * weight + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  const magnitudeSquared =
    previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
  // A sine of amplitude A gives |X| = A·Σw/2, and its mean power is A²/2.
  const tonePower = (2 * magnitudeSquared) / (windowSum * windowSum);
  return Math.min(1, tonePower / total);
}
