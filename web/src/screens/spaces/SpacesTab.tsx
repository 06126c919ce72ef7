import type { SpaceDto } from '@salon/protocol';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { SpaceCard } from '../../components/SpaceCard';
import { Loading } from '../../components/Spinner';
import { useAsync } from '../../components/useAsync';
import { useSession } from '../../session';
import { filterSpaces, topicsOf } from './filter';

export function SpacesTab() {
  const { me } = useSession();
  const spaces = useAsync(
    () =>
      Promise.all([api.spaces('live'), api.spaces('scheduled')]).then(([live, scheduled]) => ({
        live: live.data,
        scheduled: [...scheduled.data].sort(
          (a, b) => Date.parse(a.scheduled_start ?? '') - Date.parse(b.scheduled_start ?? ''),
        ),
      })),
    [],
  );
  const [topic, setTopic] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const topics = useMemo(
    () => topicsOf([...(spaces.data?.live ?? []), ...(spaces.data?.scheduled ?? [])]),
    [spaces.data],
  );

  return (
    <main className="page">
      <div className="page-head">
        <h1>Spaces</h1>
        {me ? (
          <Link to="/create" className="button primary">
            Start a space
          </Link>
        ) : null}
      </div>
      <div className="search">
        <label htmlFor="space-search" className="visually-hidden">
          Search spaces
        </label>
        <input
          id="space-search"
          type="search"
          placeholder="Search by title, topic or host"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      {topics.length ? (
        <fieldset className="topic-filter">
          <legend className="visually-hidden">Topic</legend>
          <button type="button" aria-pressed={topic === null} onClick={() => setTopic(null)}>
            All
          </button>
          {topics.map((t) => (
            <button
              key={t}
              type="button"
              aria-pressed={topic === t}
              onClick={() => setTopic(topic === t ? null : t)}
            >
              {t}
            </button>
          ))}
        </fieldset>
      ) : null}
      {spaces.loading && !spaces.data ? <Loading /> : null}
      <ErrorText error={spaces.error} />
      {spaces.data ? (
        <>
          <SpaceSection
            title="Live now"
            spaces={filterSpaces(spaces.data.live, topic, query)}
            empty="No live spaces match."
          />
          <SpaceSection
            title="Upcoming"
            spaces={filterSpaces(spaces.data.scheduled, topic, query)}
            empty="No upcoming spaces match."
          />
        </>
      ) : null}
    </main>
  );
}

function SpaceSection({
  title,
  spaces,
  empty,
}: {
  title: string;
  spaces: SpaceDto[];
  empty: string;
}) {
  const id = `section-${title.replace(/\s+/g, '-').toLowerCase()}`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {spaces.length === 0 ? <p className="muted">{empty}</p> : null}
      <div className="space-grid">
        {spaces.map((s) => (
          <SpaceCard key={s.id} space={s} />
        ))}
      </div>
    </section>
  );
}
