import { Link, useLocation } from 'react-router-dom';
import type { SpaceActions } from './actions';
import type { Me } from './roles';

/** Your own part: ask to speak, answer an invitation, your microphone, stepping down. */
export function MyControls({ me, actions }: { me: Me; actions: SpaceActions }) {
  const location = useLocation();
  if (!me.live) return null;
  if (me.role === 'guest') {
    return (
      <div className="my-controls">
        <Link className="button" to={`/signin?next=${encodeURIComponent(location.pathname)}`}>
          Sign in to request to speak
        </Link>
      </div>
    );
  }
  if (me.member) {
    const muted = me.member.muted;
    const userId = me.userId!;
    return (
      <div className="my-controls">
        <button
          type="button"
          className={muted ? 'mic-button muted' : 'mic-button primary'}
          onClick={() => (muted ? actions.unmute(userId) : actions.mute(userId))}
        >
          <span aria-hidden="true">{muted ? '🔇' : '🎙'}</span> {muted ? 'Unmute' : 'Mute'}
        </button>
        {me.role !== 'host' ? (
          <button type="button" onClick={() => actions.leaveStage()}>
            Leave stage
          </button>
        ) : null}
      </div>
    );
  }
  if (me.invitation) {
    const what = me.invitation.role === 'cohost' ? 'co-host' : 'speak';
    return (
      <div className="my-controls invitation" role="status">
        <p>You are invited to {what}.</p>
        <button type="button" className="primary" onClick={() => actions.acceptInvitation()}>
          Accept invitation
        </button>
        <button type="button" onClick={() => actions.declineInvitation()}>
          Decline
        </button>
      </div>
    );
  }
  return (
    <div className="my-controls">
      {me.requested ? (
        <>
          <span className="muted" role="status">
            Request sent
          </span>
          <button type="button" onClick={() => actions.cancelRequest()}>
            Cancel request
          </button>
        </>
      ) : (
        <button type="button" className="primary" onClick={() => actions.requestToSpeak()}>
          <span aria-hidden="true">✋</span> Request to speak
        </button>
      )}
    </div>
  );
}
