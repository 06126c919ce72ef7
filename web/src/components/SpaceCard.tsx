import type { SpaceDto } from '@salon/protocol';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { TicketBadge } from '../screens/tickets/TicketBadge';
import { Avatar } from './Avatar';
import { when } from './time';

/** A space in a list: state, title, host and topics; the whole card links to the space. */
export function SpaceCard({ space }: { space: SpaceDto }) {
  const { t } = useTranslation('components');
  return (
    <article className={`space-card space-card-${space.state}`}>
      <div className="space-card-top">
        <StateBadge space={space} />
        {space.recording && space.state === 'live' ? <RecBadge /> : null}
        <TicketBadge space={space} />
      </div>
      {/* The card's title and description; a replay's item (spaces/SpaceItems.tsx) links to the replay instead. */}
      <h3>
        <Link to={`/spaces/${space.id}`} className="stretched" dir="auto">
          {space.title}
        </Link>
      </h3>
      {space.description ? (
        <p className="muted clamp" dir="auto">
          {space.description}
        </p>
      ) : null}
      <div className="space-card-host">
        <Avatar user={space.host} size="sm" live={space.state === 'live'} />
        <span>
          <span dir="auto">{space.host.display_name}</span>{' '}
          <span className="muted">@{space.host.handle}</span>
        </span>
      </div>
      <Topics topics={space.topics} label={t('space.topics')} />
    </article>
  );
}

/** A space's topics as tags (nothing without topics). */
export function Topics({ topics, label }: { topics: readonly string[]; label: string }) {
  if (!topics.length) return null;
  return (
    <ul className="topics" aria-label={label}>
      {topics.map((topic) => (
        <li key={topic} className="topic">
          {topic}
        </li>
      ))}
    </ul>
  );
}

export function StateBadge({ space }: { space: Pick<SpaceDto, 'state' | 'scheduled_start'> }) {
  const { t } = useTranslation('components');
  switch (space.state) {
    case 'live':
      return <span className="badge badge-live">{t('space.state.live')}</span>;
    case 'scheduled':
      return (
        <span className="badge badge-scheduled">
          {space.scheduled_start ? when(space.scheduled_start) : t('space.state.scheduled')}
        </span>
      );
    case 'ended':
      return <span className="badge">{t('space.state.ended')}</span>;
    case 'cancelled':
      return <span className="badge">{t('space.state.cancelled')}</span>;
  }
}

export function RecBadge() {
  const { t } = useTranslation('components');
  return (
    <span className="badge badge-rec" title={t('space.recordingTitle')}>
      <span aria-hidden="true">●</span> {t('space.rec')}
    </span>
  );
}
