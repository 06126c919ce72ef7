import type { UserSummaryDto } from '@salon/protocol';
import { Link } from 'react-router-dom';
import { SpeakerVolumeSlider } from '../../audio/SpeakerVolumes';
import { Avatar } from '../../components/Avatar';
import { Modal } from '../../components/Modal';
import type { SpaceActions } from './actions';
import { type Me, ROLE_LABEL, type Role } from './roles';

/** What you can do about one person in the space, by your role and theirs. */
export function PersonMenu({
  user,
  role,
  muted,
  me,
  hostId,
  actions,
  onReport,
  onClose,
}: {
  user: UserSummaryDto;
  role: Role;
  muted: boolean;
  me: Me;
  hostId: string;
  actions: SpaceActions;
  onReport: (user: UserSummaryDto) => void;
  onClose: () => void;
}) {
  const self = user.id === me.userId;
  const onStage = role === 'host' || role === 'cohost' || role === 'speaker';
  const mod = me.moderator && me.live;
  const isHost = me.role === 'host' && me.live;
  const act = (run: () => Promise<boolean>) => async () => {
    if (await run()) onClose();
  };
  const items: { label: string; run: () => void; danger?: boolean }[] = [];

  if (self && onStage && me.live) {
    items.push(
      muted
        ? { label: 'Unmute', run: act(() => actions.unmute(user.id)) }
        : { label: 'Mute', run: act(() => actions.mute(user.id)) },
    );
  }
  if (!self && mod && onStage && !muted) {
    items.push({ label: 'Mute', run: act(() => actions.mute(user.id)) });
  }
  if (!self && isHost && role === 'speaker') {
    items.push({ label: 'Make co-host', run: act(() => actions.makeCohost(user.id)) });
  }
  if (!self && isHost && role === 'cohost') {
    items.push({ label: 'Remove as co-host', run: act(() => actions.removeCohost(user.id)) });
  }
  if (!self && mod && role === 'listener') {
    items.push({ label: 'Invite to speak', run: act(() => actions.invite(user.id, 'speaker')) });
    if (isHost) {
      items.push({ label: 'Invite to co-host', run: act(() => actions.invite(user.id, 'cohost')) });
    }
  }
  if (!self && mod && onStage && user.id !== hostId) {
    items.push({ label: 'Remove from stage', run: act(() => actions.removeFromStage(user.id)) });
  }
  if (!self && mod && user.id !== hostId) {
    items.push({
      label: 'Remove from space',
      danger: true,
      run: act(() => actions.removeFromSpace(user.id)),
    });
  }
  if (!self && me.userId) {
    items.push({ label: 'Block', danger: true, run: act(() => actions.block(user.id)) });
    items.push({ label: 'Report', run: () => onReport(user) });
  }

  return (
    <Modal title={user.display_name} onClose={onClose}>
      <div className="person-head">
        <Avatar user={user} size="lg" />
        <div>
          <p className="strong" dir="auto">
            {user.display_name}
          </p>
          <p className="muted">
            @{user.handle} · {ROLE_LABEL[role]}
            {onStage ? (muted ? ' · muted' : ' · microphone on') : ''}
          </p>
        </div>
      </div>
      {onStage && !self ? <SpeakerVolumeSlider user={user} /> : null}
      <ul className="menu">
        <li>
          <Link to={`/u/${user.handle}`} className="button">
            View profile
          </Link>
        </li>
        {items.map((item) => (
          <li key={item.label}>
            <button type="button" className={item.danger ? 'danger' : ''} onClick={item.run}>
              {item.label}
            </button>
          </li>
        ))}
      </ul>
    </Modal>
  );
}
