import type { CaptionLineDto, CaptionsState, SpaceSnapshot, UserSummaryDto } from '@salon/protocol';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Avatar } from '../../../components/Avatar';
import type { CaptionsFeed } from './feed';
import {
  type CaptionPreferences,
  CONTRASTS,
  type Contrast,
  POSITIONS,
  type Position,
  stepSize,
  TEXT_SIZES,
} from './preferences';
import './captions.css';

/** Lines on screen at once: enough to follow a turn, few enough for a phone. */
export const SHOWN_LINES = 4;

/**
 * The panel moves in the page when its place changes (it mounts anew there):
 * the place menu gets the focus back, so a keyboard user is not thrown to the top.
 */
let placeJustChanged = false;

/** Everyone the space knows by id (stage and listeners), to name a caption's speaker. */
export function peopleOf(snapshot: SpaceSnapshot): Map<string, UserSummaryDto> {
  const people = new Map<string, UserSummaryDto>();
  for (const l of snapshot.listeners.data) people.set(l.user_id, l.user);
  for (const m of snapshot.stage) people.set(m.user_id, m.user);
  return people;
}

/**
 * What a listener (or stage member) sees of the live captions: a show/hide
 * switch, and once shown, the last lines with who said them, a pause that
 * freezes them (resume jumps to now) and the text size, contrast and
 * position. The lines are a polite live region: read out, never focused.
 */
export function CaptionsPanel({
  feed,
  state,
  people,
  preferences,
  onPreferences,
}: {
  feed: CaptionsFeed;
  state: Exclude<CaptionsState, 'off'>;
  people: ReadonlyMap<string, UserSummaryDto>;
  preferences: CaptionPreferences;
  onPreferences: (patch: Partial<CaptionPreferences>) => void;
}) {
  const { t } = useTranslation('captions');
  const [frozen, setFrozen] = useState<CaptionLineDto[] | null>(null);
  const contrastId = useId();
  const positionId = useId();
  const positionRef = useRef<HTMLSelectElement>(null);
  useEffect(() => {
    if (!placeJustChanged) return;
    placeJustChanged = false;
    positionRef.current?.focus();
  }, []);
  const { shown, size } = preferences;
  const lines = (frozen ?? feed.lines).slice(-SHOWN_LINES);
  const nameOf = (id: string) => people.get(id)?.display_name ?? t('someone');

  return (
    <section
      className={`captions captions-${preferences.position}`}
      aria-label={t('region')}
      data-testid="captions"
    >
      <div className="captions-bar row">
        <button
          type="button"
          aria-pressed={shown}
          onClick={() => {
            setFrozen(null);
            onPreferences({ shown: !shown });
          }}
        >
          <span aria-hidden="true" className="cc-mark">
            CC
          </span>{' '}
          {shown ? t('hide') : t('show')}
        </button>
        {shown ? (
          <>
            <button
              type="button"
              aria-pressed={frozen !== null}
              onClick={() => setFrozen(frozen ? null : feed.lines)}
            >
              {frozen ? t('resume') : t('pause')}
            </button>
            <button
              type="button"
              onClick={() => onPreferences({ size: stepSize(size, -1) })}
              disabled={size === TEXT_SIZES[0]}
            >
              <span aria-hidden="true">A−</span>
              <span className="visually-hidden">{t('smaller')}</span>
            </button>
            <button
              type="button"
              onClick={() => onPreferences({ size: stepSize(size, 1) })}
              disabled={size === TEXT_SIZES.at(-1)}
            >
              <span aria-hidden="true">A+</span>
              <span className="visually-hidden">{t('larger')}</span>
            </button>
            <span className="captions-choice">
              <label htmlFor={contrastId}>{t('contrast')}</label>
              <select
                id={contrastId}
                value={preferences.contrast}
                onChange={(e) => onPreferences({ contrast: e.target.value as Contrast })}
              >
                {CONTRASTS.map((c) => (
                  <option key={c} value={c}>
                    {t(`contrasts.${c}`)}
                  </option>
                ))}
              </select>
            </span>
            <span className="captions-choice">
              <label htmlFor={positionId}>{t('position')}</label>
              <select
                id={positionId}
                ref={positionRef}
                value={preferences.position}
                onChange={(e) => {
                  placeJustChanged = true;
                  onPreferences({ position: e.target.value as Position });
                }}
              >
                {POSITIONS.map((p) => (
                  <option key={p} value={p}>
                    {t(`positions.${p}`)}
                  </option>
                ))}
              </select>
            </span>
          </>
        ) : null}
      </div>
      {shown ? (
        <div
          className={`captions-screen captions-size-${size} captions-contrast-${preferences.contrast}`}
          data-size={size}
          data-contrast={preferences.contrast}
        >
          {frozen ? (
            <p className="captions-note" data-testid="captions-frozen">
              {t('frozen')}
            </p>
          ) : null}
          {state === 'paused' ? (
            <p className="captions-note" role="status">
              {t('enginePaused')}
            </p>
          ) : null}
          {feed.unavailable.map((id) => (
            <p key={id} className="captions-note">
              {t('unavailableFor', { name: nameOf(id) })}
            </p>
          ))}
          <ol className="captions-lines" aria-live="polite" aria-label={t('lines')}>
            {lines.length === 0 ? <li className="captions-empty">{t('waiting')}</li> : null}
            {lines.map((line) => {
              const person = people.get(line.speaker_id);
              return (
                <li
                  key={line.utterance_id}
                  className={`caption-line caption-${line.kind}`}
                  data-kind={line.kind}
                  data-speaker={line.speaker_id}
                  data-utterance={line.utterance_id}
                >
                  {person ? <Avatar user={person} size="sm" /> : null}
                  <span className="caption-speaker" dir="auto">
                    {nameOf(line.speaker_id)}
                  </span>
                  <span className="caption-text" dir="auto">
                    {line.text}
                  </span>
                </li>
              );
            })}
          </ol>
        </div>
      ) : null}
    </section>
  );
}

/** The CC sign: captions are running (or paused a moment) in this space. */
export function CaptionsSign({ state }: { state: CaptionsState }) {
  const { t } = useTranslation('captions');
  if (state === 'off') return null;
  return (
    <span
      className="badge badge-cc"
      role="img"
      aria-label={state === 'paused' ? t('signPaused') : t('sign')}
      title={state === 'paused' ? t('signPaused') : t('sign')}
      data-testid="cc-sign"
      data-state={state}
    >
      CC
    </span>
  );
}
