import type { ReplayDetailsDto, SpaceDto } from '@salon/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ApiError, api, errorMessage, request } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { Loading } from '../../components/Spinner';
import { when } from '../../components/time';
import { useAsync } from '../../components/useAsync';
import { useSession } from '../../session';
import { Confirm } from './Confirm';
import { ClippingSetting } from './replay/ClippingSetting';
import { ReplayClips, ReplayPins, ReplayStats } from './replay/ReplayExtras';
import { ReplayPlayer } from './replay/ReplayPlayer';
import { TranscriptPanel, type TranscriptState } from './replay/TranscriptPanel';
import { playingLine, replayLines, transcriptApi, vttUrl } from './replay/transcript';
import { useReplayAudio } from './replay/useReplayAudio';
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
 * (replay/), its captions and beside it the transcript; under them the pins
 * as they were, the counts and the clips made of it. `?t=<seconds>` starts at
 * that moment (a clip's "from the replay" link, a "What was said" result).
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
          isHost={!!me && me.id === space.host_id}
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
  isHost,
}: {
  space: SpaceDto;
  replay: ReplayDetailsDto;
  url: string;
  guestToken: (() => Promise<string>) | null;
  signedIn: boolean;
  startAtMs: number | null;
  isHost: boolean;
}) {
  const durationMs = replay.timeline?.duration_ms ?? replay.duration_ms;
  const audio = useReplayAudio({ replayId: space.id, url, durationMs, startAtMs });
  const transcript = useTranscript(space.id, guestToken);
  const lines = transcript.kind === 'found' ? transcript.lines : [];
  const playing = playingLine(lines, audio.positionMs);
  return (
    <>
      <div className="replay-layout">
        <ReplayPlayer
          space={space}
          replay={replay}
          audio={audio}
          captionsSrc={lines.length ? vttUrl(space.id) : null}
          caption={
            lines.length ? (
              <CaptionLine
                text={playing?.text ?? null}
                name={playing?.speaker.display_name ?? null}
              />
            ) : null
          }
          guestToken={guestToken}
          signedIn={signedIn}
        />
        <TranscriptPanel
          spaceId={space.id}
          transcript={transcript}
          playing={playing}
          onSeek={audio.seek}
          canDownload={isHost}
        />
      </div>
      <ReplayStats replay={replay} />
      <ReplayPins pins={replay.pins ?? []} />
      <ReplayClips spaceId={space.id} />
      {isHost ? <DeleteReplay spaceId={space.id} /> : null}
    </>
  );
}

/** The replay's transcript, the lines that play in it in replay order; 'none' without one. */
function useTranscript(
  spaceId: string,
  guestToken: (() => Promise<string>) | null,
): TranscriptState {
  const [state, setState] = useState<TranscriptState>({ kind: 'loading' });
  useEffect(() => {
    let current = true;
    setState({ kind: 'loading' });
    (guestToken ? guestToken().catch(() => null) : Promise.resolve(null))
      .then((token) => transcriptApi.transcript(spaceId, token))
      .then(
        (answer) => {
          if (!current) return;
          const lines = replayLines(answer.lines);
          setState(lines.length ? { kind: 'found', lines } : { kind: 'none' });
        },
        (error: unknown) => {
          if (!current) return;
          if (error instanceof ApiError && error.status === 404) setState({ kind: 'none' });
          else setState({ kind: 'failed', error: errorMessage(error) });
        },
      );
    return () => {
      current = false;
    };
  }, [spaceId, guestToken]);
  return state;
}

/** The caption under the player: the line being played, with who says it. */
function CaptionLine({ text, name }: { text: string | null; name: string | null }) {
  return (
    <p className="replay-caption" data-testid="replay-caption">
      {text && name ? (
        <>
          <span className="replay-caption-who" dir="auto">
            {name}
          </span>{' '}
          <span dir="auto">{text}</span>
        </>
      ) : (
        '\u00a0'
      )}
    </p>
  );
}

/** The host deletes the replay, and with it its transcript, after saying what goes. */
function DeleteReplay({ spaceId }: { spaceId: string }) {
  const { t } = useTranslation('replay');
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = () => {
    setOpen(false);
    request<void>('DELETE', `/spaces/${encodeURIComponent(spaceId)}/replay`).then(
      () => navigate(`/spaces/${spaceId}`),
      (e: unknown) => setError(errorMessage(e)),
    );
  };
  return (
    <section className="replay-delete" aria-labelledby="replay-delete">
      <h2 id="replay-delete">{t('delete.title')}</h2>
      <button type="button" className="danger" onClick={() => setOpen(true)}>
        {t('delete.open')}
      </button>
      <ErrorText error={error} />
      {open ? (
        <Confirm
          title={t('delete.confirmTitle')}
          cancel={t('delete.cancel')}
          confirm={t('delete.confirm')}
          onConfirm={remove}
          onClose={() => setOpen(false)}
        >
          <p>{t('delete.explain')}</p>
        </Confirm>
      ) : null}
    </section>
  );
}
