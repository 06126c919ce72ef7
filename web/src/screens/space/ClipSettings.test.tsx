import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import { ada, fakeActions, snapshot } from '../../test/factories';
import { HostTools } from './HostTools';
import { meIn } from './roles';
import { ShareSheet } from './ShareSheet';

describe('clip and embed settings of a space', () => {
  it('gives the host an Allow clips switch, on by default', async () => {
    const actions = fakeActions();
    const snap = snapshot();
    render(<HostTools snapshot={snap} me={meIn(snap, ada.id)} actions={actions} />);
    const allow = screen.getByRole('checkbox', { name: 'Allow clips' });
    expect(allow).toHaveProperty('checked', true);
    await userEvent.click(allow);
    expect(actions.setSwitch).toHaveBeenCalledWith('clipping', false);
  });

  it('shows the switch off when the host turned clipping off', () => {
    const snap = snapshot();
    snap.space = { ...snap.space, clipping: false };
    render(<HostTools snapshot={snap} me={meIn(snap, ada.id)} actions={fakeActions()} />);
    expect(screen.getByRole('checkbox', { name: 'Allow clips' })).toHaveProperty('checked', false);
  });

  it('offers the iframe snippet in the share sheet', () => {
    const space = snapshot().space;
    render(
      <MemoryRouter>
        <ShareSheet space={space} signedIn={false} onClose={vi.fn()} />
      </MemoryRouter>,
    );
    const code = screen.getByLabelText('Embed the player') as HTMLTextAreaElement;
    expect(code.value).toContain(`src="http://salon.test/embed/spaces/${space.id}"`);
    expect(code.value.startsWith('<iframe ')).toBe(true);
    expect(screen.getByRole('button', { name: 'Copy the embed code' })).toBeTruthy();
  });
});
