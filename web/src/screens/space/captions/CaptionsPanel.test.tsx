import type { CaptionLineDto } from '@salon/protocol';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { ada, bob, snapshot } from '../../../test/factories';
import { CaptionsPanel, peopleOf } from './CaptionsPanel';
import { type CaptionsFeed, EMPTY_FEED, reduceCaptions } from './feed';
import { type CaptionPreferences, DEFAULT_PREFERENCES } from './preferences';

const line = (n: number, speaker = ada.id): CaptionLineDto => ({
  seq: n,
  utterance_id: `u${n}`,
  speaker_id: speaker,
  kind: 'final',
  text: `line ${n}`,
  start_ms: n * 1000,
  end_ms: n * 1000 + 500,
});
const feedOf = (...lines: CaptionLineDto[]): CaptionsFeed =>
  lines.reduce((f, l) => reduceCaptions(f, { type: 'caption', space_id: 's', ...l }), EMPTY_FEED);

function Panel({ feed, state = 'running' }: { feed: CaptionsFeed; state?: 'running' | 'paused' }) {
  const [preferences, setPreferences] = useState<CaptionPreferences>(DEFAULT_PREFERENCES);
  return (
    <CaptionsPanel
      feed={feed}
      state={state}
      people={peopleOf(snapshot())}
      preferences={preferences}
      onPreferences={(patch) => setPreferences((p) => ({ ...p, ...patch }))}
    />
  );
}

const shown = () =>
  within(screen.getByRole('list', { name: 'Caption lines' }))
    .getAllByRole('listitem')
    .map((li) => li.textContent);

describe('the captions panel', () => {
  it('is hidden until shown, then names each line’s speaker', async () => {
    render(<Panel feed={feedOf(line(1), line(2, bob.id))} />);
    expect(screen.queryByRole('list', { name: 'Caption lines' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Show captions' }));
    expect(shown()).toEqual(['AAdaline 1', 'BBobline 2']);
    expect(screen.getByRole('list', { name: 'Caption lines' }).getAttribute('aria-live')).toBe(
      'polite',
    );
  });

  it('freezes on pause while lines arrive, and jumps to the latest on resume', async () => {
    const { rerender } = render(<Panel feed={feedOf(line(1))} />);
    await userEvent.click(screen.getByRole('button', { name: 'Show captions' }));
    await userEvent.click(screen.getByRole('button', { name: 'Pause captions' }));
    rerender(<Panel feed={feedOf(line(1), line(2), line(3))} />);
    expect(shown()).toEqual(['AAdaline 1']);
    await userEvent.click(screen.getByRole('button', { name: 'Resume (jump to now)' }));
    expect(shown()).toEqual(['AAdaline 1', 'AAdaline 2', 'AAdaline 3']);
  });

  it('says when the engine is paused and whose captions are unavailable', async () => {
    render(<Panel feed={{ ...feedOf(line(1)), unavailable: [bob.id] }} state="paused" />);
    await userEvent.click(screen.getByRole('button', { name: 'Show captions' }));
    expect(screen.getByRole('status').textContent).toMatch(/captions engine cannot be reached/);
    expect(screen.getByText('Captions unavailable for Bob')).toBeTruthy();
  });

  it('steps the text size and stops at the largest', async () => {
    render(<Panel feed={feedOf(line(1))} />);
    await userEvent.click(screen.getByRole('button', { name: 'Show captions' }));
    const larger = screen.getByRole('button', { name: 'Larger caption text' });
    const size = () =>
      screen.getByTestId('captions').querySelector('.captions-screen')?.getAttribute('data-size');
    expect(size()).toBe('medium');
    await userEvent.click(larger);
    await userEvent.click(larger);
    expect(size()).toBe('huge');
    expect(larger).toHaveProperty('disabled', true);
  });
});
