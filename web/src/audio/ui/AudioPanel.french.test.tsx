import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { i18n } from '../../i18n';
import { audioState } from '../../test/audio';
import { dan, snapshot } from '../../test/factories';
import type { AudioController } from '../engine/AudioController';
import { micProblem } from '../engine/microphone';
import type { AudioState } from '../engine/state';
import { AudioPanel } from './AudioPanel';
import { SpaceAudioProvider } from './context';

function renderPanel(patch: Partial<AudioState>) {
  const state = audioState(patch);
  const controller = {
    getState: () => state,
    subscribe: () => () => undefined,
    unlock: vi.fn(),
    retryMicrophone: vi.fn(),
    setVolume: vi.fn(),
  };
  render(
    <SpaceAudioProvider controller={controller as unknown as AudioController}>
      <AudioPanel stage={snapshot().stage} meId={dan.id} />
    </SpaceAudioProvider>,
  );
}

describe('AudioPanel in French', () => {
  beforeEach(async () => {
    await i18n.changeLanguage('fr');
  });
  afterEach(async () => {
    cleanup();
    await i18n.changeLanguage('en');
  });

  it('asks for a tap in French', () => {
    renderPanel({ phase: 'blocked' });
    expect(screen.getAllByRole('button', { name: /Toucher pour écouter/ }).length).toBeGreaterThan(
      0,
    );
  });

  it('explains a blocked microphone and how to fix it in French', () => {
    renderPanel({ route: 'stage', mic: { status: 'problem', problem: micProblem('denied') } });
    const alert = screen.getByRole('alert');
    expect(within(alert).getByText('Salon ne peut pas utiliser votre micro')).toBeTruthy();
    expect(alert.textContent).toMatch(/autorisez le micro/);
    expect(within(alert).getByRole('button', { name: 'Réessayer le micro' })).toBeTruthy();
  });

  it('says why it plays over HLS, and a failure the app noticed, in French', () => {
    renderPanel({ route: 'hls', hlsReason: 'space_full' });
    expect(screen.getByRole('status').textContent).toMatch(
      /quelques secondes de décalage.*places en direct de ce space sont prises/,
    );
    cleanup();
    renderPanel({
      phase: 'reconnecting',
      error: { code: 'audio_lost', message: 'The audio connection was lost.' },
    });
    expect(screen.getByText('La connexion audio a été perdue.')).toBeTruthy();
  });
});
