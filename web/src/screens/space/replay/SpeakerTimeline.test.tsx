import type { ReplayTimelineDto } from '@salon/protocol';
import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ada, bob } from '../../../test/factories';
import { SpeakerTimeline } from './SpeakerTimeline';

// Each test file states its own timeline: the spans are what that file's assertions read.
const timeline: ReplayTimelineDto = {
  duration_ms: 100_000,
  speakers: [
    {
      user: ada,
      spans: [
        { start_ms: 0, end_ms: 20_000 },
        { start_ms: 60_000, end_ms: 80_000 },
      ],
    },
    { user: bob, spans: [{ start_ms: 25_000, end_ms: 50_000 }] },
  ],
};

function renderAt(positionMs: number) {
  const onSeek = vi.fn();
  const view = render(
    <SpeakerTimeline timeline={timeline} positionMs={positionMs} onSeek={onSeek} />,
  );
  return { ...view, onSeek };
}

describe('SpeakerTimeline', () => {
  it('draws each stretch where it happened, labelled with who and when', () => {
    renderAt(0);
    const bobs = screen.getByRole('button', { name: 'Bob, 0:25 to 0:50' });
    expect(bobs.style.left).toBe('25%');
    expect(bobs.style.width).toBe('25%');
    expect(screen.getByRole('button', { name: 'Ada, 1:00 to 1:20' })).toBeTruthy();
  });

  it('seeks to a stretch clicked, and says who is speaking', async () => {
    const { onSeek } = renderAt(30_000);
    expect(screen.getByTestId('now-speaking').textContent).toBe('Speaking: Bob');
    await userEvent.click(screen.getByRole('button', { name: 'Ada, 1:00 to 1:20' }));
    expect(onSeek).toHaveBeenCalledWith(60_000);
  });

  it('skips to the next and the previous speaker', async () => {
    const { onSeek } = renderAt(10_000);
    await userEvent.click(screen.getByRole('button', { name: /Next speaker/ }));
    expect(onSeek).toHaveBeenLastCalledWith(25_000);
    await userEvent.click(screen.getByRole('button', { name: /Previous speaker/ }));
    expect(onSeek).toHaveBeenLastCalledWith(0);
  });

  it('has no next speaker after the last one', () => {
    renderAt(70_000);
    expect(screen.getByRole('button', { name: /Next speaker/ })).toHaveProperty('disabled', true);
  });

  it('is one keyboard stop; the arrow keys move between stretches in time order', () => {
    renderAt(0);
    const stretches = screen.getAllByRole('button', { name: /, \d+:\d\d to / });
    expect(stretches.filter((b) => b.tabIndex === 0)).toHaveLength(1);
    const first = screen.getByRole('button', { name: 'Ada, 0:00 to 0:20' });
    first.focus();
    fireEvent.keyDown(first, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Bob, 0:25 to 0:50' }));
    fireEvent.keyDown(document.activeElement!, { key: 'End' });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Ada, 1:00 to 1:20' }));
    expect((document.activeElement as HTMLElement).tabIndex).toBe(0);
    fireEvent.keyDown(document.activeElement!, { key: 'Home' });
    expect(document.activeElement).toBe(first);
  });
});
