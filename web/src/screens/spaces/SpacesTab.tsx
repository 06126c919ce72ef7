import type { ReplayItemDto } from '@salon/protocol';
import { type ReactNode, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { QuietInput } from '../../components/QuietField';
import { SpaceCard } from '../../components/SpaceCard';
import { Loading } from '../../components/Spinner';
import { useAsync } from '../../components/useAsync';
import { useSession } from '../../session';
import { PeopleHere } from '../space/PeopleHere';
import { filterSpaces, topicsOf } from './filter';
import { RecordedItem, UpcomingItem } from './SpaceItems';
import { WhatWasSaid } from './WhatWasSaid';

/**
 * The Spaces tab: live, upcoming and recorded spaces, by topic, with search.
 * Everything comes from /spaces/discover, which leaves out what this person may
 * not join (a host who blocked them, a space that removed them). Under them,
 * "What was said" searches the transcripts.
 */
export function SpacesTab() {
  const { t } = useTranslation('spaces');
  const { me } = useSession();
  const spaces = useAsync(
    () =>
      Promise.all([api.discover('live'), api.discover('scheduled'), api.replays()]).then(
        ([live, scheduled, recorded]) => ({
          live: live.data,
          scheduled: scheduled.data,
          recorded: recorded.data,
        }),
      ),
    [me?.id],
  );
  const [topic, setTopic] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const all = spaces.data;
  const topics = useMemo(
    () =>
      topicsOf(
        [...(all?.live ?? []), ...(all?.scheduled ?? []), ...(all?.recorded ?? [])].map(
          (i) => i.space,
        ),
      ),
    [all],
  );
  const pick = <T extends { space: ReplayItemDto['space'] }>(items: T[]) => {
    const kept = new Set(
      filterSpaces(
        items.map((i) => i.space),
        topic,
        query,
      ).map((s) => s.id),
    );
    return items.filter((i) => kept.has(i.space.id));
  };

  return (
    <main className="page">
      <div className="page-head">
        <h1>{t('title')}</h1>
        {me ? (
          <Link to="/create" className="button primary">
            {t('start')}
          </Link>
        ) : null}
      </div>
      <div className="search">
        {/* The shared quiet field (as PeopleSearch's), with this search's own props. */}
        <QuietInput
          id="space-search"
          label={t('search_label')}
          type="search"
          placeholder={t('search_placeholder')}
          value={query}
          onValue={setQuery}
        />
      </div>
      {topics.length ? (
        <fieldset className="topic-filter">
          <legend className="visually-hidden">{t('topic')}</legend>
          <button type="button" aria-pressed={topic === null} onClick={() => setTopic(null)}>
            {t('all_topics')}
          </button>
          {topics.map((name) => (
            <button
              key={name}
              type="button"
              aria-pressed={topic === name}
              onClick={() => setTopic(topic === name ? null : name)}
            >
              {name}
            </button>
          ))}
        </fieldset>
      ) : null}
      {spaces.loading && !all ? <Loading /> : null}
      <ErrorText error={spaces.error} />
      {all ? (
        <>
          <SpaceSection id="section-live" title={t('live_now')} empty={t('no_live')}>
            {pick(all.live).map((i) => (
              <div key={i.space.id} className="space-item">
                <SpaceCard space={i.space} />
                <PeopleHere count={i.listener_count} />
              </div>
            ))}
          </SpaceSection>
          <SpaceSection id="section-upcoming" title={t('upcoming')} empty={t('no_upcoming')}>
            {pick(all.scheduled).map((i) => (
              <UpcomingItem key={i.space.id} item={i} meId={me?.id ?? null} />
            ))}
          </SpaceSection>
          <SpaceSection id="section-recorded" title={t('recorded')} empty={t('no_recorded')}>
            {pick(all.recorded).map((i) => (
              <RecordedItem key={i.space.id} space={i.space} replay={i} />
            ))}
          </SpaceSection>
        </>
      ) : null}
      <WhatWasSaid />
    </main>
  );
}

export function SpaceSection({
  id,
  title,
  empty,
  children,
}: {
  id: string;
  title: string;
  empty: string;
  children: ReactNode[];
}) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children.length === 0 ? <p className="muted">{empty}</p> : null}
      <div className="space-grid">{children}</div>
    </section>
  );
}
