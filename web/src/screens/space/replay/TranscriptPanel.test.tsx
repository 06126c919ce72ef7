import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ada, bob } from '../../../test/factories';
import { TranscriptPanel } from './TranscriptPanel';
import type { TranscriptLineDto } from './transcript';

const lines: TranscriptLineDto[] = [
  {
    utterance_id: 'u1',
    speaker: ada,
    text: 'Welcome everyone',
    start_ms: 0,
    end_ms: 1,
    at_ms: 1000,
    at_end_ms: 2500,
  },
  {
    utterance_id: 'u2',
    speaker: bob,
    text: 'Thanks for having me',
    start_ms: 2,
    end_ms: 3,
    at_ms: 65_000,
    at_end_ms: 67_000,
  },
];

describe('TranscriptPanel', () => {
  it('lists who said what and when, marks the line playing, and seeks to a line chosen', async () => {
    const onSeek = vi.fn();
    render(
      <TranscriptPanel
        spaceId="sp1"
        transcript={{ kind: 'found', lines }}
        playing={lines[1]!}
        onSeek={onSeek}
        canDownload={false}
      />,
    );
    const items = screen.getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]!.getAttribute('aria-current')).toBeNull();
    expect(items[1]!.getAttribute('aria-current')).toBe('true');
    expect(items[1]!.textContent).toContain('Bob');
    expect(items[1]!.textContent).toContain('1:05');
    await userEvent.click(screen.getByRole('button', { name: /Welcome everyone/ }));
    expect(onSeek).toHaveBeenCalledWith(1000);
    screen.getByRole('button', { name: /Thanks for having me/ }).focus();
    await userEvent.keyboard('{Enter}');
    expect(onSeek).toHaveBeenLastCalledWith(65_000);
    expect(screen.queryByRole('link', { name: 'Download transcript' })).toBeNull();
  });

  it("offers the host the transcript's file", () => {
    render(
      <TranscriptPanel
        spaceId="sp1"
        transcript={{ kind: 'found', lines }}
        playing={null}
        onSeek={() => undefined}
        canDownload
      />,
    );
    const link = screen.getByRole('link', { name: 'Download transcript' });
    expect(link.getAttribute('href')).toBe('/api/v1/spaces/sp1/transcript.vtt?download=true');
  });

  it('says so when there is no transcript', () => {
    render(
      <TranscriptPanel
        spaceId="sp1"
        transcript={{ kind: 'none' }}
        playing={null}
        onSeek={() => undefined}
        canDownload
      />,
    );
    expect(screen.getByText(/No transcript for this replay/)).toBeTruthy();
    expect(screen.queryByRole('list')).toBeNull();
    expect(screen.queryByRole('link', { name: 'Download transcript' })).toBeNull();
  });
});
