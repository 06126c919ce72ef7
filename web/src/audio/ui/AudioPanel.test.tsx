import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import { PersonMenu } from '../../screens/space/PersonMenu';
import { meIn } from '../../screens/space/roles';
import { Stage } from '../../screens/space/Stage';
import { audioState } from '../../test/audio';
import { ada, bob, carol, dan, fakeActions, snapshot } from '../../test/factories';
import type { AudioController } from '../engine/AudioController';
import { micProblem } from '../engine/microphone';
import type { AudioState } from '../engine/state';
import { AudioPanel } from './AudioPanel';
import { SpaceAudioProvider } from './context';

function fakeController(patch: Partial<AudioState>) {
  const state = audioState(patch);
  return {
    getState: () => state,
    subscribe: () => () => undefined,
    unlock: vi.fn(),
    retryMicrophone: vi.fn(),
    setVolume: vi.fn(),
    setSpeakerVolume: vi.fn(),
    resetSpeakerVolumes: vi.fn(),
  };
}

function renderPanel(patch: Partial<AudioState>, meId: string | null = dan.id) {
  const controller = fakeController(patch);
  render(
    <SpaceAudioProvider controller={controller as unknown as AudioController}>
      <AudioPanel stage={snapshot().stage} meId={meId} />
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

  it('says how the space is heard, and that the volume is the master volume', () => {
    const controller = renderPanel({ route: 'hls', hlsReason: 'space_full' });
    expect(screen.getByRole('status').textContent).toMatch(
      /a few seconds behind.*live seats of this space are taken/,
    );
    const slider = screen.getByRole('slider', { name: /Volume/ });
    expect(slider.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(slider.getAttribute('aria-describedby')!)?.textContent).toMatch(
      /master volume.*Speaker volumes/,
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

describe('speaker volumes', () => {
  it('open from the audio panel: a named slider per stage member, focused first', async () => {
    const controller = renderPanel({ speakerVolumes: { [bob.id]: 0.5 } });
    const open = screen.getByRole('button', { name: /Speaker volumes/ });
    expect(open.textContent).toMatch(/1 set/);
    await userEvent.click(open);
    const sheet = screen.getByRole('dialog', { name: 'Speaker volumes' });
    const sliders = within(sheet).getAllByRole('slider');
    expect(sliders.map((s) => s.getAttribute('aria-valuetext'))).toEqual(['100 %', '50 %']);
    const adaSlider = within(sheet).getByRole('slider', { name: 'Volume of Ada' });
    expect(adaSlider.getAttribute('max')).toBe('200');
    // Focus moves into the sheet, on the first slider (a native range: arrows, Home, End; the
    // browser test drives it with the keyboard).
    expect(document.activeElement).toBe(adaSlider);
    expect(adaSlider.getAttribute('step')).toBe('5');
    fireEvent.change(adaSlider, { target: { value: '0' } });
    expect(controller.setSpeakerVolume).toHaveBeenLastCalledWith(ada.id, 0);
    expect(within(sheet).getByRole('status').textContent).toMatch(/Everyone plays at 100 %/);

    await userEvent.click(within(sheet).getByRole('button', { name: 'Reset Bob to 100 %' }));
    expect(controller.resetSpeakerVolumes).toHaveBeenLastCalledWith([bob.id]);
    expect(
      (within(sheet).getByRole('button', { name: 'Reset Ada to 100 %' }) as HTMLButtonElement)
        .disabled,
    ).toBe(true);
    await userEvent.click(within(sheet).getByRole('button', { name: 'Everyone back to 100 %' }));
    expect(controller.resetSpeakerVolumes).toHaveBeenLastCalledWith([ada.id, bob.id]);
  });

  it('never list you: a stage member sets the others only', async () => {
    renderPanel({ route: 'stage', perSpeaker: 'feeds' }, ada.id);
    await userEvent.click(screen.getByRole('button', { name: /Speaker volumes/ }));
    const sheet = screen.getByRole('dialog', { name: 'Speaker volumes' });
    expect(within(sheet).getAllByRole('slider')).toHaveLength(1);
    expect(within(sheet).getByRole('slider', { name: 'Volume of Bob' })).toBeTruthy();
    expect(within(sheet).getByRole('status').textContent).toMatch(/at the volume you set/);
  });

  it('explain on HLS that they need the low-latency tier, with no sliders', async () => {
    renderPanel({ route: 'hls', hlsReason: 'node_full', perSpeaker: 'needs_webrtc' });
    await userEvent.click(screen.getByRole('button', { name: /Speaker volumes/ }));
    const sheet = screen.getByRole('dialog', { name: 'Speaker volumes' });
    expect(within(sheet).queryAllByRole('slider')).toHaveLength(0);
    expect(within(sheet).getByRole('status').textContent).toMatch(
      /needs the low-latency tier \(WebRTC\).*HLS/,
    );
  });

  it('say so in the panel when the streams per speaker fail', () => {
    renderPanel({ perSpeaker: 'failed', speakerVolumes: { [ada.id]: 0 } });
    expect(screen.getByText(/not working right now/)).toBeTruthy();
  });
});

describe("a speaker's menu", () => {
  function renderMenu(user: typeof ada, role: 'host' | 'speaker' | 'listener', meId: string) {
    const controller = fakeController({ speakerVolumes: { [bob.id]: 1.5 } });
    render(
      <MemoryRouter>
        <SpaceAudioProvider controller={controller as unknown as AudioController}>
          <PersonMenu
            user={user}
            role={role}
            muted={false}
            me={meIn(snapshot(), meId)}
            hostId={ada.id}
            actions={fakeActions()}
            onReport={vi.fn()}
            onClose={vi.fn()}
          />
        </SpaceAudioProvider>
      </MemoryRouter>,
    );
    return controller;
  }

  it("has the speaker's volume, for someone on the stage other than you", () => {
    const controller = renderMenu(bob, 'speaker', dan.id);
    const slider = screen.getByRole('slider', { name: 'Volume of Bob' });
    expect(slider.getAttribute('aria-valuetext')).toBe('150 %');
    fireEvent.change(slider, { target: { value: '20' } });
    expect(controller.setSpeakerVolume).toHaveBeenCalledWith(bob.id, 0.2);
  });

  it('has none for a listener, nor for yourself', () => {
    renderMenu(carol, 'listener', dan.id);
    expect(screen.queryByRole('slider')).toBeNull();
    cleanup();
    renderMenu(ada, 'host', ada.id);
    expect(screen.queryByRole('slider')).toBeNull();
  });
});
