import { useTranslation } from 'react-i18next';
import { SPEEDS, type Speed } from './playback';

/** 1×, 1.5×, 2×: toggle buttons, the chosen one pressed. */
export function SpeedControl({ speed, onChange }: { speed: Speed; onChange: (s: Speed) => void }) {
  const { t, i18n } = useTranslation('replay');
  const number = new Intl.NumberFormat(i18n.language);
  return (
    <fieldset className="speed-control plain">
      <legend>{t('speed')}</legend>
      {SPEEDS.map((s) => (
        <button key={s} type="button" aria-pressed={speed === s} onClick={() => onChange(s)}>
          {t('speedValue', { value: number.format(s) })}
        </button>
      ))}
    </fieldset>
  );
}
