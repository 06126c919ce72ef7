import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api, errorMessage } from '../../../api';
import { ErrorText } from '../../../components/ErrorText';
import { clock } from '../../clips/clips';
import { CLIP_DEFAULT_MS, CLIP_MAX_MS, CLIP_MIN_MS, clipRange } from './timeline';

/**
 * Clipping part of a replay: a start (the playhead's position at first) and a
 * length of 5 to 60 s, drawn on the timeline as they change (`onChange`).
 * Made, the clip's page opens.
 */
export function ClipRangePanel({
  spaceId,
  durationMs,
  positionMs,
  onChange,
  onClose,
}: {
  spaceId: string;
  durationMs: number;
  positionMs: number;
  onChange: (range: { from_ms: number; to_ms: number } | null) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation('replay');
  const navigate = useNavigate();
  const [from, setFrom] = useState(() => Math.floor(positionMs / 1000) * 1000);
  const [length, setLength] = useState(CLIP_DEFAULT_MS);
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const range = clipRange(from, length, durationMs);
  const fromMs = range?.from_ms ?? null;
  const toMs = range?.to_ms ?? null;

  useEffect(() => {
    onChange(fromMs === null || toMs === null ? null : { from_ms: fromMs, to_ms: toMs });
    return () => onChange(null);
  }, [fromMs, toMs, onChange]);

  if (!range) return <p className="muted">{t('clip.tooShort')}</p>;
  const lengthMs = range.to_ms - range.from_ms;
  const longest = Math.min(CLIP_MAX_MS, durationMs);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!range) return;
    setBusy(true);
    setError(null);
    try {
      const clip = await api.createClip(spaceId, range, title.trim() || undefined);
      navigate(`/clips/${clip.id}`);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <form className="clip-range stack" onSubmit={submit} aria-labelledby="clip-range-title">
      {/* Labelled controls of their own kinds (two ranges, a name), like other forms' fields in shape only. */}
      <h2 id="clip-range-title">{t('clip.title')}</h2>
      <p className="strong" aria-live="polite">
        {t('clip.range', { from: clock(range.from_ms), to: clock(range.to_ms) })}
      </p>
      <div className="field">
        <label htmlFor="clip-start">{t('clip.start')}</label>
        <input
          id="clip-start"
          type="range"
          min={0}
          max={Math.max(0, durationMs - lengthMs)}
          step={1000}
          value={range.from_ms}
          aria-valuetext={clock(range.from_ms)}
          onChange={(e) => setFrom(Number(e.target.value))}
        />
        <button type="button" onClick={() => setFrom(Math.floor(positionMs / 1000) * 1000)}>
          {t('clip.fromPlayhead')}
        </button>
      </div>
      <div className="field">
        <label htmlFor="clip-length">{t('clip.length')}</label>
        <input
          id="clip-length"
          type="range"
          min={CLIP_MIN_MS / 1000}
          max={longest / 1000}
          step={1}
          value={lengthMs / 1000}
          aria-valuetext={t('clip.seconds', { count: lengthMs / 1000 })}
          onChange={(e) => setLength(Number(e.target.value) * 1000)}
        />
        <span className="muted">{t('clip.seconds', { count: lengthMs / 1000 })}</span>
      </div>
      <div className="field">
        <label htmlFor="clip-title">{t('clip.name')}</label>
        <input
          id="clip-title"
          maxLength={100}
          value={title}
          placeholder={t('clip.namePlaceholder')}
          onChange={(e) => setTitle(e.target.value)}
        />
      </div>
      <ErrorText error={error} />
      <div className="row">
        <button type="button" onClick={onClose}>
          {t('clip.cancel')}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('clip.making') : t('clip.make')}
        </button>
      </div>
    </form>
  );
}
