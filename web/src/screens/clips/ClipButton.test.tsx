import type { ClipDto } from '@salon/protocol';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api } from '../../api';
import { ada, snapshot } from '../../test/factories';
import { LiveClipButton } from './ClipButton';

const space = snapshot().space;

function renderButton(props: { clipping?: boolean; signedIn?: boolean }) {
  return render(
    <MemoryRouter initialEntries={['/spaces/x']}>
      <Routes>
        <Route
          path="/spaces/x"
          element={
            <LiveClipButton
              space={{ ...space, clipping: props.clipping ?? true }}
              signedIn={props.signedIn ?? true}
            />
          }
        />
        <Route path="/clips/:id" element={<p>clip page</p>} />
      </Routes>
    </MemoryRouter>,
  );
}

const clip: ClipDto = {
  id: 'clip0000000000000001',
  space_id: space.id,
  space: { id: space.id, title: space.title, host: ada, state: 'live' },
  creator: ada,
  title: 'Engines and poetry',
  duration_ms: 30_000,
  source: 'live',
  start_ms: null,
  state: 'processing',
  audio_url: null,
  url: 'http://salon.test/clips/clip0000000000000001',
  created_at: '2026-01-01T10:00:00.000Z',
  expires_at: '2026-01-31T10:00:00.000Z',
};

describe('LiveClipButton', () => {
  afterEach(() => vi.restoreAllMocks());

  it('clips the last 30 s and opens the clip page', async () => {
    const create = vi.spyOn(api, 'createClip').mockResolvedValue(clip);
    renderButton({});
    await userEvent.click(screen.getByRole('button', { name: 'Clip the last 30 s' }));
    expect(create).toHaveBeenCalledWith(space.id, null);
    await screen.findByText('clip page');
  });

  it('is off, with the reason, when the host turned clipping off', () => {
    renderButton({ clipping: false });
    const button = screen.getByRole('button', { name: 'Clip the last 30 s' });
    expect(button).toHaveProperty('disabled', true);
    expect(button.getAttribute('aria-describedby')).toBeTruthy();
    const reason = document.getElementById(button.getAttribute('aria-describedby')!);
    expect(reason?.textContent).toBe('The host turned clipping off.');
  });

  it('asks a guest to sign in', () => {
    renderButton({ signedIn: false });
    expect(screen.getByRole('button', { name: 'Clip the last 30 s' })).toHaveProperty(
      'disabled',
      true,
    );
    expect(screen.getByText('Sign in to clip.')).toBeTruthy();
  });

  it('says why the server refused', async () => {
    vi.spyOn(api, 'createClip').mockRejectedValue(
      new ApiError(409, 'nothing_to_clip', 'There is no audio to clip yet.'),
    );
    renderButton({});
    await userEvent.click(screen.getByRole('button', { name: 'Clip the last 30 s' }));
    await screen.findByText('There is no audio to clip yet.');
    expect(screen.getByRole('button', { name: 'Clip the last 30 s' })).toHaveProperty(
      'disabled',
      false,
    );
  });
});
