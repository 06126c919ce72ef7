import type { SpaceDto } from '@salon/protocol';
import { Link } from 'react-router-dom';
import { Avatar } from './Avatar';
import { when } from './time';

/** A space in a list: state, title, host and topics; the whole card links to the space. */
export function SpaceCard({ space }: { space: SpaceDto }) {
  return (
    <article className={`space-card space-card-${space.state}`}>
      <div className="space-card-top">
        <StateBadge space={space} />
        {space.recording && space.state === 'live' ? <RecBadge /> : null}
      </div>
      <h3>
        <Link to={`/spaces/${space.id}`} className="stretched">
          {space.title}
        </Link>
      </h3>
      {space.description ? <p className="muted clamp">{space.description}</p> : null}
      <div className="space-card-host">
        <Avatar user={space.host} size="sm" live={space.state === 'live'} />
        <span>
          {space.host.display_name} <span className="muted">@{space.host.handle}</span>
        </span>
      </div>
      {space.topics.length ? (
        <ul className="topics" aria-label="Topics">
          {space.topics.map((t) => (
            <li key={t} className="topic">
              {t}
            </li>
          ))}
        </ul>
      ) : null}
    </article>
  );
}

export function StateBadge({ space }: { space: Pick<SpaceDto, 'state' | 'scheduled_start'> }) {
  switch (space.state) {
    case 'live':
      return <span className="badge badge-live">Live</span>;
    case 'scheduled':
      return (
        <span className="badge badge-scheduled">
          {space.scheduled_start ? when(space.scheduled_start) : 'Scheduled'}
        </span>
      );
    case 'ended':
      return <span className="badge">Ended</span>;
    case 'cancelled':
      return <span className="badge">Cancelled</span>;
  }
}

export function RecBadge() {
  return (
    <span className="badge badge-rec" title="This space is being recorded">
      <span aria-hidden="true">●</span> REC
    </span>
  );
}
