import type { SpaceDto } from '@salon/protocol';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../api';
import { ErrorText } from '../../../components/ErrorText';
import { captionsApi, captionsUnavailable, useCaptionsStatus } from './captionsApi';

/**
 * "Captions for this space": a checkbox that says why it cannot be ticked
 * (no engine on this server, or not the space's language) instead of
 * failing quietly. Turning captions off stays possible whatever the engine.
 */
export function CaptionsCheckbox({
  checked,
  language,
  onChange,
}: {
  checked: boolean;
  language: string;
  onChange: (on: boolean) => void;
}) {
  const { t } = useTranslation('captions');
  const status = useCaptionsStatus();
  const helpId = useId();
  const why = status.data ? captionsUnavailable(status.data, language) : null;
  return (
    <div className="host-setting captions-setting">
      {/* A host-setting checkbox like HostTools' own: each says and does its own thing. */}
      <label className="check">
        <input
          type="checkbox"
          name="captions"
          checked={checked}
          // Status unknown (the question failed): the server still decides, and says why.
          disabled={!checked && why !== null}
          aria-describedby={helpId}
          onChange={(e) => onChange(e.target.checked)}
        />{' '}
        {t('forSpace')}
      </label>
      <p id={helpId} className="muted small" data-testid="captions-help">
        {why ? t(why, { language }) : t('forSpaceHelp')}
      </p>
    </div>
  );
}

/** The host's or a co-host's switch while the space runs. */
export function SpaceCaptionsSetting({ space }: { space: SpaceDto }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <CaptionsCheckbox
        checked={space.captions}
        language={space.language}
        onChange={(on) => {
          setError(null);
          captionsApi.setCaptions(space.id, on).catch((e: unknown) => setError(errorMessage(e)));
        }}
      />
      <ErrorText error={error} />
    </>
  );
}

/** A stage member's own choice: their voice captioned or not (the space's captions on). */
export function OwnCaptionsSetting({ space, userId }: { space: SpaceDto; userId: string }) {
  const { t } = useTranslation('captions');
  const [error, setError] = useState<string | null>(null);
  const helpId = useId();
  if (!space.captions) return null;
  const on = !space.captions_off.includes(userId);
  return (
    <div className="host-setting captions-mine">
      <label className="check">
        <input
          type="checkbox"
          checked={on}
          aria-describedby={helpId}
          onChange={(e) => {
            setError(null);
            captionsApi
              .setOwnCaptions(space.id, e.target.checked)
              .catch((err: unknown) => setError(errorMessage(err)));
          }}
        />{' '}
        {t('mine')}
      </label>
      <p id={helpId} className="muted small">
        {t('mineHelp')}
      </p>
      <ErrorText error={error} />
    </div>
  );
}
