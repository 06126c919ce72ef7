import type { CaptionLineDto } from '@salon/protocol';
import { describe, expect, it } from 'vitest';
import { EMPTY_FEED, KEPT_LINES, reduceCaptions, shownState } from './feed';

const line = (over: Partial<CaptionLineDto>): CaptionLineDto => ({
  seq: 1,
  utterance_id: 'u1',
  speaker_id: 'ann',
  kind: 'partial',
  text: 'hello',
  start_ms: 1_000,
  end_ms: 2_000,
  ...over,
});
const caption = (over: Partial<CaptionLineDto>) =>
  ({ type: 'caption', space_id: 's', ...line(over) }) as const;

describe('the captions feed', () => {
  it('replaces a partial by the final of the same utterance', () => {
    let feed = reduceCaptions(EMPTY_FEED, caption({ seq: 1, text: 'hel' }));
    feed = reduceCaptions(feed, caption({ seq: 2, kind: 'final', text: 'hello there' }));
    expect(feed.lines).toEqual([line({ seq: 2, kind: 'final', text: 'hello there' })]);
  });

  it('drops a line older than one shown for the same speaker, but not for another', () => {
    let feed = reduceCaptions(EMPTY_FEED, caption({ seq: 5, kind: 'final', text: 'new' }));
    feed = reduceCaptions(feed, caption({ seq: 4, text: 'stale partial' }));
    feed = reduceCaptions(feed, caption({ seq: 5, text: 'repeat' }));
    expect(feed.lines.map((l) => l.text)).toEqual(['new']);
    feed = reduceCaptions(feed, caption({ seq: 1, speaker_id: 'bob', utterance_id: 'b1' }));
    expect(feed.lines.map((l) => l.speaker_id)).toEqual(['ann', 'bob']);
  });

  it('keeps each utterance as its own line, oldest first, and at most KEPT_LINES', () => {
    let feed = EMPTY_FEED;
    for (let i = 1; i <= KEPT_LINES + 3; i++) {
      feed = reduceCaptions(feed, caption({ seq: i, utterance_id: `u${i}`, text: `t${i}` }));
    }
    expect(feed.lines).toHaveLength(KEPT_LINES);
    expect(feed.lines[0]?.text).toBe('t4');
    expect(feed.lines.at(-1)?.text).toBe(`t${KEPT_LINES + 3}`);
  });

  it('gives a late joiner the snapshot’s recent lines, without repeating what it has', () => {
    let feed = reduceCaptions(
      EMPTY_FEED,
      caption({ seq: 90, utterance_id: 'u2', start_ms: 5_000 }),
    );
    feed = reduceCaptions(feed, {
      type: 'snapshot',
      captions: {
        state: 'running',
        unavailable: ['bob'],
        recent: [
          line({ seq: 1, utterance_id: 'u1', kind: 'final', text: 'first', start_ms: 1_000 }),
          line({ seq: 2, utterance_id: 'u2', kind: 'final', text: 'second', start_ms: 5_000 }),
        ],
      },
    });
    expect(feed.lines.map((l) => [l.utterance_id, l.seq])).toEqual([
      ['u1', 1],
      ['u2', 90],
    ]);
    expect(feed.state).toBe('running');
    expect(feed.unavailable).toEqual(['bob']);
    // The snapshot's numbering does not hold back the speaker's next live line.
    feed = reduceCaptions(feed, caption({ seq: 91, utterance_id: 'u3', text: 'third' }));
    expect(feed.lines.at(-1)?.text).toBe('third');
  });

  it('follows the state the server announces', () => {
    const feed = reduceCaptions(EMPTY_FEED, {
      type: 'captions_state',
      space_id: 's',
      state: 'paused',
      unavailable: ['ann'],
    });
    expect(feed).toMatchObject({ state: 'paused', unavailable: ['ann'] });
    expect(reduceCaptions(feed, { type: 'snapshot', captions: undefined }).state).toBe('off');
  });

  it('shows captions only in a live, captioned space, running unless paused', () => {
    const paused = { ...EMPTY_FEED, state: 'paused' as const };
    expect(shownState({ state: 'live', captions: true }, EMPTY_FEED)).toBe('running');
    expect(shownState({ state: 'live', captions: true }, paused)).toBe('paused');
    expect(shownState({ state: 'live', captions: false }, paused)).toBe('off');
    expect(shownState({ state: 'ended', captions: true }, EMPTY_FEED)).toBe('off');
  });
});
