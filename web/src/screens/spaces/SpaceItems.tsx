import type { SpaceDto } from '@salon/protocol';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { Avatar } from '../../components/Avatar';
import { SpaceCard } from '../../components/SpaceCard';
import type { DiscoverItem } from '../../types';
import { formatDay } from './format';
import { ReminderButton } from './ReminderButton';
import './spaces.css';

/** An upcoming space: its card, and the reminder under it (outside the card's link). */
export function UpcomingItem({
  item,
  meId,
}: {
  item: DiscoverItem;
  /** The signed-in person, or null. */
  meId: string | null;
}) {
  return (
    <div className="space-item">
      <SpaceCard space={item.space} />
      <ReminderButton
        spaceId={item.space.id}
        title={item.space.title}
        initial={{ reminded: item.reminded, reminder_count: item.reminder_count }}
        canSet={meId !== null && meId !== item.space.host_id}
      />
    </div>
  );
}

/** A recorded space: the card leads to its replay, with when it took place. */
export function RecordedItem({ space }: { space: SpaceDto }) {
  const { t, i18n } = useTranslation('spaces');
  const day = space.ended_at ?? space.started_at ?? space.created_at;
  return (
    <article className="space-card space-card-recorded">
      <div className="space-card-top">
        <span className="badge">{t('recorded_badge')}</span>
        <span className="muted">
          <time dateTime={day}>{formatDay(day, i18n.language)}</time>
        </span>
      </div>
      <h3 dir="auto">
        <Link to={`/spaces/${space.id}/replay`} className="stretched">
          <span className="visually-hidden">{t('replay_of')} </span>
          {space.title}
        </Link>
      </h3>
      {space.description ? (
        <p className="muted clamp" dir="auto">
          {space.description}
        </p>
      ) : null}
      <div className="space-card-host">
        <Avatar user={space.host} size="sm" />
        <span dir="auto">
          {space.host.display_name} <span className="muted">@{space.host.handle}</span>
        </span>
      </div>
    </article>
  );
}
