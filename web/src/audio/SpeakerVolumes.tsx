/**
 * Per-speaker volume: a slider per stage member (0–200 %, 100 % by default),
 * in a sheet opened from the audio panel and in a speaker's own menu. The
 * sliders are ordinary range inputs: arrow keys, Page Up/Down, Home and End
 * move them, and each is named after its speaker.
 */
import type { StageMemberDto, UserSummaryDto } from '@salon/protocol';
import { useId } from 'react';
import { Avatar } from '../components/Avatar';
import { Modal } from '../components/Modal';
import { useAudioState, useSpaceAudio } from './context';
import type { PerSpeaker } from './speakers';
import { anyCustom, DEFAULT_SPEAKER_VOLUME, MAX_SPEAKER_VOLUME } from './volumes';

/** What the per-speaker volumes do right now, in words. */
export const PER_SPEAKER_NOTE: Record<PerSpeaker, string> = {
  mix: 'Everyone plays at 100 %. Move a slider to make one speaker louder or quieter: you then get each speaker as a stream of their own.',
  switching: 'Switching to a stream per speaker…',
  feeds:
    'Each speaker plays at the volume you set. With everyone back at 100 % you get the usual single stream again.',
  failed:
    'The streams per speaker are not working right now, so everyone plays at the same volume. Trying again shortly.',
  unsupported:
    'This server does not offer a stream per speaker, so everyone plays at the same volume.',
  needs_webrtc:
    'Per-speaker volume needs the low-latency tier (WebRTC). You are listening over HLS, a few seconds behind, where every speaker comes mixed in one stream; the master volume still works.',
};

const percentOf = (volume: number) => Math.round(volume * 100);

/** One speaker's volume; nothing outside a space's audio, a note instead on HLS. */
export function SpeakerVolumeSlider({ user }: { user: UserSummaryDto }) {
  const controller = useSpaceAudio();
  const state = useAudioState();
  const id = useId();
  if (!controller || !state || state.phase === 'off') return null;
  if (state.perSpeaker === 'needs_webrtc') {
    return <p className="muted speaker-volume-note">{PER_SPEAKER_NOTE.needs_webrtc}</p>;
  }
  const percent = percentOf(state.speakerVolumes[user.id] ?? DEFAULT_SPEAKER_VOLUME);
  const custom = percent !== percentOf(DEFAULT_SPEAKER_VOLUME);
  return (
    <div className="speaker-volume" data-user-id={user.id}>
      <label htmlFor={id} className="speaker-volume-name">
        <Avatar user={user} size="sm" />
        <span>{user.display_name}</span>
      </label>
      <input
        id={id}
        aria-label={`Volume of ${user.display_name}`}
        type="range"
        min={0}
        max={percentOf(MAX_SPEAKER_VOLUME)}
        step={5}
        value={percent}
        aria-valuetext={`${percent} %`}
        onChange={(event) =>
          controller.setSpeakerVolume(user.id, Number(event.currentTarget.value) / 100)
        }
      />
      <output htmlFor={id} className="speaker-volume-value" aria-hidden="true">
        {percent} %
      </output>
      <button
        type="button"
        className="speaker-volume-reset"
        disabled={!custom}
        aria-label={`Reset ${user.display_name} to 100 %`}
        onClick={() => controller.resetSpeakerVolumes([user.id])}
      >
        Reset
      </button>
    </div>
  );
}

/** The sheet: every stage member but you, what the volumes do now, and a reset for all. */
export function SpeakerVolumesSheet({
  stage,
  meId,
  onClose,
}: {
  stage: readonly StageMemberDto[];
  meId: string | null;
  onClose: () => void;
}) {
  const controller = useSpaceAudio();
  const state = useAudioState();
  if (!controller || !state) return null;
  const others = stage.filter((m) => m.user_id !== meId);
  const ids = others.map((m) => m.user_id);
  const hls = state.perSpeaker === 'needs_webrtc';
  return (
    <Modal title="Speaker volumes" onClose={onClose}>
      <div className="speaker-volumes" data-per-speaker={state.perSpeaker}>
        <p className="muted" role="status">
          {PER_SPEAKER_NOTE[state.perSpeaker]}
        </p>
        {others.length === 0 ? <p>Nobody else is on the stage.</p> : null}
        {hls || others.length === 0 ? null : (
          <ul aria-label="Speakers">
            {others.map((m) => (
              <li key={m.user_id}>
                <SpeakerVolumeSlider user={m.user} />
              </li>
            ))}
          </ul>
        )}
        {!hls && anyCustom(state.speakerVolumes, ids) ? (
          <button type="button" onClick={() => controller.resetSpeakerVolumes(ids)}>
            Everyone back to 100 %
          </button>
        ) : null}
      </div>
    </Modal>
  );
}
