import type { ClipDto } from '@salon/protocol';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ClipPlayer } from './ClipPlayer';
import { clock, useClip } from './clips';
import './clips.css';

/**
 * A clip inside something else (a post, a list): its title leading to its
 * page, the space and who clipped it, and the player, which plays in place.
 */
export function ClipCard({
  clip: given,
  showSpace = true,
}: {
  clip: ClipDto;
  showSpace?: boolean;
}) {
  const { t } = useTranslation('clips');
  const state = useClip(given.id, given);
  const clip = state.kind === 'found' ? state.clip : given;
  if (state.kind === 'failed' && state.status === 404) {
    return <p className="muted clip-card">{t('gone')}</p>;
  }
  return (
    <article className="clip-card" aria-label={t('cardLabel', { title: clip.title })}>
      <div className="clip-card-head">
        <span className="badge clip-badge">{t('badge')}</span>
        <Link to={`/clips/${clip.id}`} className="strong" dir="auto">
          {clip.title}
        </Link>
        <span className="muted">{clock(clip.duration_ms)}</span>
      </div>
      {showSpace ? (
        <p className="muted small" dir="auto">
          {t('fromSpace', { title: clip.space.title, host: clip.space.host.display_name })}
        </p>
      ) : null}
      <ClipPlayer clip={clip} />
      <p className="muted small" dir="auto">
        {t('clippedBy', { name: clip.creator.display_name })}
      </p>
    </article>
  );
}
