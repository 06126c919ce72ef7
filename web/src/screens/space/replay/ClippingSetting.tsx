import { type SpaceDto, switchOn } from '@salon/protocol';
import { useState } from 'react';
import { api, errorMessage } from '../../../api';
import { ErrorText } from '../../../components/ErrorText';
import { SwitchSetting } from '../HostTools';

/** The host's Allow clips switch on the replay: the setting outlives the live, and covers its replay. */
export function ClippingSetting({
  space,
  onChange,
}: {
  space: SpaceDto;
  onChange: (space: SpaceDto) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function set(on: boolean) {
    setBusy(true);
    setError(null);
    try {
      onChange(await api.setSwitch(space.id, 'clipping', on));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="replay-clipping">
      <SwitchSetting
        name="clipping"
        on={switchOn(space, 'clipping')}
        disabled={busy}
        onChange={(on) => void set(on)}
      />
      <ErrorText error={error} />
    </div>
  );
}
