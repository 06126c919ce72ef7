import { describe, expect, it } from 'vitest';
import { ada, bob } from '../../../test/factories';
import {
  playingLine,
  replayAt,
  replayLines,
  snippetParts,
  type TranscriptLineDto,
} from './transcript';

const line = (
  id: string,
  at: number | null,
  end: number | null,
  speaker = ada,
): TranscriptLineDto => ({
  utterance_id: id,
  speaker,
  text: `line ${id}`,
  start_ms: 1_700_000_000_000,
  end_ms: 1_700_000_001_000,
  at_ms: at,
  at_end_ms: end,
});

describe('transcript rules', () => {
  it('keeps the lines that play in the replay, in replay order', () => {
    const lines = [line('b', 5000, 6000, bob), line('x', null, null), line('a', 1000, 2500)];
    expect(replayLines(lines).map((l) => l.utterance_id)).toEqual(['a', 'b']);
  });

  it('finds the line being played, and none between lines', () => {
    const lines = replayLines([line('a', 1000, 2500), line('b', 5000, 6000, bob)]);
    expect(playingLine(lines, 999)).toBeNull();
    expect(playingLine(lines, 1000)?.utterance_id).toBe('a');
    expect(playingLine(lines, 2499)?.utterance_id).toBe('a');
    expect(playingLine(lines, 2500)).toBeNull();
    expect(playingLine(lines, 5500)?.utterance_id).toBe('b');
  });

  it('links to the replay at a moment, in seconds', () => {
    expect(replayAt('sp1', 83_250)).toBe('/spaces/sp1/replay?t=83.25');
    expect(replayAt('a/b', -5)).toBe('/spaces/a%2Fb/replay?t=0');
  });

  it("splits a snippet into text and the server's [marked] words", () => {
    expect(snippetParts('…we talked about [solar] [panels] today')).toEqual([
      { text: '…we talked about ', mark: false },
      { text: 'solar', mark: true },
      { text: ' ', mark: false },
      { text: 'panels', mark: true },
      { text: ' today', mark: false },
    ]);
  });

  it('keeps markup and stray brackets as text', () => {
    expect(snippetParts('<img src=x onerror=alert(1)> [hi')).toEqual([
      { text: '<img src=x onerror=alert(1)> [hi', mark: false },
    ]);
    expect(snippetParts('a ] b [c]')).toEqual([
      { text: 'a ] b ', mark: false },
      { text: 'c', mark: true },
    ]);
  });
});
