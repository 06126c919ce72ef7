import type { PinnedPostDto, ReplayDetailsDto } from '@salon/protocol';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api';
import { Linkified } from '../../../components/linkify';
import { count } from '../../../components/time';
import { ClipList } from '../../clips/ClipList';

/** The counts of a replay: the most people at once, everyone who came, and plays since. */
export function ReplayStats({ replay }: { replay: ReplayDetailsDto }) {
  const { t } = useTranslation('replay');
  const items: [string, number | undefined][] = [
    ['peak', replay.peak_listeners],
    ['total', replay.total_listeners],
    ['plays', replay.plays],
  ];
  return (
    <dl className="replay-stats" aria-label={t('stats.region')}>
      {items
        .filter((item): item is [string, number] => typeof item[1] === 'number')
        .map(([key, value]) => (
          <div key={key}>
            <dt>{t(`stats.${key}`, { count: value })}</dt>
            <dd data-stat={key}>{count(value)}</dd>
          </div>
        ))}
    </dl>
  );
}

/** The posts pinned in the space when it ended, as they were (a deleted one says so). */
export function ReplayPins({ pins }: { pins: PinnedPostDto[] }) {
  const { t } = useTranslation('replay');
  if (pins.length === 0) return null;
  return (
    <section aria-labelledby="replay-pins" className="replay-pins">
      <h2 id="replay-pins">{t('pins.title')}</h2>
      <ul className="stack plain-list">
        {pins.map((pin) => (
          <li key={pin.post_id} className="pin">
            {pin.post ? (
              <>
                <p className="strong" dir="auto">
                  {pin.post.author.display_name}{' '}
                  <span className="muted">@{pin.post.author.handle}</span>
                </p>
                <p dir="auto">
                  <Linkified text={pin.post.text} />
                </p>
              </>
            ) : (
              <p className="muted">{t('pins.deleted')}</p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The clips people made of this space, newest first. */
export function ReplayClips({ spaceId }: { spaceId: string }) {
  const { t } = useTranslation('replay');
  return (
    <ClipList
      load={(cursor) => api.spaceClips(spaceId, cursor)}
      deps={[spaceId]}
      title={t('clips.title')}
      headingId="replay-clips"
      empty={t('clips.none')}
      showSpace={false}
    />
  );
}
