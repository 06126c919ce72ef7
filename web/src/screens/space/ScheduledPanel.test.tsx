import { allows, type SpaceSnapshot } from '@salon/protocol';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../api';
import { ada, bob, carol, fakeActions, member, snapshot } from '../../test/factories';
import { MyControls } from './MyControls';
import { meIn } from './roles';
import { ScheduledPanel } from './ScheduledPanel';

/** Ada's space before it starts, Bob invited onto the stage as a co-host already. */
function scheduled(): SpaceSnapshot {
  const live = snapshot();
  return snapshot({
    space: { ...live.space, state: 'scheduled', started_at: null },
    stage: [member(ada, 'host', true), member(bob, 'cohost', true)],
    requests: [],
  });
}

function renderPanel(meId: string | null) {
  vi.spyOn(api, 'reminder').mockResolvedValue({ reminded: false, reminder_count: 2 });
  const actions = fakeActions();
  const snap = scheduled();
  render(
    <MemoryRouter>
      <ScheduledPanel space={snap.space} me={meIn(snap, meId)} actions={actions} />
    </MemoryRouter>,
  );
  return actions;
}

const HOST_TOOLS = ['Start now', 'Edit', 'Reschedule', 'Cancel space'];
const button = (name: string) => screen.queryByRole('button', { name });

afterEach(() => vi.restoreAllMocks());

describe('ScheduledPanel', () => {
  it('gives the host the schedule tools, as the rule table allows, and no reminder of their own', async () => {
    const actions = renderPanel(ada.id);
    expect(await screen.findByTestId('reminder-count')).toBeTruthy();
    for (const name of HOST_TOOLS) expect(button(name), name).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Remind me/ })).toBeNull();
    await userEvent.click(button('Start now')!);
    expect(actions.start).toHaveBeenCalled();
  });

  it('gives a co-host no schedule tools (the table: the host only) but a reminder', async () => {
    expect(allows('start', 'cohost', { state: 'scheduled' })).toBe(false);
    renderPanel(bob.id);
    expect(await screen.findByRole('button', { name: /Remind me/ })).toBeTruthy();
    for (const name of HOST_TOOLS) expect(button(name), name).toBeNull();
  });

  it('lets a listener set a reminder, with no schedule tools', async () => {
    renderPanel(carol.id);
    expect(await screen.findByRole('button', { name: /Remind me/ })).toBeTruthy();
    for (const name of HOST_TOOLS) expect(button(name), name).toBeNull();
  });

  it('asks a guest to sign in to be reminded', async () => {
    renderPanel(null);
    expect(await screen.findByTestId('reminder-count')).toBeTruthy();
    expect(screen.getByText('Sign in to be reminded when it starts.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Remind me/ })).toBeNull();
  });
});

describe('MyControls before the start and after the end', () => {
  for (const state of ['scheduled', 'ended'] as const) {
    it(`shows nobody a control of their own while the space is ${state}`, () => {
      const base = scheduled();
      const snap = { ...base, space: { ...base.space, state } };
      for (const meId of [ada.id, bob.id, carol.id, null]) {
        const { container, unmount } = render(
          <MemoryRouter>
            <MyControls me={meIn(snap, meId)} actions={fakeActions()} space={snap.space} />
          </MemoryRouter>,
        );
        expect(container.querySelector('.my-controls'), `${meId} ${state}`).toBeNull();
        unmount();
      }
    });
  }
});
