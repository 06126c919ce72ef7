import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import { ada, bob, carol, dan, fakeActions, member, snapshot } from '../../test/factories';
import { noticeFor } from './notices';
import { SpaceRoom, type SpaceRoomProps } from './SpaceRoom';

// The machine running the suite is shared; dialogs with several clicks take a while there.
vi.setConfig({ testTimeout: 20_000 });

function renderRoom(props: Partial<SpaceRoomProps> & { meId: string | null }) {
  const actions = props.actions ?? fakeActions();
  const onLeave = vi.fn();
  render(
    <MemoryRouter>
      <SpaceRoom
        snapshot={snapshot()}
        connection="open"
        notice={null}
        onLeave={onLeave}
        reactions={() => () => undefined}
        {...props}
        actions={actions}
      />
    </MemoryRouter>,
  );
  return { actions, onLeave };
}

const withCohost = () =>
  snapshot({
    stage: [member(ada, 'host', false), member(carol, 'cohost', true), member(bob, 'speaker')],
  });

describe('leaving as the host', () => {
  it('asks first, saying that leaving ends the space for everyone', async () => {
    const { actions, onLeave } = renderRoom({ meId: ada.id });
    await userEvent.click(screen.getByRole('button', { name: 'Leave' }));
    const dialog = screen.getByRole('alertdialog', {
      name: 'Leave and end the space for everyone?',
    });
    expect(onLeave).not.toHaveBeenCalled();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Leave and end' }));
    expect(actions.end).toHaveBeenCalled();
    expect(onLeave).toHaveBeenCalled();
  });

  it('offers to hand the space to each co-host instead', async () => {
    const { actions } = renderRoom({ meId: ada.id, snapshot: withCohost() });
    await userEvent.click(screen.getByRole('button', { name: 'Leave' }));
    const dialog = screen.getByRole('alertdialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Hand over to Carol' }));
    expect(actions.handOver).toHaveBeenCalledWith(carol.id);
    expect(actions.end).not.toHaveBeenCalled();
  });

  it('lets anyone else leave without a question', async () => {
    const { onLeave } = renderRoom({ meId: dan.id });
    await userEvent.click(screen.getByRole('button', { name: 'Leave' }));
    expect(onLeave).toHaveBeenCalled();
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });
});

describe('a space whose host is away, and an ended space', () => {
  it('tells everyone the host is reconnecting', () => {
    const base = snapshot();
    renderRoom({
      meId: dan.id,
      snapshot: { ...base, space: { ...base.space, host_away_since: '2026-01-01T10:30:00.000Z' } },
    });
    expect(screen.getByTestId('host-away').textContent).toContain('The host is reconnecting…');
  });

  it('shows why and when it ended, how long it lasted and the total, with no "here now" nor rings', () => {
    const base = snapshot({ recording: true });
    renderRoom({
      meId: dan.id,
      speaking: new Set([ada.id]),
      snapshot: {
        ...base,
        space: {
          ...base.space,
          state: 'ended',
          ended_at: '2026-01-01T11:05:00.000Z',
          ended_reason: 'host_left',
        },
      },
    });
    expect(screen.getByTestId('ended-reason').textContent).toBe('It ended because the host left.');
    expect(screen.getByText(/^Lasted 1 h/)).toBeTruthy();
    expect(screen.getByTestId('ended-total').textContent).toBe('30 people listened in total');
    expect(screen.queryByTestId('counts')).toBeNull();
    expect(screen.getByRole('link', { name: 'Play the replay' })).toBeTruthy();
    const stage = screen.getByRole('list', { name: 'On stage' });
    expect(within(stage).getByRole('button', { name: /Ada/ }).dataset.speaking).toBe('false');
  });
});

describe('confirmations and notices', () => {
  it('explains what a removal covers before removing', async () => {
    const { actions } = renderRoom({ meId: ada.id });
    const stage = screen.getByRole('list', { name: 'On stage' });
    await userEvent.click(within(stage).getByRole('button', { name: /Bob/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Remove from space' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Remove Bob from this space?' });
    expect(dialog.textContent).toContain('new browser');
    expect(actions.removeFromSpace).not.toHaveBeenCalled();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    expect(actions.removeFromSpace).toHaveBeenCalledWith(bob.id);
  });

  it('says what someone else did to you, and nothing of what you did yourself', () => {
    const me = bob.id;
    expect(noticeFor([{ type: 'mute_changed', user_ids: [me], muted: true, by: ada.id }], me)).toBe(
      'muted',
    );
    expect(
      noticeFor([{ type: 'mute_changed', user_ids: [me], muted: true, by: me }], me),
    ).toBeNull();
    const stage = [member(ada, 'host')];
    expect(
      noticeFor(
        [
          {
            type: 'stage_changed',
            stage,
            change: { kind: 'left', user_id: me, reason: 'removed_from_stage' },
          },
        ],
        me,
      ),
    ).toBe('movedOff');
    expect(
      noticeFor(
        [{ type: 'stage_changed', stage, change: { kind: 'left', user_id: me, reason: 'left' } }],
        me,
      ),
    ).toBeNull();
    expect(noticeFor([{ type: 'request_removed', user_id: me, reason: 'declined' }], me)).toBe(
      'declined',
    );
    expect(
      noticeFor([{ type: 'request_removed', user_id: me, reason: 'cancelled' }], me),
    ).toBeNull();
    expect(
      noticeFor([{ type: 'host_changed', host_id: me, host: bob, previous_host_id: ada.id }], me),
    ).toBe('nowHost');
  });

  it('shows the notice until dismissed', async () => {
    const dismiss = vi.fn();
    renderRoom({ meId: bob.id, personal: { notice: 'muted', dismiss } });
    expect(screen.getByRole('alert').textContent).toBe('The host muted your microphone.');
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(dismiss).toHaveBeenCalled();
  });
});
