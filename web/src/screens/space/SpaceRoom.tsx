import type { SpaceSnapshot, UserSummaryDto } from '@salon/protocol';
import { type ReactNode, useState } from 'react';
import { Link } from 'react-router-dom';
import { RecBadge, StateBadge } from '../../components/SpaceCard';
import type { ConnectionState } from '../../realtime';
import type { ReactionBatch } from '../../spaceStore';
import { Audience, Counts } from './Audience';
import type { SpaceActions } from './actions';
import { HostTools } from './HostTools';
import { MyControls } from './MyControls';
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
  onLeave: () => void;
  /** Listening without being listed (signed-in listeners); absent where it does not apply. */
  incognito?: { on: boolean; toggle: () => void };
  /** The audio panel (status, tap to listen, microphone, volume), when there is audio. */
  audio?: ReactNode;
  /** Stage members talking now. */
  speaking?: ReadonlySet<string>;
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
  onLeave,
  incognito,
  audio,
  speaking,
}: SpaceRoomProps) {
  const [selected, setSelected] = useState<Selected | null>(null);
  const [dialog, setDialog] = useState<'share' | 'report' | null>(null);
  const [reported, setReported] = useState<UserSummaryDto | null>(null);
  const { space } = snapshot;
  const me = meIn(snapshot, meId);

  return (
    <main className="page space-page" aria-labelledby="space-title">
      <header className="space-head">
        <div className="row">
          <StateBadge space={space} />
          {snapshot.recording && me.live ? <RecBadge /> : null}
          <ConnectionBadge state={connection} />
        </div>
        <h1 id="space-title" dir="auto">
          {space.title}
        </h1>
        {space.description ? (
          <p className="space-description" dir="auto">
            {space.description}
          </p>
        ) : null}
        {space.topics.length ? (
          <ul className="topics" aria-label="Topics">
            {space.topics.map((t) => (
              <li key={t} className="topic">
                {t}
              </li>
            ))}
          </ul>
        ) : null}
        {space.state !== 'scheduled' ? <Counts snapshot={snapshot} /> : null}
        <div className="row space-toolbar">
          <button type="button" onClick={() => setDialog('share')}>
            Share
          </button>
          {meId ? (
            <button type="button" onClick={() => setDialog('report')}>
              Report
            </button>
          ) : null}
          {incognito && meId && !me.member && me.live ? (
            <button type="button" aria-pressed={incognito.on} onClick={incognito.toggle}>
              Incognito
            </button>
          ) : null}
          <button type="button" onClick={onLeave}>
            Leave
          </button>
        </div>
      </header>

      {audio}

      {space.state === 'scheduled' ? (
        <ScheduledPanel space={space} meId={meId} isHost={me.role === 'host'} actions={actions} />
      ) : null}
      {space.state === 'ended' || space.state === 'cancelled' ? (
        <section className="notice-box" role="status">
          <p className="strong">
            {space.state === 'ended'
              ? space.ended_reason === 'moderation'
                ? 'This space was ended by the moderators.'
                : 'This space has ended.'
              : 'This space was cancelled.'}
          </p>
          {space.state === 'ended' && snapshot.recording ? (
            <Link className="button" to={`/spaces/${space.id}/replay`}>
              Play the replay
            </Link>
          ) : null}
        </section>
      ) : null}

      <section aria-label="Stage" className="stage-area">
        <Stage
          stage={snapshot.stage}
          meId={meId}
          speaking={speaking}
          onSelect={(m) => setSelected({ user: m.user })}
        />
        <FloatingReactions source={reactions} />
      </section>

      <MyControls me={me} actions={actions} />
      {me.live ? <ReactionBar onReact={actions.react} disabled={connection !== 'open'} /> : null}
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

const CONNECTION_LABEL: Record<ConnectionState, string> = {
  idle: 'Offline',
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
};

export function ConnectionBadge({ state }: { state: ConnectionState }) {
  return (
    <span className={`badge connection connection-${state}`} role="status" data-state={state}>
      {CONNECTION_LABEL[state]}
    </span>
  );
}
