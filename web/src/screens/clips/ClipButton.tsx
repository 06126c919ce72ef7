import { type SpaceDto, switchOn } from '@salon/protocol';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api, errorMessage } from '../../api';
import { ErrorText } from '../../components/ErrorText';

/**
 * "Clip the last 30 s" in a live space. Off (with the reason beside it) when
 * the host turned clipping off, or for a guest; after clipping, the clip's page.
 */
export function LiveClipButton({ space, signedIn }: { space: SpaceDto; signedIn: boolean }) {
  const { t } = useTranslation('clips');
  const navigate = useNavigate();
  const reasonId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Clipping is on unless the host (or a co-host) turned it off.
  const allowed = switchOn(space, 'clipping');
  const reason = !allowed ? t('off') : !signedIn ? t('signInToClip') : null;

  async function clip() {
    setBusy(true);
    setError(null);
    try {
      const made = await api.createClip(space.id, null);
      navigate(`/clips/${made.id}`);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <span className="clip-button">
      <button
        type="button"
        onClick={() => void clip()}
        disabled={busy || reason !== null}
        aria-describedby={reason ? reasonId : undefined}
      >
        {busy ? t('clipping') : t('clipLast')}
      </button>
      {reason ? (
        <span id={reasonId} className="muted small">
          {reason}
        </span>
      ) : null}
      <ErrorText error={error} />
    </span>
  );
}
