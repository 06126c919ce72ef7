import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api';
import { type HlsPlayback, playHls } from '../../audio/engine/hls';
import { ErrorText } from '../../components/ErrorText';
import { adminApi } from './adminApi';
import { Moment } from './parts';

/**
 * The audio of a space kept for review (30 days after it ends, longer once a
 * report is upheld), played from its short-lived signed URL. Loaded on
 * request, so a long queue does not fetch every archive.
 */
export function ArchivePlayer({
  spaceId,
  title,
  keptSince,
}: {
  spaceId: string;
  title: string;
  keptSince: string;
}) {
  const { t } = useTranslation('admin');
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const element = useRef<HTMLAudioElement>(null);

  useEffect(() => {
    const audio = element.current;
    if (!audio || !url) return;
    let playback: HlsPlayback | null = null;
    let current = true;
    playHls(audio, url, {
      live: false,
      onFatal: () => current && setError(t('archive.failed')),
    }).then(
      (started) => {
        if (current) playback = started;
        else started.close();
      },
      (e: unknown) => current && setError(errorMessage(e)),
    );
    return () => {
      current = false;
      playback?.close();
    };
  }, [url, t]);

  const load = () => {
    setBusy(true);
    adminApi.archiveAudio(spaceId).then(
      (signed) => setUrl(signed.url),
      (err: unknown) => {
        setError(errorMessage(err));
        setBusy(false);
      },
    );
  };

  return (
    <section className="archive" aria-label={t('archive.label', { title })}>
      <p className="muted">
        {t('archive.kept')} <Moment iso={keptSince} />
      </p>
      {url ? (
        // biome-ignore lint/a11y/useMediaCaption: recorded talk audio has no caption track
        <audio
          ref={element}
          controls
          preload="metadata"
          data-testid="archive-audio"
          aria-label={t('archive.player', { title })}
        />
      ) : (
        <button type="button" onClick={load} disabled={busy}>
          {t('archive.load')}
        </button>
      )}
      <ErrorText error={error} />
    </section>
  );
}
