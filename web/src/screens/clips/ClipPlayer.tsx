import type { ClipDto } from '@salon/protocol';
import { useTranslation } from 'react-i18next';
import { Loading } from '../../components/Spinner';

/**
 * A clip's audio (one m4a file): the browser's own player, which needs no
 * script to play it and is keyboard-usable as it is.
 */
export function ClipPlayer({ clip }: { clip: ClipDto }) {
  const { t } = useTranslation('clips');
  if (clip.state === 'processing') return <Loading label={t('processing')} />;
  if (clip.state === 'failed' || !clip.audio_url) {
    return (
      <p className="muted" role="status">
        {t('failed')}
      </p>
    );
  }
  return (
    // biome-ignore lint/a11y/useMediaCaption: a clip is its own file from 0 s, and a live clip has no replay time; the space's captions track is in replay time, so it would not line up
    <audio
      className="clip-audio"
      controls
      preload="metadata"
      src={clip.audio_url}
      aria-label={t('playerLabel', { title: clip.title })}
      data-testid="clip-audio"
    />
  );
}
