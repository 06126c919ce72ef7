import type { UserSummaryDto } from '@salon/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { SpeakerVolumeSlider } from '../../audio/ui/SpeakerVolumes';
import { Avatar } from '../../components/Avatar';
import { Modal } from '../../components/Modal';
import type { SpaceActions } from './actions';
import { Confirm } from './Confirm';
import { type Me, may, type Role } from './roles';

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
  const { t } = useTranslation('space');
  const [confirming, setConfirming] = useState<'remove' | 'block' | null>(null);
  const self = user.id === me.userId;
  const onStage = role === 'host' || role === 'cohost' || role === 'speaker';
  // The table's rows for the moderator's and the host's items (mute: host or co-host, live).
  const mod = may(me, 'mute');
  const isHost = may(me, 'add_cohost');
  const act = (run: () => Promise<boolean>) => async () => {
    if (await run()) onClose();
  };
  const items: { label: string; run: () => void; danger?: boolean }[] = [];

  if (self && onStage && me.live) {
    items.push(
      muted
        ? { label: t('person.unmute'), run: act(() => actions.unmute(user.id)) }
        : { label: t('person.mute'), run: act(() => actions.mute(user.id)) },
    );
  }
  if (!self && mod && onStage && !muted) {
    items.push({ label: t('person.mute'), run: act(() => actions.mute(user.id)) });
  }
  if (!self && isHost && role === 'speaker') {
    items.push({ label: t('person.makeCohost'), run: act(() => actions.makeCohost(user.id)) });
  }
  if (!self && isHost && role === 'cohost') {
    items.push({ label: t('person.removeCohost'), run: act(() => actions.removeCohost(user.id)) });
  }
  if (!self && mod && role === 'listener') {
    items.push({
      label: t('person.inviteSpeak'),
      run: act(() => actions.invite(user.id, 'speaker')),
    });
    if (isHost) {
      items.push({
        label: t('person.inviteCohost'),
        run: act(() => actions.invite(user.id, 'cohost')),
      });
    }
  }
  if (!self && mod && onStage && user.id !== hostId) {
    items.push({
      label: t('person.removeFromStage'),
      run: act(() => actions.removeFromStage(user.id)),
    });
  }
  if (!self && mod && user.id !== hostId) {
    items.push({
      label: t('person.removeFromSpace'),
      danger: true,
      run: () => setConfirming('remove'),
    });
  }
  if (!self && me.userId) {
    items.push({ label: t('person.block'), danger: true, run: () => setConfirming('block') });
    items.push({ label: t('person.report'), run: () => onReport(user) });
  }

  const name = user.display_name;
  if (confirming === 'remove') {
    return (
      <Confirm
        title={t('confirmRemove.title', { name })}
        cancel={t('confirmRemove.cancel')}
        confirm={t('confirmRemove.confirm')}
        onConfirm={act(() => actions.removeFromSpace(user.id))}
        onClose={() => setConfirming(null)}
      >
        <p>{t('confirmRemove.body')}</p>
        <p className="muted">{t('confirmRemove.limits')}</p>
      </Confirm>
    );
  }
  if (confirming === 'block') {
    return (
      <Confirm
        title={t('confirmBlock.title', { name })}
        cancel={t('confirmBlock.cancel')}
        confirm={t('confirmBlock.confirm')}
        onConfirm={act(() => actions.block(user.id))}
        onClose={() => setConfirming(null)}
      >
        <p className="muted">{t('confirmBlock.body')}</p>
      </Confirm>
    );
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
            @{user.handle} · {t(`roles.${role}`)}
            {onStage ? (muted ? t('person.isMuted') : t('person.isMicOn')) : ''}
          </p>
        </div>
      </div>
      {onStage && !self ? <SpeakerVolumeSlider user={user} /> : null}
      <ul className="menu">
        <li>
          <Link to={`/u/${user.handle}`} className="button">
            {t('person.viewProfile')}
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
