import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Segment } from '../hls/playlist.js';
import { clipTitle, concatList, cutArgs, planLive, planReplay } from './model.js';

/** `n` segments of `seconds` each, as ffmpeg lists them (a000000.ts …). */
function segments(n: number, seconds = 1.002667): Segment[] {
  return Array.from({ length: n }, (_, i) => ({
    uri: `a${String(i).padStart(6, '0')}.ts`,
    duration: seconds,
    startsAt: null,
    discontinuity: false,
  }));
}

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return 'ok';
};

describe('a live clip: the last 30 s of the archive, ending at its last complete segment', () => {
  test('takes the 30 newest 1 s segments, whole, stream-copied', () => {
    const plan = planLive(segments(100));
    assert.equal(plan.segments.length, 30);
    assert.equal(plan.segments[0]!.uri, 'a000070.ts');
    assert.equal(plan.segments.at(-1)!.uri, 'a000099.ts', 'ends at the newest listed segment');
    assert.equal(plan.method, 'copy');
    assert.ok(Math.abs(plan.durationMs - 30_000) <= 500, `${plan.durationMs} ms`);
    assert.equal(plan.startMs, null);
  });

  test('a segment straddling the 30 s mark is in when its middle is: edges off by half a segment at most', () => {
    // 2 s segments: 15 of them are 30 s; a 16th would have its middle at 31 s.
    assert.equal(planLive(segments(40, 2)).segments.length, 15);
    // 1.5 s: the 20th ends at 30 s, the 21st's middle is at 30.75 s.
    assert.equal(planLive(segments(40, 1.5)).segments.length, 20);
    // 1.2 s: the 25th ends at 30 s exactly.
    assert.equal(planLive(segments(40, 1.2)).durationMs, 30_000);
  });

  test('a space live for less than 30 s gives what there is; under 5 s there is nothing to clip', () => {
    assert.equal(planLive(segments(12)).segments.length, 12);
    assert.equal(
      codeOf(() => planLive(segments(4))),
      'nothing_to_clip',
    );
    assert.equal(
      codeOf(() => planLive([])),
      'nothing_to_clip',
    );
  });
});

describe('a replay clip: a 5–60 s range in replay time', () => {
  const replay = segments(120, 1);

  test('edges on segment boundaries: the segments are copied whole', () => {
    const plan = planReplay(replay, { from_ms: 10_000, to_ms: 25_000 });
    assert.equal(plan.method, 'copy');
    assert.deepEqual(
      [plan.segments[0]!.uri, plan.segments.at(-1)!.uri, plan.segments.length],
      ['a000010.ts', 'a000024.ts', 15],
    );
    assert.equal(plan.durationMs, 15_000);
    assert.equal(plan.startMs, 10_000);
  });

  test('edges within 100 ms of boundaries still copy; further off, the range is re-encoded exactly', () => {
    assert.equal(planReplay(replay, { from_ms: 10_060, to_ms: 24_950 }).method, 'copy');
    const exact = planReplay(replay, { from_ms: 10_400, to_ms: 22_700 });
    assert.equal(exact.method, 'encode');
    assert.equal(exact.segments[0]!.uri, 'a000010.ts');
    assert.equal(exact.segments.at(-1)!.uri, 'a000022.ts');
    assert.equal(exact.offsetMs, 400);
    assert.equal(exact.durationMs, 12_300);
    assert.equal(exact.startMs, 10_400);
  });

  test('refuses what is not a 5–60 s range inside the replay', () => {
    assert.equal(
      codeOf(() => planReplay(replay, {})),
      'clip_range_invalid',
    );
    assert.equal(
      codeOf(() => planReplay(replay, { from_ms: 5000 })),
      'clip_range_invalid',
    );
    assert.equal(
      codeOf(() => planReplay(replay, { from_ms: 9000, to_ms: 8000 })),
      'clip_range_invalid',
    );
    assert.equal(
      codeOf(() => planReplay(replay, { from_ms: 0, to_ms: 4999 })),
      'clip_too_short',
    );
    assert.equal(
      codeOf(() => planReplay(replay, { from_ms: 0, to_ms: 60_001 })),
      'clip_too_long',
    );
    assert.equal(
      codeOf(() => planReplay(replay, { from_ms: 100_000, to_ms: 130_000 })),
      'clip_range_invalid',
    );
    assert.equal(
      codeOf(() => planReplay(replay, { from_ms: 1.5, to_ms: 7000 })),
      'clip_range_invalid',
    );
    assert.equal(
      codeOf(() => planReplay(segments(3, 1), { from_ms: 0, to_ms: 5000 })),
      'nothing_to_clip',
    );
  });

  test('the last seconds of a replay may be clipped up to its end', () => {
    const plan = planReplay(replay, { from_ms: 110_000, to_ms: 120_050 });
    assert.equal(plan.segments.at(-1)!.uri, 'a000119.ts');
    assert.equal(plan.durationMs, 10_000);
  });
});

test('titles: folded whitespace, the space title when empty, at most 100 characters', () => {
  assert.equal(clipTitle('  The  best\nbit ', 'Space'), 'The best bit');
  assert.equal(clipTitle(undefined, 'Space'), 'Space');
  assert.equal(clipTitle('   ', 'Space'), 'Space');
  assert.equal(
    codeOf(() => clipTitle('x'.repeat(101), 'Space')),
    'clip_title_too_long',
  );
});

test('the cut: a concat list with the playlist durations; copy or an exact re-encode to m4a', () => {
  assert.equal(
    concatList([{ path: "/data/it's/a1.ts", duration: 1.002667 }]),
    "file '/data/it'\\''s/a1.ts'\nduration 1.002667\n",
  );
  const copy = cutArgs(planLive(segments(40)), 'l.txt', 'o.m4a');
  assert.ok(copy.includes('copy') && copy.includes('aac_adtstoasc') && !copy.includes('-ss'));
  const encode = cutArgs(
    planReplay(segments(60, 1), { from_ms: 1_500, to_ms: 8_250 }),
    'l.txt',
    'o.m4a',
  );
  assert.deepEqual(encode.slice(encode.indexOf('-ss'), encode.indexOf('-ss') + 4), [
    '-ss',
    '0.500',
    '-t',
    '6.750',
  ]);
  assert.equal(encode.at(-1), 'o.m4a');
});
