import type { SpaceDto } from '@salon/protocol';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router-dom';
import type { SpaceActions } from './actions';
import { OwnCaptionsSetting } from './captions/CaptionsSetting';
import type { Me } from './roles';

/** Your own part: ask to speak, answer an invitation, your microphone, stepping down. */
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
  if (!me.live) return null;
  if (me.role === 'guest') {
    return (
      <div className="my-controls">
        <Link className="button" to={`/signin?next=${encodeURIComponent(location.pathname)}`}>
          {t('mine.signInToSpeak')}
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
          <span aria-hidden="true">{muted ? '🔇' : '🎙'}</span>{' '}
          {muted ? t('mine.unmute') : t('mine.mute')}
        </button>
        {me.role !== 'host' ? (
          <button type="button" onClick={() => actions.leaveStage()}>
            {t('mine.leaveStage')}
          </button>
        ) : null}
        {space ? <OwnCaptionsSetting space={space} userId={userId} /> : null}
      </div>
    );
  }
  if (me.invitation) {
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
