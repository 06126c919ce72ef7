import type { InvitationRole, SpaceSnapshot } from '@salon/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Avatar } from '../../components/Avatar';
import { ErrorText } from '../../components/ErrorText';
import { Modal } from '../../components/Modal';
import { QuietInput } from '../../components/QuietField';
import { submitHandle } from '../../components/share';
import type { SpaceActions } from './actions';
import { audience } from './roles';

/** Invite a listener (or anyone, by handle) to speak or to co-host. */
export function InviteDialog({
  snapshot,
  isHost,
  actions,
  onClose,
}: {
  snapshot: SpaceSnapshot;
  isHost: boolean;
  actions: SpaceActions;
  onClose: () => void;
}) {
  const { t } = useTranslation('space');
  const [role, setRole] = useState<InvitationRole>('speaker');
  const [handle, setHandle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const { listed } = audience(snapshot);

  async function invite(userId: string, name: string) {
    setError(null);
    if (await actions.invite(userId, role)) setSent(t('inviteDialog.sent', { name }));
    else setError(t('inviteDialog.failed', { name }));
  }

  const byHandle = submitHandle(
    handle,
    async (user) => {
      await invite(user.id, user.display_name);
      setHandle('');
    },
    setError,
  );

  return (
    <Modal title={t('inviteDialog.title')} onClose={onClose}>
      {isHost ? (
        <fieldset className="row">
          <legend>{t('inviteDialog.as')}</legend>
          <label className="check">
            <input type="radio" checked={role === 'speaker'} onChange={() => setRole('speaker')} />
            {t('inviteDialog.speaker')}
          </label>
          <label className="check">
            <input type="radio" checked={role === 'cohost'} onChange={() => setRole('cohost')} />
            {t('inviteDialog.cohost')}
          </label>
        </fieldset>
      ) : null}
      <form onSubmit={byHandle} className="row">
        <QuietInput
          id="invite-handle"
          label={t('inviteDialog.handle')}
          placeholder="@handle"
          value={handle}
          onValue={setHandle}
        />
        <button type="submit" className="primary">
          {t('inviteDialog.invite')}
        </button>
      </form>
      {listed.length ? <h3>{t('inviteDialog.here')}</h3> : null}
      <ul className="menu">
        {listed.map((l) => (
          <li key={l.user_id} className="request">
            {/* The requests list's row look (Requests.tsx), with an invite button. */}
            <Avatar user={l.user} size="sm" />
            <span className="grow" dir="auto">
              {l.user.display_name}
            </span>
            <button type="button" onClick={() => invite(l.user_id, l.user.display_name)}>
              {t('inviteDialog.inviteWho', { name: l.user.display_name })}
            </button>
          </li>
        ))}
      </ul>
      {sent ? <p role="status">{sent}</p> : null}
      <ErrorText error={error} />
    </Modal>
  );
}
