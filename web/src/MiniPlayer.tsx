import { Link, useLocation } from 'react-router-dom';
import { MiniAudio } from './audio/AudioPanel';
import { useLive, useSpaceView } from './live';
import { ConnectionBadge } from './screens/space/SpaceRoom';

/** The space you are in, kept at the bottom while you browse elsewhere. */
export function MiniPlayer() {
  const live = useLive();
  const location = useLocation();
  const current = live.current;
  const view = useSpaceView(current?.store ?? null);
  if (!current || location.pathname === `/spaces/${current.spaceId}`) return null;
  const space = view.snapshot?.space;
  const state =
    view.status === 'removed'
      ? 'You were removed'
      : space?.state === 'ended'
        ? 'Ended'
        : space?.state === 'live'
          ? `${view.snapshot?.counts.now_total ?? 0} listening`
          : '';
  return (
    <section className="mini-player" aria-label="Current space">
      <Link to={`/spaces/${current.spaceId}`} className="mini-player-main">
        {space?.state === 'live' ? <span className="badge badge-live">Live</span> : null}
        <span className="mini-title">{space?.title ?? 'Joining…'}</span>
        <span className="muted mini-state">{state}</span>
      </Link>
      <MiniAudio />
      {live.connection !== 'open' ? <ConnectionBadge state={live.connection} /> : null}
      <button type="button" onClick={() => live.leave()}>
        Leave
      </button>
    </section>
  );
}
