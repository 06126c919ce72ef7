import type { ListenerDto, SpaceSnapshot } from '@salon/protocol';
import { useTranslation } from 'react-i18next';
import { Avatar } from '../../components/Avatar';
import { count } from '../../components/time';
import { audience } from './roles';

/** Listed listeners, then "and N others" for the guests and incognito listeners nobody lists. */
export function Audience({
  snapshot,
  onSelect,
}: {
  snapshot: SpaceSnapshot;
  onSelect: (listener: ListenerDto) => void;
}) {
  const { t } = useTranslation('space');
  const { listed, others } = audience(snapshot);
  return (
    <section aria-labelledby="audience-title" className="audience">
      <h2 id="audience-title">{t('audience.title')}</h2>
      {listed.length === 0 && others === 0 ? <p className="muted">{t('audience.empty')}</p> : null}
      <ul className="listeners">
        {listed.map((l) => (
          <li key={l.user_id}>
            <button type="button" className="listener" onClick={() => onSelect(l)}>
              <Avatar user={l.user} size="md" />
              <span dir="auto">{l.user.display_name}</span>
            </button>
          </li>
        ))}
      </ul>
      {others > 0 ? (
        <p className="muted" data-testid="others">
          {t(listed.length > 0 ? 'audience.andOthers' : 'audience.others', {
            count: others,
            formatted: count(others),
          })}
        </p>
      ) : null}
    </section>
  );
}

/**
 * "N people here · M in total". Here counts everyone in the space now, the
 * stage included, once per person (as X's participant_count), the same number
 * the Home bubbles, the Spaces tab and the mini-player show. Only while live:
 * an ended space shows its summary instead.
 */
export function Counts({ snapshot }: { snapshot: SpaceSnapshot }) {
  const { t } = useTranslation('space');
  const { now_total, total_unique } = snapshot.counts;
  return (
    <p className="space-counts" aria-live="polite" data-testid="counts">
      <span>
        <strong data-testid="now-total">{count(now_total)}</strong>{' '}
        {t('counts.here', { count: now_total })}
      </span>
      <span aria-hidden="true"> · </span>
      <span>
        <strong data-testid="total-unique">{count(total_unique)}</strong>{' '}
        {t('counts.total', { count: total_unique })}
      </span>
    </p>
  );
}
