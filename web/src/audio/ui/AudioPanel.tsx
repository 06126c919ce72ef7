/**
 * The audio of a space, as a person sees it: what is playing and how, a
 * "Tap to listen" button when the browser blocks autoplay, the microphone's
 * problems with how to fix them, the master volume and the speakers' volumes.
 */
import type { StageMemberDto } from '@salon/protocol';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, i18n } from '../../i18n';
import type { AudioState } from '../engine/state';
import { anyCustom } from '../engine/volumes';
import { useAudioState, useSpaceAudio } from './context';
import { perSpeakerNote, SpeakerVolumesSheet } from './SpeakerVolumes';
import './audio.css';

/**
 * One line about the audio, for the space page and the mini-player (callers
 * render with `useTranslation('audio')`, so a change of language redraws it).
 */
export function audioStatus(state: AudioState): string {
  const t = i18n.getFixedT(null, 'audio');
  switch (state.phase) {
    case 'off':
      return t('status.off');
    case 'connecting':
      return t('status.connecting');
    case 'reconnecting':
      return t('status.reconnecting');
    case 'blocked':
      return t('status.blocked');
    case 'playing':
      if (state.route === 'stage') return t('status.stage');
      if (state.route === 'hls') return t('status.hls');
      return t('status.live');
  }
}

export function TapToListen({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation('audio');
  const controller = useSpaceAudio();
  const state = useAudioState();
  if (!controller || state?.phase !== 'blocked') return null;
  return (
    <button
      type="button"
      className={compact ? 'primary tap-to-listen compact' : 'primary tap-to-listen'}
      onClick={() => controller.unlock()}
    >
      <span aria-hidden="true">▶</span> {t('tapToListen')}
    </button>
  );
}

export function VolumeSlider() {
  const { t } = useTranslation('audio');
  const controller = useSpaceAudio();
  const state = useAudioState();
  const hint = useId();
  if (!controller || !state) return null;
  const explanation = t('volume.explanation');
  return (
    <div className="volume" title={explanation}>
      <label>
        <span aria-hidden="true">{state.volume === 0 ? '🔈' : '🔊'}</span> {t('volume.label')}
        <input
          type="range"
          min={0}
          max={100}
          step={1}
          value={Math.round(state.volume * 100)}
          aria-describedby={hint}
          onChange={(event) => controller.setVolume(Number(event.currentTarget.value) / 100)}
        />
      </label>
      <span id={hint} className="visually-hidden">
        {explanation}
      </span>
    </div>
  );
}

export function AudioPanel({
  stage = [],
  meId = null,
}: {
  /** The stage, for the speakers' volumes. */
  stage?: readonly StageMemberDto[];
  meId?: string | null;
}) {
  const { t } = useTranslation('audio');
  const controller = useSpaceAudio();
  const state = useAudioState();
  const [sheet, setSheet] = useState(false);
  if (!controller || !state || state.phase === 'off') return null;
  const problem = state.mic.problem;
  const others = stage.filter((m) => m.user_id !== meId);
  const custom = others.filter((m) => anyCustom(state.speakerVolumes, [m.user_id])).length;
  return (
    <section
      className={`audio-panel audio-${state.phase}`}
      aria-label={t('panel.label')}
      data-phase={state.phase}
      data-route={state.route ?? ''}
      data-per-speaker={state.perSpeaker}
    >
      <div className="audio-row">
        <span className="audio-status" role="status" data-testid="audio-status">
          <span className="audio-dot" aria-hidden="true" />
          <span>
            {audioStatus(state)}
            {state.route === 'hls' && state.hlsReason && state.phase === 'playing' ? (
              <span className="muted audio-why">
                {' '}
                {t('panel.hlsWhy', { reason: t(`hlsReason.${state.hlsReason}`) })}
              </span>
            ) : null}
          </span>
        </span>
        <div className="audio-volumes">
          <VolumeSlider />
          {others.length > 0 ? (
            <button type="button" aria-haspopup="dialog" onClick={() => setSheet(true)}>
              {t('speakers.open')}
              {custom > 0 ? (
                <span className="muted"> · {t('speakers.customCount', { count: custom })}</span>
              ) : null}
            </button>
          ) : null}
        </div>
      </div>
      {state.perSpeaker === 'failed' && custom > 0 ? (
        <p className="muted audio-error">{perSpeakerNote('failed')}</p>
      ) : null}
      {state.phase === 'blocked' ? (
        <div className="audio-blocked">
          <TapToListen />
          <p className="muted">{t('blockedHint')}</p>
        </div>
      ) : null}
      {state.error && state.phase !== 'playing' ? (
        <p className="muted audio-error">{errorText(state.error)}</p>
      ) : null}
      {state.route === 'stage' && state.mic.status === 'muted' ? (
        <p className="muted mic-note">{t('mic.muted')}</p>
      ) : null}
      {problem ? (
        <div className="mic-problem" role="alert">
          <p className="strong">{t(`mic.title.${problem.kind}`)}</p>
          <p>{t(`mic.fix.${problem.kind}`)}</p>
          <p className="muted">{t('mic.meanwhile')}</p>
          {problem.kind !== 'insecure' ? (
            <button type="button" onClick={() => controller.retryMicrophone()}>
              {t('mic.retry')}
            </button>
          ) : null}
        </div>
      ) : null}
      {sheet ? (
        <SpeakerVolumesSheet stage={stage} meId={meId} onClose={() => setSheet(false)} />
      ) : null}
    </section>
  );
}

/** The mini-player's part: a tap when needed, else the state as an icon (in words for screen readers). */
export function MiniAudio() {
  useTranslation('audio'); // redraws the status on a change of language
  const state = useAudioState();
  if (!state || state.phase === 'off') return null;
  if (state.phase === 'blocked') return <TapToListen compact />;
  const words = audioStatus(state);
  return (
    <span
      className={`badge audio-badge audio-${state.phase}`}
      data-phase={state.phase}
      title={words}
      role="status"
    >
      <span aria-hidden="true">{state.phase === 'playing' ? '🔊' : '…'}</span>
      <span className="visually-hidden">{words}</span>
    </span>
  );
}
