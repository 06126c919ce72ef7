import type { SpaceDto } from '@salon/protocol';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../../api';
import { ErrorText } from '../../../components/ErrorText';
import { clippingAllowed } from '../../clips/clips';

/** The host's Allow clips switch on the replay: the setting outlives the live, and covers its replay. */
export function ClippingSetting({
  space,
  onChange,
}: {
  space: SpaceDto;
  onChange: (space: SpaceDto) => void;
}) {
  const { t } = useTranslation('space');
  const help = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function set(on: boolean) {
    setBusy(true);
    setError(null);
    try {
      onChange(await api.setClipping(space.id, on));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="host-setting replay-clipping">
      <label className="check">
        <input
          type="checkbox"
          checked={clippingAllowed(space)}
          disabled={busy}
          aria-describedby={help}
          onChange={(e) => void set(e.target.checked)}
        />{' '}
        {t('host.clips')}
      </label>
      <p id={help} className="muted small">
        {t('host.clipsHelp')}
      </p>
      <ErrorText error={error} />
    </div>
  );
}
