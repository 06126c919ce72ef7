import type { InvitationRole, SpaceSnapshot } from '@salon/protocol';
import { type FormEvent, useState } from 'react';
import { api, errorMessage } from '../../api';
import { Avatar } from '../../components/Avatar';
import { ErrorText } from '../../components/ErrorText';
import { Modal } from '../../components/Modal';
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
  const [role, setRole] = useState<InvitationRole>('speaker');
  const [handle, setHandle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const { listed } = audience(snapshot);

  async function invite(userId: string, name: string) {
    setError(null);
    if (await actions.invite(userId, role)) setSent(`Invitation sent to ${name}.`);
    else setError(`Could not invite ${name}.`);
  }

  async function byHandle(event: FormEvent) {
    event.preventDefault();
    const h = handle.trim().replace(/^@/, '');
    if (!h) return;
    try {
      const user = await api.userByHandle(h);
      await invite(user.id, user.display_name);
      setHandle('');
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <Modal title="Invite to the stage" onClose={onClose}>
      {isHost ? (
        <fieldset className="row">
          <legend>Invite as</legend>
          <label className="check">
            <input type="radio" checked={role === 'speaker'} onChange={() => setRole('speaker')} />
            Speaker
          </label>
          <label className="check">
            <input type="radio" checked={role === 'cohost'} onChange={() => setRole('cohost')} />
            Co-host
          </label>
        </fieldset>
      ) : null}
      <form onSubmit={byHandle} className="row">
        <label htmlFor="invite-handle" className="visually-hidden">
          Handle
        </label>
        <input
          id="invite-handle"
          placeholder="@handle"
          value={handle}
          onChange={(e) => setHandle(e.target.value)}
        />
        <button type="submit" className="primary">
          Invite
        </button>
      </form>
      {listed.length ? <h3>Listening now</h3> : null}
      <ul className="menu">
        {listed.map((l) => (
          <li key={l.user_id} className="request">
            <Avatar user={l.user} size="sm" />
            <span className="grow">{l.user.display_name}</span>
            <button type="button" onClick={() => invite(l.user_id, l.user.display_name)}>
              Invite {l.user.display_name}
            </button>
          </li>
        ))}
      </ul>
      {sent ? <p role="status">{sent}</p> : null}
      <ErrorText error={error} />
    </Modal>
  );
}
