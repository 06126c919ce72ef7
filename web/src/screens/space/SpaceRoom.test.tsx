import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import type { ReactionBatch } from '../../spaceStore';
import { ada, bob, carol, dan, fakeActions, member, snapshot } from '../../test/factories';
import { SpaceRoom, type SpaceRoomProps } from './SpaceRoom';

function renderRoom(props: Partial<SpaceRoomProps> & { meId: string | null }) {
  const actions = props.actions ?? fakeActions();
  let emit: (batch: ReactionBatch) => void = () => undefined;
  const view = render(
    <MemoryRouter>
      <SpaceRoom
        snapshot={snapshot()}
        connection="open"
        notice={null}
        onLeave={vi.fn()}
        reactions={(listener) => {
          emit = listener;
          return () => undefined;
        }}
        {...props}
        actions={actions}
      />
    </MemoryRouter>,
  );
  return { ...view, actions, emit: (batch: ReactionBatch) => emit(batch) };
}

const button = (name: string | RegExp) => screen.queryByRole('button', { name });

describe('SpaceRoom', () => {
  it('shows the stage with roles and microphones, the counts and the unlisted listeners', () => {
    renderRoom({ meId: dan.id });
    const stage = screen.getByRole('list', { name: 'On stage' });
    expect(within(stage).getByRole('button', { name: /Ada.*Host.*microphone on/ })).toBeTruthy();
    expect(within(stage).getByRole('button', { name: /Bob.*Speaker/ })).toBeTruthy();
    expect(screen.getByTestId('now-total').textContent).toBe('12');
    expect(screen.getByTestId('total-unique').textContent).toBe('30');
    // Carol and Dan are listed; 8 anonymous people are only counted.
    expect(screen.getByRole('button', { name: 'Carol' })).toBeTruthy();
    expect(screen.getByTestId('others').textContent).toBe('and 8 others');
  });

  it('gives the host the moderation tools and the requests', async () => {
    const { actions } = renderRoom({ meId: ada.id });
    for (const name of ['Mute all', 'Invite', 'Edit', 'End space', 'Record']) {
      expect(button(name), name).toBeTruthy();
    }
    await userEvent.click(button('Approve Carol')!);
    expect(actions.approve).toHaveBeenCalledWith(carol.id);
    await userEvent.click(button('Decline Carol')!);
    expect(actions.decline).toHaveBeenCalledWith(carol.id);
    expect(button(/Request to speak/)).toBeNull();
  });

  it('lets the host mute a speaker and remove them, from their tile', async () => {
    const { actions } = renderRoom({ meId: ada.id });
    await userEvent.click(screen.getByRole('button', { name: /Bob.*Speaker/ }));
    const menu = screen.getByRole('dialog', { name: 'Bob' });
    for (const name of [
      'Make co-host',
      'Remove from stage',
      'Remove from space',
      'Block',
      'Report',
    ]) {
      expect(within(menu).getByRole('button', { name }), name).toBeTruthy();
    }
    await userEvent.click(within(menu).getByRole('button', { name: 'Mute' }));
    expect(actions.mute).toHaveBeenCalledWith(bob.id);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('asks the host before ending the space', async () => {
    const { actions } = renderRoom({ meId: ada.id });
    await userEvent.click(button('End space')!);
    expect(actions.end).not.toHaveBeenCalled();
    const confirm = screen.getByRole('alertdialog', { name: 'End this space for everyone?' });
    await userEvent.click(within(confirm).getByRole('button', { name: 'End for everyone' }));
    expect(actions.end).toHaveBeenCalled();
  });

  it('gives a co-host moderation but not the end of the space', () => {
    renderRoom({
      meId: bob.id,
      snapshot: snapshot({ stage: [member(ada, 'host'), member(bob, 'cohost', false)] }),
    });
    expect(button('Mute all')).toBeTruthy();
    expect(button('Approve Carol')).toBeTruthy();
    expect(button('End space')).toBeNull();
    expect(button('Record')).toBeNull();
    // Invite is the host's or a co-host's; editing the space is the host's only (the policy's table).
    expect(button('Invite')).toBeTruthy();
    expect(button('Edit')).toBeNull();
  });

  it('gives a muted speaker their microphone and the way off the stage, no moderation', async () => {
    const { actions } = renderRoom({
      meId: bob.id,
      snapshot: snapshot({ stage: [member(ada, 'host'), member(bob, 'speaker', true)] }),
    });
    await userEvent.click(screen.getByRole('button', { name: 'Unmute' }));
    expect(actions.unmute).toHaveBeenCalledWith(bob.id);
    await userEvent.click(button('Leave stage')!);
    expect(actions.leaveStage).toHaveBeenCalled();
    expect(button('Mute all')).toBeNull();
    expect(button(/Approve/)).toBeNull();
  });

  it('lets a listener ask to speak, then cancel', async () => {
    const first = renderRoom({ meId: dan.id });
    await userEvent.click(button(/Request to speak/)!);
    expect(first.actions.requestToSpeak).toHaveBeenCalled();
    first.unmount();

    const second = renderRoom({ meId: carol.id });
    await userEvent.click(button('Cancel request')!);
    expect(second.actions.cancelRequest).toHaveBeenCalled();
  });

  it('lets the host lock the stage, and then tells a listener instead of offering a request', async () => {
    const host = renderRoom({ meId: ada.id });
    const allow = screen.getByRole('checkbox', { name: 'Allow requests to speak' });
    expect(allow).toHaveProperty('checked', true);
    await userEvent.click(allow);
    expect(host.actions.setSwitch).toHaveBeenCalledWith('speaker_requests', false);
    host.unmount();

    const locked = snapshot();
    locked.space = { ...locked.space, speaker_requests: false };
    const listener = renderRoom({ meId: dan.id, snapshot: locked });
    expect(button(/Request to speak/)).toBeNull();
    expect(screen.getByText(/not taking requests to speak/).getAttribute('role')).toBe('status');
    listener.unmount();

    // A request made before the lock can still be withdrawn.
    renderRoom({ meId: carol.id, snapshot: locked });
    expect(button('Cancel request')).toBeTruthy();
    // Only the hosts have the switch.
    expect(screen.queryByRole('checkbox', { name: 'Allow requests to speak' })).toBeNull();
  });

  it('shows an invitation to accept', async () => {
    const { actions } = renderRoom({
      meId: dan.id,
      snapshot: snapshot({
        invitations: [
          {
            user_id: dan.id,
            user: dan,
            role: 'speaker',
            invited_by: ada.id,
            invited_at: '2026-01-01T10:02:00.000Z',
          },
        ],
      }),
    });
    expect(screen.getByText('You are invited to speak.')).toBeTruthy();
    await userEvent.click(button('Accept invitation')!);
    expect(actions.acceptInvitation).toHaveBeenCalled();
  });

  it('offers a guest reactions and a way to sign in, not to request or report', async () => {
    const { actions } = renderRoom({ meId: null });
    expect(screen.getByRole('link', { name: 'Sign in to request to speak' })).toBeTruthy();
    expect(button('Report')).toBeNull();
    await userEvent.click(button('React: Heart')!);
    expect(actions.react).toHaveBeenCalledWith('❤️');
  });

  it('floats the reactions of everyone over the stage', async () => {
    const { emit, container } = renderRoom({ meId: ada.id });
    emit({ counts: { '❤️': 2, '👍': 1 }, windowMs: 250 });
    await screen.findByText('Reactions: 2 Heart, 1 Thumbs up');
    expect([...container.querySelectorAll('.floater')].map((f) => f.textContent)).toEqual([
      '❤️',
      '❤️',
      '👍',
    ]);
  });

  it('shows REC while recording, and an ended space without controls', () => {
    const recording = renderRoom({ meId: dan.id, snapshot: snapshot({ recording: true }) });
    expect(screen.getByText('REC')).toBeTruthy();
    recording.unmount();

    const base = snapshot();
    renderRoom({
      meId: ada.id,
      snapshot: { ...base, space: { ...base.space, state: 'ended', ended_reason: 'host' } },
    });
    expect(screen.getByText('This space has ended.')).toBeTruthy();
    expect(button('End space')).toBeNull();
    expect(button('React: Heart')).toBeNull();
    expect(button(/Unmute|Mute/)).toBeNull();
  });

  it('lets a signed-in listener listen incognito, but not a speaker or a guest', async () => {
    const toggle = vi.fn();
    const listener = renderRoom({ meId: dan.id, incognito: { on: false, toggle } });
    await userEvent.click(button('Incognito')!);
    expect(toggle).toHaveBeenCalled();
    listener.unmount();
    const speaker = renderRoom({ meId: bob.id, incognito: { on: false, toggle } });
    expect(button('Incognito')).toBeNull();
    speaker.unmount();
    renderRoom({ meId: null, incognito: { on: false, toggle } });
    expect(button('Incognito')).toBeNull();
  });

  it('shows that the connection is being restored, and disables reactions meanwhile', () => {
    renderRoom({ meId: dan.id, connection: 'reconnecting' });
    expect(screen.getByText('Reconnecting…')).toBeTruthy();
    expect((button('React: Heart') as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows the CC sign and the captions while they run, and moves them above the stage keeping focus', async () => {
    localStorage.clear();
    const captioned = snapshot();
    captioned.space = { ...captioned.space, captions: true };
    const { rerender } = renderRoom({ meId: dan.id, snapshot: captioned });
    expect(screen.getByTestId('cc-sign').getAttribute('aria-label')).toBe('Captions on');
    await userEvent.click(screen.getByRole('button', { name: 'Show captions' }));
    const stage = () => screen.getByRole('list', { name: 'On stage' });
    const panel = () => screen.getByRole('region', { name: 'Live captions' });
    const above = () =>
      Boolean(panel().compareDocumentPosition(stage()) & Node.DOCUMENT_POSITION_FOLLOWING);
    expect(above()).toBe(false);
    await userEvent.selectOptions(screen.getByLabelText('Place'), 'top');
    expect(above()).toBe(true);
    expect(document.activeElement).toBe(screen.getByLabelText('Place'));

    rerender(
      <MemoryRouter>
        <SpaceRoom
          snapshot={snapshot()}
          meId={dan.id}
          connection="open"
          notice={null}
          onLeave={vi.fn()}
          reactions={() => () => undefined}
          actions={fakeActions()}
        />
      </MemoryRouter>,
    );
    expect(screen.queryByTestId('cc-sign')).toBeNull();
    expect(screen.queryByRole('region', { name: 'Live captions' })).toBeNull();
    localStorage.clear();
  });
});
