import type { EmbedDto } from '@salon/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type EmbedClient, EmbedError } from './client';
import { type EmbedPlayback, startPlayback } from './playback';
import type { Strings } from './strings';

/** How often a live space's count is asked again. */
const INFO_POLL_MS = 30_000;

type Info =
  | { kind: 'loading' }
  | { kind: 'missing' }
  | { kind: 'failed' }
  | { kind: 'found'; info: EmbedDto };

type Phase = 'idle' | 'starting' | 'playing' | 'failed';

const clock = (ms: number) => {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
};

/**
 * The embeddable player: a space's title, host, state (live or replay) and
 * listener count, one play button, and a link to the space in Salon (a new
 * tab: the embedding page stays).
 */
export function EmbedApp({ client, s }: { client: EmbedClient; s: Strings }) {
  const [info, setInfo] = useState<Info>({ kind: 'loading' });
  const [phase, setPhase] = useState<Phase>('idle');
  const audio = useRef<HTMLAudioElement>(null);
  const playback = useRef<EmbedPlayback | null>(null);

  const load = useCallback(
    () =>
      client.info().then(
        (found) => setInfo({ kind: 'found', info: found }),
        (error: unknown) =>
          setInfo((old) =>
            old.kind === 'found'
              ? old
              : {
                  kind: error instanceof EmbedError && error.status === 404 ? 'missing' : 'failed',
                },
          ),
      ),
    [client],
  );
  const live = info.kind === 'found' && info.info.space.state === 'live';
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => void load(), INFO_POLL_MS);
    return () => clearInterval(timer);
  }, [live, load]);
  useEffect(() => () => playback.current?.close(), []);

  const found = info.kind === 'found' ? info.info : null;
  useEffect(() => {
    if (found) document.title = `${found.space.title} · Salon`;
  }, [found]);

  if (info.kind === 'loading') return <p className="embed-status">{s.t('loading')}</p>;
  if (!found) {
    return <p className="embed-status">{s.t(info.kind === 'missing' ? 'missing' : 'failed')}</p>;
  }
  const { space } = found;
  const kind = space.state === 'live' ? 'live' : found.replay ? 'replay' : null;
  const link =
    kind === 'replay' ? new URL(`/spaces/${space.id}/replay`, space.url).toString() : space.url;
  const state = kind === 'replay' ? 'replay' : space.state;
  const number = new Intl.NumberFormat(s.language);

  const stop = () => {
    playback.current?.close();
    playback.current = null;
  };

  async function toggle() {
    const element = audio.current;
    if (!element || !kind) return;
    if (phase === 'playing') {
      // Live: stop (a resumed live stream should be at the edge, not behind it); replay: pause.
      if (kind === 'live') stop();
      element.pause();
      setPhase('idle');
      return;
    }
    if (kind === 'replay' && playback.current) {
      setPhase('playing');
      await element.play().catch(() => setPhase('idle'));
      return;
    }
    setPhase('starting');
    try {
      playback.current = await startPlayback(client, element, kind, () => {
        stop();
        setPhase('failed');
      });
      await element.play();
      setPhase('playing');
    } catch {
      stop();
      setPhase('failed');
    }
  }

  const playing = phase === 'playing';
  return (
    <main className="embed" aria-label={s.t('player')}>
      <div className="embed-top">
        <span className={`embed-badge embed-${state}`}>{s.t(`state.${state}`)}</span>
        {kind === 'live' ? (
          <span className="embed-count" data-testid="embed-count">
            {s.t('listening', {
              count: found.listener_count,
              formatted: number.format(found.listener_count),
            })}
          </span>
        ) : null}
        {kind === 'replay' && found.replay?.duration_ms ? (
          <span className="embed-count">
            {s.t('length', { duration: clock(found.replay.duration_ms) })}
          </span>
        ) : null}
      </div>
      <h1 className="embed-title" dir="auto">
        {space.title}
      </h1>
      <p className="embed-host" dir="auto">
        {space.host.avatar_url ? (
          <img src={space.host.avatar_url} alt="" width={24} height={24} />
        ) : null}
        {s.t('hostedBy', { name: space.host.display_name })}
      </p>
      <div className="embed-actions">
        {kind ? (
          <button
            type="button"
            className="embed-play"
            aria-label={s.t(playing ? 'pauseLabel' : 'playLabel', { title: space.title })}
            aria-pressed={playing}
            disabled={phase === 'starting'}
            onClick={() => void toggle()}
          >
            <span aria-hidden="true">{playing ? '❚❚' : '▶'}</span>{' '}
            {phase === 'starting' ? s.t('loading') : s.t(playing ? 'pause' : 'play')}
          </button>
        ) : (
          <p className="embed-status">{s.t(space.state === 'scheduled' ? 'notYet' : 'over')}</p>
        )}
        <a
          href={link}
          target="_blank"
          rel="noopener noreferrer"
          aria-label={s.t('openLabel', { title: space.title })}
        >
          {s.t('open')}
        </a>
      </div>
      {phase === 'failed' ? (
        <p className="embed-status" role="alert">
          {s.t('failed')}
        </p>
      ) : null}
      {/* biome-ignore lint/a11y/useMediaCaption: the embed plays live audio too and keeps no cookie, so it cannot load the replay's captions track (a cookie or bearer request); live captions are the next step */}
      <audio ref={audio} data-testid="embed-audio" onEnded={() => setPhase('idle')} />
    </main>
  );
}
