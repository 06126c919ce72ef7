import type { ReplayTimelineDto } from '@salon/protocol';
import { describe, expect, it } from 'vitest';
import { ada, bob, carol } from '../../../test/factories';
import {
  CLIP_MAX_MS,
  CLIP_MIN_MS,
  clipRange,
  nextTurn,
  placeSpans,
  previousTurn,
  speakingAt,
  timeAt,
  turnAt,
  turns,
} from './timeline';

/** Ada opens (0–10 s, a pause, 12–20 s), Bob answers (20–35 s), Carol cuts in (30–32 s), Ada closes (50–60 s). */
// Its own timeline, as SpeakerTimeline.test.tsx has: the spans are this file's oracle.
const timeline: ReplayTimelineDto = {
  duration_ms: 60_000,
  speakers: [
    {
      user: ada,
      spans: [
        { start_ms: 12_000, end_ms: 20_000 },
        { start_ms: 0, end_ms: 10_000 },
        { start_ms: 50_000, end_ms: 70_000 },
      ],
    },
    { user: bob, spans: [{ start_ms: 20_000, end_ms: 35_000 }] },
    {
      user: carol,
      spans: [
        { start_ms: 30_000, end_ms: 32_000 },
        { start_ms: 40_000, end_ms: 40_000 },
      ],
    },
  ],
};

describe('the speaker timeline', () => {
  it('places spans in percent of the replay, in order, clipped to it', () => {
    expect(placeSpans(timeline.speakers[0]!.spans, 60_000)).toEqual([
      { start_ms: 0, end_ms: 10_000, left: 0, width: (10 / 60) * 100 },
      { start_ms: 12_000, end_ms: 20_000, left: 20, width: (8 / 60) * 100 },
      { start_ms: 50_000, end_ms: 60_000, left: (50 / 60) * 100, width: (10 / 60) * 100 },
    ]);
    // An empty span (a blip) and one outside the replay take no room.
    expect(placeSpans(timeline.speakers[2]!.spans, 60_000)).toHaveLength(1);
    expect(placeSpans([{ start_ms: 70_000, end_ms: 80_000 }], 60_000)).toEqual([]);
    expect(placeSpans(timeline.speakers[0]!.spans, 0)).toEqual([]);
  });

  it('turns a fraction of the bar into replay time', () => {
    expect(timeAt(0.5, 60_000)).toBe(30_000);
    expect(timeAt(-1, 60_000)).toBe(0);
    expect(timeAt(2, 60_000)).toBe(60_000);
  });

  it('merges one person’s consecutive spans into a turn, in time order', () => {
    expect(turns(timeline).map((t) => [t.user.handle, t.start_ms, t.end_ms])).toEqual([
      ['ada', 0, 20_000],
      ['bob', 20_000, 35_000],
      ['carol', 30_000, 32_000],
      ['ada', 50_000, 60_000],
    ]);
  });

  it('says whose turn it is and who speaks now', () => {
    const all = turns(timeline);
    expect(turnAt(all, 11_000)?.user.handle).toBe('ada');
    expect(speakingAt(all, 31_000)?.user.handle).toBe('carol');
    expect(speakingAt(all, 33_000)?.user.handle).toBe('bob');
    expect(speakingAt(all, 40_000)).toBeNull();
    expect(turnAt(all, 40_000)?.user.handle).toBe('carol');
    expect(turnAt(turns({ duration_ms: 10, speakers: [] }), 5)).toBeNull();
  });

  it('skips to the next speaker’s start, past one’s own pauses', () => {
    const all = turns(timeline);
    expect(nextTurn(all, 0)?.start_ms).toBe(20_000);
    expect(nextTurn(all, 11_000)?.user.handle).toBe('bob');
    // Pressed again where the last press left the playhead, it moves on.
    expect(nextTurn(all, 20_000)?.user.handle).toBe('carol');
    expect(nextTurn(all, 40_000)?.start_ms).toBe(50_000);
    expect(nextTurn(all, 55_000)).toBeNull();
  });

  it('goes back to the start of this turn, or to the one before right after it began', () => {
    const all = turns(timeline);
    expect(previousTurn(all, 27_000)?.start_ms).toBe(20_000);
    expect(previousTurn(all, 21_000)?.user.handle).toBe('ada');
    expect(previousTurn(all, 1_000)).toBeNull();
    expect(previousTurn(all, 55_000)?.start_ms).toBe(50_000);
  });
});

describe('a clip range', () => {
  it('keeps the chosen length inside the replay and the limits', () => {
    expect(clipRange(10_000, 30_000, 600_000)).toEqual({ from_ms: 10_000, to_ms: 40_000 });
    expect(clipRange(590_000, 30_000, 600_000)).toEqual({ from_ms: 570_000, to_ms: 600_000 });
    expect(clipRange(-5, 1_000, 600_000)).toEqual({ from_ms: 0, to_ms: CLIP_MIN_MS });
    expect(clipRange(0, 120_000, 600_000)).toEqual({ from_ms: 0, to_ms: CLIP_MAX_MS });
    expect(clipRange(0, 30_000, 20_000)).toEqual({ from_ms: 0, to_ms: 20_000 });
    expect(clipRange(0, 30_000, 4_000)).toBeNull();
  });
});
