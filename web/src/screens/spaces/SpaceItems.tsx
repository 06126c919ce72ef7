import type { DiscoverItem, ReplayItemDto, SpaceDto } from '@salon/protocol';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { Avatar } from '../../components/Avatar';
import { SpaceCard } from '../../components/SpaceCard';
import { count } from '../../components/time';
import { clock } from '../clips/clips';
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

/** A recorded space: the card leads to its replay, with when it took place (and, from a replay listing, how long, how many plays and listeners). */
export function RecordedItem({ space, replay }: { space: SpaceDto; replay?: ReplayItemDto }) {
  const { t, i18n } = useTranslation('spaces');
  const { t: tr } = useTranslation('replay');
  const day = replay?.ended_at ?? space.ended_at ?? space.started_at ?? space.created_at;
  return (
    <article className="space-card space-card-recorded">
      <div className="space-card-top">
        <span className="badge">{t('recorded_badge')}</span>
        <span className="muted">
          <time dateTime={day}>{formatDay(day, i18n.language)}</time>
        </span>
      </div>
      {/* Like SpaceCard's title and description, but the link goes to the replay and says so to screen readers. */}
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
      {replay ? (
        <p className="muted small">
          {[
            replay.duration_ms
              ? tr('list.duration', { duration: clock(replay.duration_ms) })
              : null,
            tr('list.plays', { count: replay.plays, formatted: count(replay.plays) }),
            tr('list.listeners', {
              count: replay.total_listeners,
              formatted: count(replay.total_listeners),
            }),
          ]
            .filter(Boolean)
            .join(' · ')}
        </p>
      ) : null}
    </article>
  );
}
