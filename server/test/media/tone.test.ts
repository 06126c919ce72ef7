import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FRAME_SAMPLES, meanPower, SAMPLE_RATE, ToneGenerator, toneShare } from './support/tone.js';

// The detector the media tests rely on, checked on PCM we make here (no Janus).

function seconds(generator: ToneGenerator, s: number): Int16Array {
  const frames = Math.round((s * SAMPLE_RATE) / FRAME_SAMPLES);
  const out = new Int16Array(frames * FRAME_SAMPLES);
  for (let i = 0; i < frames; i++) out.set(generator.next(), i * FRAME_SAMPLES);
  return out;
}

function mix(a: Int16Array, b: Int16Array): Int16Array {
  return a.map((x, i) => x + (b[i] ?? 0));
}

test('frames are 10 ms of 48 kHz mono: 480 samples', () => {
  assert.equal(new ToneGenerator(440).next().length, 480);
});

test('a 440 Hz tone is found at 440 Hz and not at 660 Hz', () => {
  const pcm = seconds(new ToneGenerator(440), 0.4);
  assert.ok(toneShare(pcm, SAMPLE_RATE, 440) > 0.95);
  assert.ok(toneShare(pcm, SAMPLE_RATE, 660) < 0.001);
});

test('two equal tones each carry about half of the power', () => {
  const pcm = mix(
    seconds(new ToneGenerator(440, 0.2), 0.4),
    seconds(new ToneGenerator(660, 0.2), 0.4),
  );
  for (const frequency of [440, 660]) {
    const share = toneShare(pcm, SAMPLE_RATE, frequency);
    assert.ok(share > 0.4 && share < 0.6, `${frequency} Hz share ${share}`);
  }
  assert.ok(toneShare(pcm, SAMPLE_RATE, 550) < 0.01);
});

test('consecutive frames join without a phase jump', () => {
  const generator = new ToneGenerator(440);
  const pcm = seconds(generator, 1);
  const largestStep = pcm
    .slice(1)
    .reduce((max, x, i) => Math.max(max, Math.abs(x - (pcm[i] ?? 0))), 0);
  // A sine's largest sample-to-sample step is A·2πf/fs (≈ 470 here).
  assert.ok(largestStep < 500, `largest step ${largestStep}`);
});

test('frequency 0 is silence, not a DC offset left by the last phase', () => {
  const generator = new ToneGenerator(440);
  generator.next(120); // a quarter period: the phase now sits at the peak
  generator.frequency = 0;
  assert.equal(meanPower(generator.next()), 0);
});

test('silence and amplitude 0 have no tone in them', () => {
  const silent = seconds(new ToneGenerator(440, 0), 0.2);
  assert.equal(meanPower(silent), 0);
  assert.equal(toneShare(silent, SAMPLE_RATE, 440), 0);
  assert.equal(toneShare(new Int16Array(0), SAMPLE_RATE, 440), 0);
});

test('noise spreads its power, so no single frequency takes a share', () => {
  let seed = 1;
  const noise = Int16Array.from({ length: 19_200 }, () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return (seed / 2 ** 31 - 0.5) * 16_000;
  });
  assert.ok(toneShare(noise, SAMPLE_RATE, 440) < 0.01);
});

test('a tone with noise 13 dB below it is still clearly present', () => {
  let seed = 7;
  const tone = seconds(new ToneGenerator(660, 0.3), 0.4);
  const noisy = tone.map((x) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    // Uniform noise of peak 0.0825 (power 0.0023) under a tone of power 0.045.
    return x + (seed / 2 ** 31 - 0.5) * 0.165 * 32_767;
  });
  assert.ok(toneShare(noisy, SAMPLE_RATE, 660) > 0.8);
  assert.ok(toneShare(noisy, SAMPLE_RATE, 440) < 0.01);
});
