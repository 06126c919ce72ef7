import type { SpaceDto } from '@salon/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { ApiError, api, errorMessage } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { Loading } from '../../components/Spinner';
import { when } from '../../components/time';
import { useAsync } from '../../components/useAsync';
import { useSession } from '../../session';
import type { ReplayDetailsDto } from '../../types';
import { ClippingSetting } from './replay/ClippingSetting';
import { ReplayClips, ReplayPins, ReplayStats, TranscriptSlot } from './replay/ReplayExtras';
import { ReplayPlayer } from './replay/ReplayPlayer';
import './replay/replay.css';

/** How often to ask again while the replay is being cut. */
const PROCESSING_POLL_MS = 3_000;

type Replay =
  | { kind: 'loading' }
  | { kind: 'missing' }
  | { kind: 'failed'; error: string }
  | { kind: 'found'; replay: ReplayDetailsDto };

/**
 * /spaces/:id/replay — a recorded space: the player with its speaker timeline
 * (replay/), and beside it the place for the transcript; under them the pins
 * as they were, the counts and the clips made of it. `?t=<seconds>` starts at
 * that moment (a clip's "from the replay" link).
 */
export function ReplayPage() {
  const { t } = useTranslation('space');
  const { id = '' } = useParams();
  const [search] = useSearchParams();
  const card = useAsync(() => api.space(id), [id]);
  const { me, guestToken } = useSession();
  const [replay, setReplay] = useState<Replay>({ kind: 'loading' });
  // Without an account, a replay is heard as a guest, like a live space.
  const signedIn = me === undefined ? undefined : me !== null;
  const at = Number(search.get('t'));
  const startAtMs = Number.isFinite(at) && at > 0 ? at * 1000 : null;

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
      {replay.kind === 'found' && replay.replay.state === 'ready' && replay.replay.url && space ? (
        <ReadyReplay
          space={space}
          replay={replay.replay}
          url={replay.replay.url}
          guestToken={signedIn ? null : guestToken}
          signedIn={signedIn === true}
          startAtMs={startAtMs}
        />
      ) : null}
      {space && me && me.id === space.host_id ? (
        <ClippingSetting space={space} onChange={card.setData} />
      ) : null}
    </main>
  );
}

function ReadyReplay({
  space,
  replay,
  url,
  guestToken,
  signedIn,
  startAtMs,
}: {
  space: SpaceDto;
  replay: ReplayDetailsDto;
  url: string;
  guestToken: (() => Promise<string>) | null;
  signedIn: boolean;
  startAtMs: number | null;
}) {
  return (
    <>
      <div className="replay-layout">
        <ReplayPlayer
          space={space}
          replay={replay}
          url={url}
          guestToken={guestToken}
          signedIn={signedIn}
          startAtMs={startAtMs}
        />
        <TranscriptSlot />
      </div>
      <ReplayStats replay={replay} />
      <ReplayPins pins={replay.pins ?? []} />
      <ReplayClips spaceId={space.id} />
    </>
  );
}
