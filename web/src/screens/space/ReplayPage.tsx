import type { ReplayDto } from '@salon/protocol';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { ApiError, api, errorMessage } from '../../api';
import { testProbe } from '../../audio/context';
import { type HlsPlayback, playHls } from '../../audio/hls';
import { ErrorText } from '../../components/ErrorText';
import { Loading } from '../../components/Spinner';
import { count, when } from '../../components/time';
import { useAsync } from '../../components/useAsync';
import { useSession } from '../../session';

/** How often to ask again while the replay is being cut. */
const PROCESSING_POLL_MS = 3_000;

type Replay =
  | { kind: 'loading' }
  | { kind: 'missing' }
  | { kind: 'failed'; error: string }
  | { kind: 'found'; replay: ReplayDto };

/** /spaces/:id/replay — a recorded space, played from its VOD playlist. */
export function ReplayPage() {
  const { t } = useTranslation('space');
  const { id = '' } = useParams();
  const card = useAsync(() => api.space(id), [id]);
  const { me, guestToken } = useSession();
  const [replay, setReplay] = useState<Replay>({ kind: 'loading' });
  // Without an account, a replay is heard as a guest, like a live space.
  const signedIn = me === undefined ? undefined : me !== null;

  useEffect(() => {
    if (signedIn === undefined) return;
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      const token = signedIn ? null : await guestToken().catch(() => null);
      if (!current) return;
      api.replay(id, token).then(
        (answer) => {
          if (!current) return;
          setReplay({ kind: 'found', replay: answer });
          if (answer.state === 'processing')
            timer = setTimeout(() => void load(), PROCESSING_POLL_MS);
        },
        (error: unknown) => {
          if (!current) return;
          if (error instanceof ApiError && error.status === 404) setReplay({ kind: 'missing' });
          else setReplay({ kind: 'failed', error: errorMessage(error) });
        },
      );
    };
    void load();
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [id, signedIn, guestToken]);

  const space = card.data;
  return (
    <main className="page replay-page" aria-labelledby="replay-title">
      <p>
        <Link to={`/spaces/${id}`}>{t('replay.back')}</Link>
      </p>
      <h1 id="replay-title" dir="auto">
        {space ? t('replay.title', { title: space.title }) : t('replay.untitled')}
      </h1>
      {space ? (
        <p className="muted">
          <span dir="auto">{t('replay.hostedBy', { name: space.host.display_name })}</span>
          {space.started_at ? ` · ${when(space.started_at)}` : ''}
        </p>
      ) : null}
      {replay.kind === 'loading' ? <Loading /> : null}
      {replay.kind === 'missing' ? <p role="status">{t('replay.missing')}</p> : null}
      {replay.kind === 'failed' ? <ErrorText error={replay.error} /> : null}
      {replay.kind === 'found' && replay.replay.state === 'processing' ? (
        <Loading label={t('replay.preparing')} />
      ) : null}
      {replay.kind === 'found' && replay.replay.state === 'ready' && replay.replay.url ? (
        <ReplayPlayer
          spaceId={id}
          guestToken={signedIn ? null : guestToken}
          url={replay.replay.url}
          durationMs={replay.replay.duration_ms}
          plays={replay.replay.plays}
        />
      ) : null}
    </main>
  );
}

function ReplayPlayer({
  spaceId,
  guestToken,
  url,
  durationMs,
  plays,
}: {
  spaceId: string;
  guestToken: (() => Promise<string>) | null;
  url: string;
  durationMs: number | null;
  plays: number;
}) {
  const { t } = useTranslation('space');
  const element = useRef<HTMLAudioElement>(null);
  const [error, setError] = useState<string | null>(null);
  const counted = useRef(false);

  useEffect(() => {
    const audio = element.current;
    if (!audio) return;
    let playback: HlsPlayback | null = null;
    let current = true;
    playHls(audio, url, {
      live: false,
      onFatal: () => current && setError(t('replay.failed')),
    }).then(
      (started) => {
        if (!current) {
          started.close();
          return;
        }
        playback = started;
        testProbe()?.listenToElement(audio);
      },
      (e: unknown) => current && setError(errorMessage(e)),
    );
    return () => {
      current = false;
      playback?.close();
      testProbe()?.detach();
    };
  }, [url, t]);

  const onPlay = () => {
    testProbe()?.resume();
    if (counted.current) return;
    counted.current = true;
    (guestToken ? guestToken() : Promise.resolve(null))
      .then((token) => api.countReplayPlay(spaceId, token))
      .catch(() => undefined);
  };

  return (
    <section className="replay-player" aria-label={t('replay.region')}>
      {/* biome-ignore lint/a11y/useMediaCaption: live talk audio has no caption track yet */}
      <audio ref={element} controls preload="metadata" onPlay={onPlay} data-testid="replay-audio" />
      <p className="muted">
        {durationMs ? `${formatDuration(durationMs)} · ` : ''}
        {t('replay.plays', { count: plays, formatted: count(plays) })}
      </p>
      <ErrorText error={error} />
    </section>
  );
}

export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return `${h ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}
