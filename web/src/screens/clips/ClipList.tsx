import type { ClipDto, Page } from '@salon/protocol';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../components/ErrorText';
import { usePages } from '../../components/usePages';
import { ClipCard } from './ClipCard';

/** Clips, newest first, a page at a time (a profile's, a replay's). Nothing shows when there are none, unless `empty` says so. */
export function ClipList({
  load,
  deps,
  title,
  headingId,
  empty,
  showSpace = true,
}: {
  load: (cursor: string | undefined) => Promise<Page<ClipDto>>;
  deps: readonly unknown[];
  title: string;
  headingId: string;
  empty?: string;
  showSpace?: boolean;
}) {
  const { t } = useTranslation('clips');
  const clips = usePages(load, [...deps]);
  if (!clips.items.length && !clips.error && (!empty || clips.loading)) return null;
  return (
    <section aria-labelledby={headingId} className="clip-list">
      <h2 id={headingId}>{title}</h2>
      <ErrorText error={clips.error} />
      {clips.items.length === 0 && empty ? <p className="muted">{empty}</p> : null}
      <div className="stack">
        {clips.items.map((clip) => (
          <ClipCard key={clip.id} clip={clip} showSpace={showSpace} />
        ))}
      </div>
      {clips.more ? (
        <button type="button" disabled={clips.loading} onClick={clips.loadMore}>
          {t('more')}
        </button>
      ) : null}
    </section>
  );
}
