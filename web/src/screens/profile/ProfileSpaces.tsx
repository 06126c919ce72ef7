import type { SpaceDto } from '@salon/protocol';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { SpaceCard } from '../../components/SpaceCard';
import { usePages } from '../../components/usePages';
import { RecordedItem, UpcomingItem } from '../spaces/SpaceItems';

/** A host's spaces on their profile: live now, upcoming (with reminders), and replays. */
export function ProfileSpaces({
  hostId,
  live,
  meId,
}: {
  hostId: string;
  live: SpaceDto | null;
  meId: string | null;
}) {
  const { t } = useTranslation('profile');
  const upcoming = usePages(
    (cursor) => api.discover('scheduled', { hostId, cursor, limit: 10 }),
    [hostId, meId],
  );
  const recorded = usePages((cursor) => api.userReplays(hostId, cursor), [hostId]);
  return (
    <>
      {live ? (
        <section aria-labelledby="profile-live">
          <h2 id="profile-live">{t('live_now')}</h2>
          <SpaceCard space={live} />
        </section>
      ) : null}
      {upcoming.items.length || upcoming.error ? (
        <section aria-labelledby="profile-upcoming">
          <h2 id="profile-upcoming">{t('upcoming')}</h2>
          <ErrorText error={upcoming.error} />
          <div className="space-grid">
            {upcoming.items.map((i) => (
              <UpcomingItem key={i.space.id} item={i} meId={meId} />
            ))}
          </div>
          {upcoming.more ? (
            <button type="button" disabled={upcoming.loading} onClick={upcoming.loadMore}>
              {t('more_upcoming')}
            </button>
          ) : null}
        </section>
      ) : null}
      {recorded.items.length || recorded.error ? (
        <section aria-labelledby="profile-recorded">
          <h2 id="profile-recorded">{t('recorded')}</h2>
          <ErrorText error={recorded.error} />
          <div className="space-grid">
            {recorded.items.map((i) => (
              <RecordedItem key={i.space.id} space={i.space} replay={i} />
            ))}
          </div>
          {recorded.more ? (
            <button type="button" disabled={recorded.loading} onClick={recorded.loadMore}>
              {t('more_recorded')}
            </button>
          ) : null}
        </section>
      ) : null}
    </>
  );
}
