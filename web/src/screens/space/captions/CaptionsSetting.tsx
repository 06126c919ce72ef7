import type { SpaceDto } from '@salon/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../../api';
import { CheckSetting } from '../../../components/CheckSetting';
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
  const why = status.data ? captionsUnavailable(status.data, language) : null;
  return (
    <CheckSetting
      className="captions-setting"
      name="captions"
      label={t('forSpace')}
      help={why ? t(why, { language }) : t('forSpaceHelp')}
      helpTestId="captions-help"
      checked={checked}
      // Status unknown (the question failed): the server still decides, and says why.
      disabled={!checked && why !== null}
      onChange={onChange}
    />
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
          api.setSwitch(space.id, 'captions', on).catch((e: unknown) => setError(errorMessage(e)));
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
  if (!space.captions) return null;
  return (
    <CheckSetting
      className="captions-mine"
      label={t('mine')}
      help={t('mineHelp')}
      checked={!space.captions_off.includes(userId)}
      onChange={(on) => {
        setError(null);
        captionsApi
          .setOwnCaptions(space.id, on)
          .catch((err: unknown) => setError(errorMessage(err)));
      }}
    >
      <ErrorText error={error} />
    </CheckSetting>
  );
}
