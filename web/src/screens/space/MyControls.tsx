import { allows, type SpaceDto } from '@salon/protocol';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router-dom';
import type { SpaceActions } from './actions';
import { OwnCaptionsSetting } from './captions/CaptionsSetting';
import { type Me, may, turnedOff } from './roles';

/**
 * Your own part: ask to speak, answer an invitation, your microphone, stepping
 * down. Each control shows when the policy's table (`may`) lets its command
 * through; none of them does before the space is live or after it ends.
 */
export function MyControls({
  me,
  actions,
  space,
}: {
  me: Me;
  actions: SpaceActions;
  /** For the stage member's own captions switch (absent: not shown). */
  space?: SpaceDto;
}) {
  const { t } = useTranslation('space');
  const location = useLocation();
  if (me.role === 'guest') {
    // Guests listen and react only: the link shows where signing in would let them ask.
    if (!allows('request_to_speak', 'listener', me.space)) return null;
    return (
      <div className="my-controls">
        <Link className="button" to={`/signin?next=${encodeURIComponent(location.pathname)}`}>
          {t('mine.signInToSpeak')}
        </Link>
      </div>
    );
  }
  if (me.member) {
    // Your own microphone (muting yourself needs only your place on the stage, as unmuting).
    if (!may(me, 'unmute')) return null;
    const muted = me.member.muted;
    const userId = me.userId!;
    return (
      <div className="my-controls">
        <button
          type="button"
          className={muted ? 'mic-button muted' : 'mic-button primary'}
          onClick={() => (muted ? actions.unmute(userId) : actions.mute(userId))}
        >
          <span aria-hidden="true">{muted ? '🔇' : '🎙'}</span>{' '}
          {muted ? t('mine.unmute') : t('mine.mute')}
        </button>
        {/* The policy's one case beyond the table: the host ends the space instead (host_cannot_leave). */}
        {may(me, 'leave_stage') && me.role !== 'host' ? (
          <button type="button" onClick={() => actions.leaveStage()}>
            {t('mine.leaveStage')}
          </button>
        ) : null}
        {space ? <OwnCaptionsSetting space={space} userId={userId} /> : null}
      </div>
    );
  }
  if (me.invitation) {
    if (!may(me, 'accept_invitation')) return null;
    return (
      <div className="my-controls invitation" role="status">
        <p>{me.invitation.role === 'cohost' ? t('mine.invitedCohost') : t('mine.invitedSpeak')}</p>
        <button type="button" className="primary" onClick={() => actions.acceptInvitation()}>
          {t('mine.accept')}
        </button>
        <button type="button" onClick={() => actions.declineInvitation()}>
          {t('mine.decline')}
        </button>
      </div>
    );
  }
  // The hosts locked the stage: say so, where the button would be (requests already made stay).
  const off = me.requested ? null : turnedOff(me, 'request_to_speak');
  if (off) {
    return (
      <div className="my-controls">
        <p className="muted" role="status">
          {t(`switches.${off}.off`)}
        </p>
      </div>
    );
  }
  if (!may(me, me.requested ? 'cancel_request' : 'request_to_speak')) return null;
  return (
    <div className="my-controls">
      {me.requested ? (
        <>
          <span className="muted" role="status">
            {t('mine.requestSent')}
          </span>
          <button type="button" onClick={() => actions.cancelRequest()}>
            {t('mine.cancelRequest')}
          </button>
        </>
      ) : (
        <button type="button" className="primary" onClick={() => actions.requestToSpeak()}>
          <span aria-hidden="true">✋</span> {t('mine.request')}
        </button>
      )}
    </div>
  );
}
