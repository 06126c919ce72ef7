import { type ReplayDetailsDto, type SpaceDto, switchOn } from '@salon/protocol';
import { type ReactNode, useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api';
import { ErrorText } from '../../../components/ErrorText';
import { clock } from '../../clips/clips';
import { ClipRangePanel } from './ClipRangePanel';
import { SpeakerTimeline } from './SpeakerTimeline';
import { SpeedControl } from './SpeedControl';
import type { ReplayAudio } from './useReplayAudio';

/**
 * The replay's player: the audio (from its VOD playlist, `useReplayAudio`)
 * with its captions track when it has a transcript, the caption being played
 * under it, the speed, the speaker timeline that seeks it, and clipping a
 * range of it.
 */
export function ReplayPlayer({
  space,
  replay,
  audio,
  captionsSrc,
  caption,
  guestToken,
  signedIn,
}: {
  space: SpaceDto;
  replay: ReplayDetailsDto;
  audio: ReplayAudio;
  /** The WebVTT track (transcript.vtt), or null without a transcript. */
  captionsSrc: string | null;
  /** The line under the player. */
  caption: ReactNode;
  guestToken: (() => Promise<string>) | null;
  signedIn: boolean;
}) {
  const { t } = useTranslation('replay');
  const durationMs = replay.timeline?.duration_ms ?? replay.duration_ms;
  const [clipping, setClipping] = useState(false);
  const [selection, setSelection] = useState<{ from_ms: number; to_ms: number } | null>(null);
  const counted = useRef(false);
  const onSelection = useCallback(
    (range: { from_ms: number; to_ms: number } | null) => setSelection(range),
    [],
  );

  const onPlay = () => {
    if (counted.current) return;
    counted.current = true;
    (guestToken ? guestToken() : Promise.resolve(null))
      .then((token) => api.countReplayPlay(space.id, token))
      .catch(() => undefined);
  };

  const clipOff = !switchOn(space, 'clipping');
  // A track added after the audio loaded is not chosen by `default`: loaded by hand
  // ('hidden': an <audio> draws no captions; the line under it is ours).
  const loadCues = useCallback((track: HTMLTrackElement | null) => {
    if (track && track.track.mode === 'disabled') track.track.mode = 'hidden';
  }, []);
  return (
    <section className="replay-player stack" aria-label={t('player')}>
      {/* biome-ignore lint/a11y/useMediaCaption: the captions <track> is there whenever the replay has a transcript (a space without one has no words to caption) */}
      <audio
        ref={audio.element}
        controls
        preload="metadata"
        onPlay={onPlay}
        data-testid="replay-audio"
      >
        {captionsSrc ? (
          <track
            ref={loadCues}
            kind="captions"
            src={captionsSrc}
            srcLang={space.language}
            label={t('transcript.track')}
            default
          />
        ) : null}
      </audio>
      {caption}
      <div className="row replay-controls">
        <SpeedControl speed={audio.speed} onChange={audio.setSpeed} />
        <p className="muted" aria-live="off">
          {clock(audio.positionMs)}
          {durationMs ? ` / ${clock(durationMs)}` : ''}
        </p>
        {signedIn ? (
          <span className="clip-button">
            <button
              type="button"
              aria-expanded={clipping}
              aria-controls="clip-range"
              disabled={clipOff || !durationMs}
              aria-describedby={clipOff ? 'replay-clip-off' : undefined}
              onClick={() => setClipping((on) => !on)}
            >
              {t('clip.open')}
            </button>
            {clipOff ? (
              <span id="replay-clip-off" className="muted small">
                {t('clip.off')}
              </span>
            ) : null}
          </span>
        ) : null}
      </div>
      <ErrorText error={audio.error} />
      {replay.timeline ? (
        <SpeakerTimeline
          timeline={replay.timeline}
          positionMs={audio.positionMs}
          onSeek={audio.seek}
          selection={selection}
        />
      ) : null}
      {clipping && durationMs && !clipOff ? (
        <div id="clip-range">
          <ClipRangePanel
            spaceId={space.id}
            durationMs={durationMs}
            positionMs={audio.positionMs}
            onChange={onSelection}
            onClose={() => setClipping(false)}
          />
        </div>
      ) : null}
    </section>
  );
}
