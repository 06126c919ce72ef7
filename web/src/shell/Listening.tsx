import { useEffect, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { listenPause } from '../audio/engine/pause';
import { useAudioState } from '../audio/ui/context';
import { useLive, useSpaceView } from '../live';
import { useSession } from '../session';
import { applySession, sessionFor } from './mediaSession';

/**
 * Keeps the Media Session (lock screen, headphones) on the space you listen
 * to, and while it is paused from there, says so with a way to resume.
 */
export function Listening() {
  const { t } = useTranslation('nav');
  const live = useLive();
  const { me } = useSession();
  const view = useSpaceView(live.current?.store ?? null);
  const audio = useAudioState();
  const paused = useSyncExternalStore(listenPause.subscribe, listenPause.getSnapshot);
  const space = view.snapshot?.space.state === 'live' ? view.snapshot.space : null;
  const onStage = Boolean(me && view.snapshot?.stage.some((m) => m.user_id === me.id));
  const output = sessionFor({
    space: space && { title: space.title, host: space.host },
    phase: audio?.spaceId === space?.id ? (audio?.phase ?? 'off') : 'off',
    onStage,
    paused: paused && space !== null && !onStage,
  });
  const key = JSON.stringify(output);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` is `output`, compared by value
  useEffect(() => {
    if (typeof navigator === 'undefined' || !('mediaSession' in navigator)) return;
    applySession(navigator.mediaSession, output, (value) => listenPause.set(value));
  }, [key]);

  useEffect(
    () => () => {
      if (typeof navigator !== 'undefined' && 'mediaSession' in navigator) {
        applySession(
          navigator.mediaSession,
          { metadata: null, playbackState: 'none', pausable: false },
          () => undefined,
        );
      }
    },
    [],
  );

  if (output.playbackState !== 'paused') return null;
  return (
    <section className="listening-paused" aria-label={t('paused.region')}>
      <p role="status">
        <span dir="auto">{space?.title}</span> · {t('paused.status')}
      </p>
      <button type="button" className="primary" onClick={() => listenPause.set(false)}>
        {t('paused.resume')}
      </button>
    </section>
  );
}
