import type { SpaceSnapshot, UserSummaryDto } from '@salon/protocol';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RecBadge, StateBadge, Topics } from '../../components/SpaceCard';
import type { ConnectionState } from '../../realtime';
import type { ReactionBatch } from '../../spaceStore';
import { LiveClipButton } from '../clips/ClipButton';
import { TicketBadge } from '../tickets/TicketBadge';
import { Audience, Counts } from './Audience';
import type { SpaceActions } from './actions';
import { CaptionsPanel, CaptionsSign, peopleOf } from './captions/CaptionsPanel';
import { type CaptionsFeed, EMPTY_FEED, shownState } from './captions/feed';
import { useCaptionPreferences } from './captions/usePreferences';
import { EndedSummary } from './Ended';
import { HostTools } from './HostTools';
import { LeaveDialog } from './LeaveDialog';
import { MyControls } from './MyControls';
import type { PersonalNotice } from './notices';
import { PersonMenu } from './PersonMenu';
import { Pins } from './Pins';
import { FloatingReactions, ReactionBar } from './Reactions';
import { ReportDialog } from './ReportDialog';
import { Requests } from './Requests';
import { meIn } from './roles';
import { ScheduledPanel } from './ScheduledPanel';
import { ShareSheet } from './ShareSheet';
import { Stage } from './Stage';

export interface SpaceRoomProps {
  snapshot: SpaceSnapshot;
  /** The signed-in user, or null for a guest. */
  meId: string | null;
  actions: SpaceActions;
  reactions: (listener: (batch: ReactionBatch) => void) => () => void;
  connection: ConnectionState;
  notice: string | null;
  /** Live captions as the store keeps them (lines, state). */
  captions?: CaptionsFeed;
  onLeave: () => void;
  /** Listening without being listed (signed-in listeners); absent where it does not apply. */
  incognito?: { on: boolean; toggle: () => void };
  /** The audio panel (status, tap to listen, microphone, volume), when there is audio. */
  audio?: ReactNode;
  /** Stage members talking now. */
  speaking?: ReadonlySet<string>;
  /** Something done to you (muted by the host, moved off the stage, request declined). */
  personal?: { notice: PersonalNotice | null; dismiss: () => void };
}

interface Selected {
  user: UserSummaryDto;
}

/** A space as its snapshot says, with the controls of your role. */
export function SpaceRoom({
  snapshot,
  meId,
  actions,
  reactions,
  connection,
  notice,
  captions = EMPTY_FEED,
  onLeave,
  incognito,
  audio,
  speaking,
  personal,
}: SpaceRoomProps) {
  const { t } = useTranslation('space');
  const [selected, setSelected] = useState<Selected | null>(null);
  const [dialog, setDialog] = useState<'share' | 'report' | 'leave' | null>(null);
  const [reported, setReported] = useState<UserSummaryDto | null>(null);
  const { space } = snapshot;
  const me = meIn(snapshot, meId);
  const over = space.state === 'ended' || space.state === 'cancelled';
  // As on X, the host leaving ends the space: say so first, and offer the handover.
  const leave = () => (me.role === 'host' && me.live ? setDialog('leave') : onLeave());
  const [captionPrefs, setCaptionPrefs] = useCaptionPreferences();
  const captionsState = shownState(space, captions);
  const captionsPanel = (position: 'top' | 'bottom') =>
    captionsState !== 'off' && captionPrefs.position === position ? (
      <CaptionsPanel
        feed={captions}
        state={captionsState}
        people={peopleOf(snapshot)}
        preferences={captionPrefs}
        onPreferences={setCaptionPrefs}
      />
    ) : null;

  return (
    <main className="page space-page" aria-labelledby="space-title">
      <header className="space-head">
        <div className="row">
          <StateBadge space={space} />
          {snapshot.recording && me.live ? <RecBadge /> : null}
          <CaptionsSign state={captionsState} />
          <ConnectionBadge state={connection} />
          <TicketBadge space={space} />
        </div>
        <h1 id="space-title" dir="auto">
          {space.title}
        </h1>
        {space.description ? (
          <p className="space-description" dir="auto">
            {space.description}
          </p>
        ) : null}
        <Topics topics={space.topics} label={t('topics')} />
        {space.state === 'live' ? <Counts snapshot={snapshot} /> : null}
        <div className="row space-toolbar">
          <button type="button" onClick={() => setDialog('share')}>
            {t('share')}
          </button>
          {space.state === 'live' && me.live ? (
            <LiveClipButton space={space} signedIn={meId !== null} />
          ) : null}
          {meId ? (
            <button type="button" onClick={() => setDialog('report')}>
              {t('report')}
            </button>
          ) : null}
          {incognito && meId && !me.member && me.live ? (
            <button type="button" aria-pressed={incognito.on} onClick={incognito.toggle}>
              {t('incognito')}
            </button>
          ) : null}
          <button type="button" onClick={leave}>
            {t('leave')}
          </button>
        </div>
      </header>

      {space.state === 'live' && space.host_away_since ? (
        <section className="notice-box host-away" role="status" data-testid="host-away">
          <p className="strong">{t('hostAway')}</p>
          <p className="muted">{t('hostAwayHelp')}</p>
        </section>
      ) : null}
      {personal?.notice ? (
        <section className="notice-box personal-notice" aria-label={t('notices.region')}>
          <p role="alert">{t(`notices.${personal.notice}`)}</p>
          <button type="button" onClick={personal.dismiss}>
            {t('notices.dismiss')}
          </button>
        </section>
      ) : null}

      {audio}

      {space.state === 'scheduled' ? (
        <ScheduledPanel space={space} me={me} actions={actions} />
      ) : null}
      {over ? <EndedSummary snapshot={snapshot} /> : null}
      {captionsPanel('top')}

      <section aria-label={t('stageRegion')} className="stage-area">
        <Stage
          stage={snapshot.stage}
          meId={meId}
          // Nobody speaks in a space that is over, whatever the last level said.
          speaking={space.state === 'live' ? speaking : undefined}
          onSelect={(m) => setSelected({ user: m.user })}
        />
        <FloatingReactions source={reactions} />
      </section>

      <MyControls me={me} actions={actions} space={space} />
      {me.live ? <ReactionBar onReact={actions.react} disabled={connection !== 'open'} /> : null}
      {captionsPanel('bottom')}
      {notice ? (
        <p className="error" role="alert">
          {notice}
        </p>
      ) : null}

      {me.moderator && me.live ? (
        <>
          <HostTools snapshot={snapshot} me={me} actions={actions} />
          <Requests snapshot={snapshot} actions={actions} />
        </>
      ) : null}

      <Pins
        pins={snapshot.pins}
        canPin={me.member !== null && me.live}
        meId={meId}
        actions={actions}
      />
      {space.state === 'live' ? (
        <Audience snapshot={snapshot} onSelect={(l) => setSelected({ user: l.user })} />
      ) : null}

      {selected ? (
        <PersonMenu
          user={selected.user}
          // The person may have moved on or off the stage since the menu opened.
          role={snapshot.stage.find((m) => m.user_id === selected.user.id)?.role ?? 'listener'}
          muted={snapshot.stage.find((m) => m.user_id === selected.user.id)?.muted ?? true}
          me={me}
          hostId={space.host_id}
          actions={actions}
          onReport={(user) => {
            setSelected(null);
            setReported(user);
            setDialog('report');
          }}
          onClose={() => setSelected(null)}
        />
      ) : null}
      {dialog === 'share' ? (
        <ShareSheet space={space} signedIn={meId !== null} onClose={() => setDialog(null)} />
      ) : null}
      {dialog === 'leave' ? (
        <LeaveDialog
          snapshot={snapshot}
          onEnd={async () => {
            if (await actions.end()) {
              setDialog(null);
              onLeave();
            }
          }}
          onHandOver={async (userId) => {
            if (await actions.handOver(userId)) setDialog(null);
          }}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog === 'report' ? (
        <ReportDialog
          spaceId={space.id}
          user={reported}
          onClose={() => {
            setDialog(null);
            setReported(null);
          }}
        />
      ) : null}
    </main>
  );
}

export function ConnectionBadge({ state }: { state: ConnectionState }) {
  const { t } = useTranslation('space');
  return (
    <span className={`badge connection connection-${state}`} role="status" data-state={state}>
      {t(`connection.${state}`)}
    </span>
  );
}
