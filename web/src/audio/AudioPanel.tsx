/**
 * The audio of a space, as a person sees it: what is playing and how, a
 * "Tap to listen" button when the browser blocks autoplay, the microphone's
 * problems with how to fix them, the master volume and the speakers' volumes.
 */
import type { StageMemberDto } from '@salon/protocol';
import { useId, useState } from 'react';
import { useAudioState, useSpaceAudio } from './context';
import { PER_SPEAKER_NOTE, SpeakerVolumesSheet } from './SpeakerVolumes';
import type { AudioState, HlsReason } from './state';
import { anyCustom } from './volumes';
import './audio.css';

const HLS_REASON: Record<HlsReason, string> = {
  asked: 'as you asked',
  space_full: 'the live seats of this space are taken',
  node_full: 'the live seats of this server are taken',
  free: 'chosen by the server',
  webrtc_failed: 'the live connection did not work from your network',
  listening_elsewhere: 'you are listening live in another tab',
};

/** One line about the audio, for the space page and the mini-player. */
export function audioStatus(state: AudioState): string {
  switch (state.phase) {
    case 'off':
      return 'Audio off';
    case 'connecting':
      return 'Connecting audio…';
    case 'reconnecting':
      return 'Audio reconnecting…';
    case 'blocked':
      return 'Your browser is waiting for a tap to play sound';
    case 'playing':
      if (state.route === 'stage') return 'On stage: you hear everyone else';
      if (state.route === 'hls') return 'Listening, a few seconds behind';
      return 'Listening live';
  }
}

export function TapToListen({ compact = false }: { compact?: boolean }) {
  const controller = useSpaceAudio();
  const state = useAudioState();
  if (!controller || state?.phase !== 'blocked') return null;
  return (
    <button
      type="button"
      className={compact ? 'primary tap-to-listen compact' : 'primary tap-to-listen'}
      onClick={() => controller.unlock()}
    >
      <span aria-hidden="true">▶</span> Tap to listen
    </button>
  );
}

export function VolumeSlider() {
  const controller = useSpaceAudio();
  const state = useAudioState();
  const hint = useId();
  if (!controller || !state) return null;
  const explanation =
    'The master volume: everything you hear in this space. Each speaker has a volume of their own under Speaker volumes.';
  return (
    <div className="volume" title={explanation}>
      <label>
        <span aria-hidden="true">{state.volume === 0 ? '🔈' : '🔊'}</span> Volume
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
      aria-label="Audio"
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
              <span className="muted audio-why"> (HLS: {HLS_REASON[state.hlsReason]})</span>
            ) : null}
          </span>
        </span>
        <div className="audio-volumes">
          <VolumeSlider />
          {others.length > 0 ? (
            <button type="button" aria-haspopup="dialog" onClick={() => setSheet(true)}>
              Speaker volumes
              {custom > 0 ? <span className="muted"> · {custom} set</span> : null}
            </button>
          ) : null}
        </div>
      </div>
      {state.perSpeaker === 'failed' && custom > 0 ? (
        <p className="muted audio-error">{PER_SPEAKER_NOTE.failed}</p>
      ) : null}
      {state.phase === 'blocked' ? (
        <div className="audio-blocked">
          <TapToListen />
          <p className="muted">Your browser does not play sound until you tap once.</p>
        </div>
      ) : null}
      {state.error && state.phase !== 'playing' ? (
        <p className="muted audio-error">{state.error}</p>
      ) : null}
      {state.route === 'stage' && state.mic.status === 'muted' ? (
        <p className="muted mic-note">Your microphone is muted: nothing is sent.</p>
      ) : null}
      {problem ? (
        <div className="mic-problem" role="alert">
          <p className="strong">
            {problem.kind === 'denied'
              ? 'Salon cannot use your microphone'
              : problem.kind === 'missing'
                ? 'No microphone found'
                : problem.kind === 'insecure'
                  ? 'The microphone needs a secure (https) page'
                  : 'Your microphone did not start'}
          </p>
          <p>{problem.message}</p>
          <p className="muted">Meanwhile you hear the space as a listener.</p>
          {problem.kind !== 'insecure' ? (
            <button type="button" onClick={() => controller.retryMicrophone()}>
              Try the microphone again
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
