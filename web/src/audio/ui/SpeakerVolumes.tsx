/**
 * Per-speaker volume: a slider per stage member (0–200 %, 100 % by default),
 * in a sheet opened from the audio panel and in a speaker's own menu. The
 * sliders are ordinary range inputs: arrow keys, Page Up/Down, Home and End
 * move them, and each is named after its speaker.
 */
import type { StageMemberDto, UserSummaryDto } from '@salon/protocol';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Avatar } from '../../components/Avatar';
import { Modal } from '../../components/Modal';
import { i18n } from '../../i18n';
import type { PerSpeaker } from '../engine/speakers';
import { anyCustom, DEFAULT_SPEAKER_VOLUME, MAX_SPEAKER_VOLUME } from '../engine/volumes';
import { useAudioState, useSpaceAudio } from './context';

/** What the per-speaker volumes do right now, in words. */
export function perSpeakerNote(kind: PerSpeaker): string {
  return i18n.t(`perSpeaker.${kind}`, { ns: 'audio' });
}

const percentOf = (volume: number) => Math.round(volume * 100);

/** One speaker's volume; nothing outside a space's audio, a note instead on HLS. */
export function SpeakerVolumeSlider({ user }: { user: UserSummaryDto }) {
  const { t } = useTranslation('audio');
  const controller = useSpaceAudio();
  const state = useAudioState();
  const id = useId();
  if (!controller || !state || state.phase === 'off') return null;
  if (state.perSpeaker === 'needs_webrtc') {
    return <p className="muted speaker-volume-note">{perSpeakerNote('needs_webrtc')}</p>;
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
        aria-label={t('speakers.volumeOf', { name: user.display_name })}
        type="range"
        min={0}
        max={percentOf(MAX_SPEAKER_VOLUME)}
        step={5}
        value={percent}
        aria-valuetext={t('speakers.percent', { value: percent })}
        onChange={(event) =>
          controller.setSpeakerVolume(user.id, Number(event.currentTarget.value) / 100)
        }
      />
      <output htmlFor={id} className="speaker-volume-value" aria-hidden="true">
        {t('speakers.percent', { value: percent })}
      </output>
      <button
        type="button"
        className="speaker-volume-reset"
        disabled={!custom}
        aria-label={t('speakers.resetOne', { name: user.display_name })}
        onClick={() => controller.resetSpeakerVolumes([user.id])}
      >
        {t('speakers.reset')}
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
  const { t } = useTranslation('audio');
  const controller = useSpaceAudio();
  const state = useAudioState();
  if (!controller || !state) return null;
  const others = stage.filter((m) => m.user_id !== meId);
  const ids = others.map((m) => m.user_id);
  const hls = state.perSpeaker === 'needs_webrtc';
  return (
    <Modal title={t('speakers.title')} onClose={onClose}>
      <div className="speaker-volumes" data-per-speaker={state.perSpeaker}>
        <p className="muted" role="status">
          {perSpeakerNote(state.perSpeaker)}
        </p>
        {others.length === 0 ? <p>{t('speakers.nobody')}</p> : null}
        {hls || others.length === 0 ? null : (
          <ul aria-label={t('speakers.list')}>
            {others.map((m) => (
              <li key={m.user_id}>
                <SpeakerVolumeSlider user={m.user} />
              </li>
            ))}
          </ul>
        )}
        {!hls && anyCustom(state.speakerVolumes, ids) ? (
          <button type="button" onClick={() => controller.resetSpeakerVolumes(ids)}>
            {t('speakers.resetAll')}
          </button>
        ) : null}
      </div>
    </Modal>
  );
}
