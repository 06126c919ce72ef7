import type { SpaceSnapshot } from '@salon/protocol';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { count, duration, when } from '../../components/time';

/**
 * An ended space: why and when it ended, how long it lasted, how many people
 * listened in total, and its replay when it was recorded. Nothing "now".
 */
export function EndedSummary({ snapshot }: { snapshot: SpaceSnapshot }) {
  const { t } = useTranslation('space');
  const { space } = snapshot;
  if (space.state === 'cancelled') {
    return (
      <section className="notice-box" role="status">
        <p className="strong">{t('ended.cancelled')}</p>
      </section>
    );
  }
  const why =
    space.ended_reason === 'moderation'
      ? t('ended.moderation')
      : space.ended_reason === 'host_left'
        ? t('ended.hostLeft')
        : t('ended.byHost');
  const lasted =
    space.started_at && space.ended_at
      ? (Date.parse(space.ended_at) - Date.parse(space.started_at)) / 1000
      : null;
  const total = snapshot.counts.total_unique;
  return (
    <section className="notice-box ended-summary" role="status" aria-labelledby="ended-title">
      <p className="strong" id="ended-title">
        {t('ended.title')}
      </p>
      <p data-testid="ended-reason">{why}</p>
      <ul className="plain-list">
        {space.ended_at ? <li>{t('ended.endedAt', { when: when(space.ended_at) })}</li> : null}
        {lasted !== null ? <li>{t('ended.lasted', { duration: duration(lasted) })}</li> : null}
        <li data-testid="ended-total">
          {t('ended.listened', { count: total, formatted: count(total) })}
        </li>
      </ul>
      {snapshot.recording ? (
        <Link className="button primary" to={`/spaces/${space.id}/replay`}>
          {t('ended.replay')}
        </Link>
      ) : (
        <p className="muted">{t('ended.noReplay')}</p>
      )}
    </section>
  );
}
