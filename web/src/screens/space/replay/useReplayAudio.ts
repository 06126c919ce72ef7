import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../api';
import { type HlsPlayback, playHls } from '../../../audio/engine/hls';
import { testProbe } from '../../../audio/ui/context';
import { loadSpeed, resumePosition, type Speed, savePosition, saveSpeed } from './playback';

/** How often the position is written down while playing. */
const SAVE_EVERY_MS = 5_000;

export interface ReplayAudio {
  element: React.RefObject<HTMLAudioElement | null>;
  /** Where the playhead is, in replay ms. */
  positionMs: number;
  speed: Speed;
  setSpeed: (speed: Speed) => void;
  seek: (ms: number) => void;
  error: string | null;
}

/**
 * The replay's <audio> element, played from its VOD playlist: it starts where
 * the person left off (or at `startAtMs`, a link to a moment), keeps the
 * position as it plays, and plays at the chosen speed.
 */
export function useReplayAudio({
  replayId,
  url,
  durationMs,
  startAtMs,
}: {
  replayId: string;
  url: string;
  durationMs: number | null;
  startAtMs: number | null;
}): ReplayAudio {
  const { t } = useTranslation('space');
  const element = useRef<HTMLAudioElement>(null);
  const [positionMs, setPositionMs] = useState(0);
  const [speed, setSpeedState] = useState<Speed>(() => loadSpeed());
  const [error, setError] = useState<string | null>(null);
  // Read by the listeners below without making them start the playback again.
  const start = useRef({ startAtMs, durationMs });
  start.current = { startAtMs, durationMs };

  useEffect(() => {
    const audio = element.current;
    if (!audio) return;
    let playback: HlsPlayback | null = null;
    let current = true;
    let savedAt = 0;
    const save = () =>
      savePosition(replayId, audio.currentTime * 1000, start.current.durationMs ?? null);
    const onMetadata = () => {
      const { startAtMs: at, durationMs: length } = start.current;
      const from = at ?? resumePosition(replayId, length);
      if (from > 0) audio.currentTime = from / 1000;
    };
    const onTime = () => {
      // Whole ms: a seek to 1.318 s reads back as 1.3179999 s, just before the turn it aimed at.
      setPositionMs(Math.round(audio.currentTime * 1000));
      if (!audio.paused && Date.now() - savedAt > SAVE_EVERY_MS) {
        savedAt = Date.now();
        save();
      }
    };
    audio.addEventListener('loadedmetadata', onMetadata, { once: true });
    audio.addEventListener('timeupdate', onTime);
    audio.addEventListener('pause', save);
    audio.addEventListener('ended', save);
    window.addEventListener('pagehide', save);
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
      if (audio.currentTime > 0) save();
      audio.removeEventListener('loadedmetadata', onMetadata);
      audio.removeEventListener('timeupdate', onTime);
      audio.removeEventListener('pause', save);
      audio.removeEventListener('ended', save);
      window.removeEventListener('pagehide', save);
      playback?.close();
      testProbe()?.detach();
    };
  }, [url, replayId, t]);

  // A new source resets the rate to the default one: set both.
  // biome-ignore lint/correctness/useExhaustiveDependencies: set again when the source changes
  useEffect(() => {
    const audio = element.current;
    if (!audio) return;
    audio.defaultPlaybackRate = speed;
    audio.playbackRate = speed;
  }, [speed, url]);

  const setSpeed = useCallback((next: Speed) => {
    saveSpeed(next);
    setSpeedState(next);
  }, []);

  const seek = useCallback(
    (ms: number) => {
      const audio = element.current;
      if (!audio) return;
      audio.currentTime = ms / 1000;
      setPositionMs(ms);
      savePosition(replayId, ms, start.current.durationMs ?? null);
    },
    [replayId],
  );

  return { element, positionMs, speed, setSpeed, seek, error };
}
