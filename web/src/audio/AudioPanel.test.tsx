import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import { Stage } from '../screens/space/Stage';
import { ada, snapshot } from '../test/factories';
import type { AudioController, AudioState } from './AudioController';
import { AudioPanel } from './AudioPanel';
import { SpaceAudioProvider } from './context';
import { micProblem } from './microphone';

const BASE: AudioState = {
  spaceId: 's1',
  phase: 'playing',
  route: 'webrtc',
  hlsReason: null,
  mic: { status: 'off', problem: null },
  volume: 1,
  speaking: new Set(),
  error: null,
};

function renderPanel(patch: Partial<AudioState>) {
  const state = { ...BASE, ...patch };
  const controller = {
    getState: () => state,
    subscribe: () => () => undefined,
    unlock: vi.fn(),
    retryMicrophone: vi.fn(),
    setVolume: vi.fn(),
  };
  render(
    <SpaceAudioProvider controller={controller as unknown as AudioController}>
      <AudioPanel />
    </SpaceAudioProvider>,
  );
  return controller;
}

describe('AudioPanel', () => {
  it('asks for a tap when autoplay is blocked, and the tap unlocks the sound', async () => {
    const controller = renderPanel({ phase: 'blocked' });
    await userEvent.click(screen.getByRole('button', { name: 'Tap to listen' }));
    expect(controller.unlock).toHaveBeenCalled();
  });

  it('explains a blocked microphone, how to fix it, and offers to try again', async () => {
    const controller = renderPanel({ mic: { status: 'problem', problem: micProblem('denied') } });
    const alert = screen.getByRole('alert');
    expect(within(alert).getByText('Salon cannot use your microphone')).toBeTruthy();
    expect(alert.textContent).toMatch(/allow the microphone/);
    await userEvent.click(within(alert).getByRole('button', { name: 'Try the microphone again' }));
    expect(controller.retryMicrophone).toHaveBeenCalled();
  });

  it('says how the space is heard, and that the volume is one for the whole mix', () => {
    const controller = renderPanel({ route: 'hls', hlsReason: 'space_full' });
    expect(screen.getByRole('status').textContent).toMatch(
      /a few seconds behind.*live seats of this space are taken/,
    );
    const slider = screen.getByRole('slider', { name: /Volume/ });
    expect(slider.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(slider.getAttribute('aria-describedby')!)?.textContent).toMatch(
      /cannot be made louder or quieter/,
    );
    fireEvent.change(slider, { target: { value: '40' } });
    expect(controller.setVolume).toHaveBeenCalledWith(0.4);
  });

  it('shows nothing when there is no audio', () => {
    renderPanel({ phase: 'off' });
    expect(screen.queryByRole('region', { name: 'Audio' })).toBeNull();
  });
});

describe('speaking indicators', () => {
  it('ring the avatars of unmuted stage members the media server hears', () => {
    const stage = snapshot().stage;
    render(
      <MemoryRouter>
        <Stage stage={stage} meId={null} onSelect={vi.fn()} speaking={new Set([ada.id])} />
      </MemoryRouter>,
    );
    const tile = screen.getByRole('button', { name: /Ada.*speaking/ });
    expect(tile.getAttribute('data-speaking')).toBe('true');
    expect(screen.getByRole('button', { name: /Bob/ }).getAttribute('data-speaking')).toBe('false');
  });
});
