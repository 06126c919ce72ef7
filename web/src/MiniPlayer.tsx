import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router-dom';
import { MiniAudio } from './audio/ui/AudioPanel';
import { useLive, useSpaceView } from './live';
import { ConnectionBadge } from './screens/space/SpaceRoom';

/** The space you are in, kept at the bottom while you browse elsewhere. */
export function MiniPlayer() {
  const { t, i18n } = useTranslation('nav');
  const live = useLive();
  const location = useLocation();
  const current = live.current;
  const view = useSpaceView(current?.store ?? null);
  if (!current || location.pathname === `/spaces/${current.spaceId}`) return null;
  const space = view.snapshot?.space;
  const count = view.snapshot?.counts.now_total ?? 0;
  const state =
    view.status === 'removed'
      ? t('mini.removed')
      : space?.state === 'ended'
        ? t('mini.ended')
        : space?.state === 'live'
          ? t('mini.listening', {
              count,
              formatted: new Intl.NumberFormat(i18n.language).format(count),
            })
          : '';
  return (
    <section className="mini-player" aria-label={t('mini.region')}>
      <Link to={`/spaces/${current.spaceId}`} className="mini-player-main">
        {space?.state === 'live' ? (
          <span className="badge badge-live">{t('mini.live')}</span>
        ) : null}
        <span className="mini-title" dir="auto">
          {space?.title ?? t('mini.joining')}
        </span>
        <span className="muted mini-state">{state}</span>
      </Link>
      <MiniAudio />
      {live.connection !== 'open' ? <ConnectionBadge state={live.connection} /> : null}
      <button type="button" onClick={() => live.leave()}>
        {t('mini.leave')}
      </button>
    </section>
  );
}
